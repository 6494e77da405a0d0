import { TtlCache } from "../ttl-cache"

describe("TtlCache", () => {
  let now = 0
  const clock = () => now
  beforeEach(() => {
    now = 1_000
  })

  it("keeps an entry until its TTL has passed, counted from when it was last set", () => {
    const cache = new TtlCache<string>(100, 10, clock)
    cache.set("a", "1")
    now += 99
    expect(cache.get("a")).toBe("1")
    cache.set("a", "2")
    now += 99
    expect(cache.get("a")).toBe("2")
    now += 1
    expect(cache.get("a")).toBeUndefined()
  })

  it("drops the oldest entry past its size, and a deleted one at once", () => {
    const cache = new TtlCache<number>(1_000, 2, clock)
    cache.set("a", 1)
    cache.set("b", 2)
    cache.set("c", 3)
    expect([cache.get("a"), cache.get("b"), cache.get("c")]).toEqual([undefined, 2, 3])
    cache.delete("b")
    expect(cache.get("b")).toBeUndefined()
  })

  it("lists only live entries", () => {
    const cache = new TtlCache<number>(100, 10, clock)
    cache.set("old", 1)
    now += 60
    cache.set("new", 2)
    now += 50
    expect([...cache.entries()]).toEqual([["new", 2]])
  })
})
