import type { JsonWebKey } from "node:crypto"

/** How long a fetched key set is used before it is fetched again. */
export const WEBHOOK_KEYS_TTL_MS = 3_600_000
/** The key set is fetched at most this often, whatever key ids deliveries name: a forged id costs no fetch. */
export const WEBHOOK_KEYS_REFETCH_MS = 60_000

/**
 * ShipStation's published webhook keys, by key id, as this process last fetched them. The set is fetched when it is
 * an hour old, or for a key id it lacks (a key ShipStation rotated in), but never twice within a minute: until then
 * an unknown id is simply not a published key. Deliveries arriving during a fetch wait for that one fetch.
 */
export class WebhookKeySet {
  private keys = new Map<string, JsonWebKey>()
  private loadedAt: number | null = null
  private triedAt: number | null = null
  /** Why the last fetch failed, while no key set was ever loaded: repeated until the next fetch may go. */
  private failure: unknown = null
  private fetching: Promise<void> | null = null

  constructor(private readonly fetchKeys: () => Promise<Map<string, JsonWebKey>>, private readonly now: () => number = Date.now) {}

  /** The published key with this id, or null when the set (fetched as above) has none. */
  async get(keyId: string): Promise<JsonWebKey | null> {
    const now = this.now()
    const stale = this.loadedAt === null || now - this.loadedAt >= WEBHOOK_KEYS_TTL_MS
    const mayFetch = this.triedAt === null || now - this.triedAt >= WEBHOOK_KEYS_REFETCH_MS
    if (stale || !this.keys.has(keyId)) {
      if (this.fetching) await this.fetching
      else if (mayFetch) await this.fetch(now)
    }
    if (this.loadedAt === null && this.failure) throw this.failure
    return this.keys.get(keyId) ?? null
  }

  private fetch(now: number): Promise<void> {
    this.triedAt = now
    this.fetching = this.fetchKeys()
      .then((keys) => {
        this.keys = keys
        this.loadedAt = this.now()
        this.failure = null
      })
      // A failed fetch keeps the keys at hand (if any); with none, verification says why until the next try.
      .catch((err: unknown) => {
        this.failure = err
      })
      .finally(() => {
        this.fetching = null
      })
    return this.fetching
  }
}
