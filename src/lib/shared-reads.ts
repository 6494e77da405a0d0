import { AsyncLocalStorage } from "node:async_hooks"

/**
 * One event, one read. When an event asks for an effect, its revision (a hash of what the effect would send) and the
 * run that sends it right after read the same entity with the same fields; within a `shareReads` scope the run takes
 * the read the revision made instead of making it again, so what is sent is exactly what was hashed. A read is
 * taken once: a later run in the same scope (new content was requested while the first one was sending) reads
 * afresh. Outside a scope every read is made.
 */
const scopes = new AsyncLocalStorage<Map<string, Promise<unknown>>>()

export function shareReads<T>(fn: () => Promise<T>): Promise<T> {
  return scopes.run(new Map(), fn)
}

/** Makes the read and, in a scope, keeps it for the one later caller that asks for the same `key`. */
export function readAndShare<T>(key: string, read: () => Promise<T>): Promise<T> {
  const result = read()
  const shared = scopes.getStore()
  if (shared) {
    shared.set(key, result)
    // A failed read is not handed on: the taker reads for itself.
    result.catch(() => {
      if (shared.get(key) === result) shared.delete(key)
    })
  }
  return result
}

/** The read a caller in this scope shared under `key`, taken (null when there is none); else nothing is read. */
export function takeSharedRead<T>(key: string): Promise<T> | null {
  const shared = scopes.getStore()
  const result = shared?.get(key) as Promise<T> | undefined
  if (!result) return null
  shared!.delete(key)
  return result
}
