import { CompensateFn, createStep, InvokeFn } from "@medusajs/framework/workflows-sdk"
import { describeFailure } from "../lib/errors"
import { currentSyncContext, noteRetryableFailure, runInStep } from "../lib/run-context"
import { INTEGRATION_HUB_MODULE } from "../modules/integration-hub"
import type IntegrationHubModuleService from "../modules/integration-hub/service"

export type SyncStepOptions<TInput> = {
  /** What the step does, and what its compensation undoes, in staff's words: the log drawer shows calls under them. */
  label: { does: string; undoes?: string }
  /**
   * The step's action is idempotent by contract (it looks up by our stable reference before it creates): a
   * retryable failure repeats it in place, within the connection's in-place retry policy and budget. Returns
   * the connection whose policy applies.
   */
  repeatOn?: (input: TInput) => string
}

const STEP_LABELS = new Map<string, SyncStepOptions<unknown>["label"]>()

/** The words for a sync step's calls: "find or create the customer", or "undo: remove the customer …". */
export function stepLabel(step: string | null, compensation: boolean): string | null {
  if (!step) return null
  const label = STEP_LABELS.get(step)
  if (!label) return step
  return compensation ? `undo: ${label.undoes ?? `undo ${label.does}`}` : label.does
}

/**
 * `createStep` for the steps of sync workflows. Every call the step makes is logged under its name (and as
 * an undo while it compensates). Compensation is for permanent failures: when a later step fails in a way a
 * retry can fix (a timeout, an outage, a lost database connection), the effects already made are kept, because
 * every effect is idempotent by its stable reference and the retry resumes them; undoing them would cancel a
 * good ERP sale only for the retry to create a second one.
 * Outside a sync run (a workflow run directly) every failure compensates, as Medusa does by default.
 */
export function createSyncStep<TInput, TOutput, TCompensateInput>(
  name: string,
  invoke: InvokeFn<TInput, TOutput, TCompensateInput>,
  compensate: CompensateFn<TCompensateInput> | undefined,
  opts: SyncStepOptions<TInput>
) {
  STEP_LABELS.set(name, opts.label)
  return createStep<TInput, TOutput, TCompensateInput>(
    name,
    async (input, context) =>
      runInStep(name, false, async () => {
        try {
          if (!opts.repeatOn) return await invoke(input, context)
          const guard = context.container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getGuard(opts.repeatOn(input))
          let tries = 0
          return await guard.repeat(async () => {
            // The step's own context (runInStep's child): a repeat is told so (isFirstTry), the steps after it are not.
            if (tries++ > 0) currentSyncContext().repeat = true
            return invoke(input, context)
          })
        } catch (err) {
          if (describeFailure(err).retryable) noteRetryableFailure()
          throw err
        }
      }),
    compensate &&
      (async (input, context) => {
        if (currentSyncContext().retryableFailure) return
        return runInStep(name, true, async () => compensate(input, context))
      })
  )
}
