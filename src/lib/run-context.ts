import { AsyncLocalStorage } from "node:async_hooks"

/** What sync run a piece of code is working for; the HTTP layer stamps it on every log row. */
export type SyncCallContext = {
  syncRecordId?: string
  entityType?: string
  entityId?: string
  attempt?: number
  /** "in" while applying an inbound event; log rows of the run carry it. */
  direction?: "in" | "out"
  /** Set by the step that failed when a retry can fix the failure: earlier effects are then kept, not undone. */
  retryableFailure?: boolean
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
  const ctx = storage.getStore()
  if (ctx) ctx.retryableFailure = true
}
