import { AsyncLocalStorage } from "node:async_hooks"

/** What sync run a piece of code is working for; the HTTP layer stamps it on every log row. */
export type SyncCallContext = {
  syncRecordId?: string
  entityType?: string
  entityId?: string
  attempt?: number
  /** "in" while applying an inbound event; log rows of the run carry it. */
  direction?: "in" | "out"
  /** The workflow step running now (`runInStep`); every call it makes is logged under it. */
  step?: string
  /** True while the step undoes its effect (compensation). */
  compensation?: boolean
  /** Set by the step that failed when a retry can fix the failure: earlier effects are then kept, not undone. */
  retryableFailure?: boolean
  /**
   * This run is the record's first, started by its event (attempt 1, never synced before): nothing it sends can
   * have been sent by an earlier run.
   */
  firstRun?: boolean
  /** The step running now has been tried before in this run (an in-place repeat after a retryable failure). */
  repeat?: boolean
  /** Lost once the run's lease on the record is: it must not call a vendor again (another run may hold it). */
  lease?: { readonly lost: boolean }
}

const storage = new AsyncLocalStorage<SyncCallContext>()

export function runInSyncContext<T>(ctx: SyncCallContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(ctx, fn)
}

export function currentSyncContext(): SyncCallContext {
  return storage.getStore() ?? {}
}

/** Notes on the current run that it failed in a way a retry can fix. No-op outside a run. */
export function noteRetryableFailure(): void {
  let ctx = storage.getStore()
  // Mark the run's own context, not a step's child of it.
  while (ctx && Object.prototype.hasOwnProperty.call(ctx, "step")) ctx = Object.getPrototypeOf(ctx) as SyncCallContext
  if (ctx) ctx.retryableFailure = true
}

/** True while a step's action runs for the first time on its record: the record's first run and not an in-place repeat. */
export function isFirstTry(): boolean {
  const ctx = currentSyncContext()
  return ctx.firstRun === true && ctx.repeat !== true
}

/** Runs a workflow step's action or compensation with its name in the context, so its calls are logged under it. */
export function runInStep<T>(step: string, compensation: boolean, fn: () => Promise<T>): Promise<T> {
  const ctx = storage.getStore()
  if (!ctx) return fn()
  // A child context: the step's name must not leak into the steps after it, but a retryable failure must reach the run.
  const child = Object.create(ctx) as SyncCallContext
  child.step = step
  child.compensation = compensation
  return storage.run(child, fn)
}
