import type { JsonWebKey } from "node:crypto"
import { WEBHOOK_KEYS_REFETCH_MS, WEBHOOK_KEYS_TTL_MS, WebhookKeySet } from "../webhook-keys"

const key = (kid: string): JsonWebKey => ({ kty: "RSA", kid, n: `n-of-${kid}`, e: "AQAB" })

/** A key set over a fake publisher (which keys it publishes, how often it was asked) and a clock the test moves. */
function keySet(published: string[] = ["k1"]) {
  const state = { published, fetches: 0, failWith: null as Error | null, now: 1_000_000 }
  const set = new WebhookKeySet(async () => {
    state.fetches++
    await new Promise((r) => setImmediate(r))
    if (state.failWith) throw state.failWith
    return new Map(state.published.map((kid) => [kid, key(kid)]))
  }, () => state.now)
  return { set, state }
}

describe("WebhookKeySet: the key set is fetched at most once a minute, whatever key ids deliveries name", () => {
  it("fetches once for a known id and answers later ones from what it holds", async () => {
    const { set, state } = keySet()
    expect(await set.get("k1")).toEqual(key("k1"))
    state.now += WEBHOOK_KEYS_TTL_MS - 1
    expect(await set.get("k1")).toEqual(key("k1"))
    expect(state.fetches).toBe(1)
  })

  it("refuses unknown ids within the minute without a fetch; the first unknown id after it fetches once more", async () => {
    const { set, state } = keySet()
    await set.get("k1")
    for (let i = 0; i < 60; i++) {
      state.now += 1_000
      expect(await set.get(`forged-${i}`)).toBeNull()
    }
    expect(state.fetches).toBe(2) // at +60 s, the 60th forged id
    state.now += WEBHOOK_KEYS_REFETCH_MS - 1
    expect(await set.get("forged-again")).toBeNull()
    expect(state.fetches).toBe(2)
    state.now += 1
    expect(await set.get("forged-again")).toBeNull()
    expect(state.fetches).toBe(3)
  })

  it("finds a key rotated in at the first look allowed, and deliveries arriving together share one fetch", async () => {
    const { set, state } = keySet()
    await set.get("k1")
    state.published = ["k1", "k2"]
    state.now += 30_000
    expect(await set.get("k2")).toBeNull()
    state.now += 30_000
    expect(await Promise.all([set.get("k2"), set.get("k2"), set.get("forged"), set.get("k1")])).toEqual([key("k2"), key("k2"), null, key("k1")])
    expect(state.fetches).toBe(2)
  })

  it("fetches a known key's set again once it is an hour old", async () => {
    const { set, state } = keySet()
    await set.get("k1")
    state.now += WEBHOOK_KEYS_TTL_MS
    state.published = ["k2"]
    expect(await set.get("k1")).toBeNull()
    expect(state.fetches).toBe(2)
  })

  it("says why when the keys cannot be fetched, without asking again within the minute; keys at hand outlive a failed fetch", async () => {
    const { set, state } = keySet()
    state.failWith = new Error("ShipStation's key set answered 503")
    await expect(set.get("k1")).rejects.toThrow("ShipStation's key set answered 503")
    state.now += 59_000
    await expect(set.get("k1")).rejects.toThrow("ShipStation's key set answered 503")
    expect(state.fetches).toBe(1)
    state.failWith = null
    state.now += 1_000
    expect(await set.get("k1")).toEqual(key("k1"))
    state.failWith = new Error("down again")
    state.now += WEBHOOK_KEYS_TTL_MS
    expect(await set.get("k1")).toEqual(key("k1"))
    expect(state.fetches).toBe(3)
  })
})
