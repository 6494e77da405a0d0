import { AsyncLocalStorage } from "node:async_hooks"

/** What sync a piece of code is working for; the HTTP layer stamps it on every log row. */
export type SyncCallContext = {
  syncRecordId?: string
  entityType?: string
  entityId?: string
  attempt?: number
}

const storage = new AsyncLocalStorage<SyncCallContext>()

export function runInSyncContext<T>(ctx: SyncCallContext, fn: () => Promise<T>): Promise<T> {
  return storage.run(ctx, fn)
}

export function currentSyncContext(): SyncCallContext {
  return storage.getStore() ?? {}
}
