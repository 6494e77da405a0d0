/**
 * A small per-process cache whose entries expire `ttlMs` after they were set, holding at most `maxEntries` (the
 * oldest go first). For what a vendor rarely changes and an order reads every time (a product, a party): a
 * short TTL bounds how stale an entry can be, and the caller deletes an entry whenever a failure names it.
 */
export class TtlCache<V> {
  private readonly store = new Map<string, { value: V; expires: number }>()

  constructor(private readonly ttlMs: number, private readonly maxEntries = 10_000, private readonly now: () => number = Date.now) {}

  get(key: string): V | undefined {
    const entry = this.store.get(key)
    if (!entry) return undefined
    if (entry.expires <= this.now()) {
      this.store.delete(key)
      return undefined
    }
    return entry.value
  }

  set(key: string, value: V): void {
    this.store.delete(key)
    this.store.set(key, { value, expires: this.now() + this.ttlMs })
    if (this.store.size > this.maxEntries) this.store.delete(this.store.keys().next().value as string)
  }

  delete(key: string): void {
    this.store.delete(key)
  }

  /** The live entries (expired ones are skipped), from a copy: the caller may delete while it iterates. */
  *entries(): IterableIterator<[string, V]> {
    const now = this.now()
    for (const [key, entry] of [...this.store]) if (entry.expires > now) yield [key, entry.value]
  }
}
