import { CompensateFn, createStep, InvokeFn } from "@medusajs/framework/workflows-sdk"
import { describeFailure } from "../lib/errors"
import { currentSyncContext, noteRetryableFailure } from "../lib/run-context"

/**
 * `createStep` for the steps of sync workflows. Compensation is for permanent failures: when a later
 * step fails in a way a retry can fix (a timeout, an outage, a lost database connection), the effects
 * already made are kept, because every effect is idempotent by its stable reference and the retry resumes
 * them; undoing them would cancel a good ERP sale only for the retry to create a second one.
 * Outside a sync run (a workflow run directly) every failure compensates, as Medusa does by default.
 */
export function createSyncStep<TInput, TOutput, TCompensateInput>(
  name: string,
  invoke: InvokeFn<TInput, TOutput, TCompensateInput>,
  compensate?: CompensateFn<TCompensateInput>
) {
  return createStep<TInput, TOutput, TCompensateInput>(
    name,
    async (input, context) => {
      try {
        return await invoke(input, context)
      } catch (err) {
        if (describeFailure(err).retryable) noteRetryableFailure()
        throw err
      }
    },
    compensate &&
      (async (input, context) => {
        if (currentSyncContext().retryableFailure) return
        return compensate(input, context)
      })
  )
}
