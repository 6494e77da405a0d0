import { RateLimiter } from "../rate-limit"

/** A clock that only moves when the limiter sleeps (or the test says so). */
function fakeTime(opts: { maxStepMs?: number; failFirstSleep?: boolean } = {}) {
  let clock = 0
  let failNext = opts.failFirstSleep ?? false
  const sleeps: number[] = []
  return {
    sleeps,
    now: () => clock,
    advance: (ms: number) => {
      clock += ms
    },
    sleep: async (ms: number) => {
      sleeps.push(ms)
      if (failNext) {
        failNext = false
        throw new Error("aborted")
      }
      // A timer may fire early; the limiter must check again rather than trust it.
      clock += Math.min(ms, opts.maxStepMs ?? ms)
    },
  }
}

describe("RateLimiter", () => {
  it("lets two calls through per second and makes the third wait for the first slot to expire", async () => {
    const time = fakeTime()
    const limiter = new RateLimiter(2, 1, time.now, time.sleep)
    const acquired: string[] = []

    await Promise.all(
      ["a", "b", "c"].map((name) => limiter.acquire().then(() => acquired.push(`${name}@${time.now()}`)))
    )

    expect(time.sleeps).toEqual([1_000])
    expect(acquired).toEqual(["a@0", "b@0", "c@1000"])
  })

  it("waits only for the remainder of the window, slot by slot", async () => {
    const time = fakeTime()
    const limiter = new RateLimiter(2, 1, time.now, time.sleep)
    const acquired: string[] = []
    const take = (name: string) => limiter.acquire().then(() => acquired.push(`${name}@${time.now()}`))

    await take("a")
    time.advance(300)
    await Promise.all([take("b"), take("c"), take("d")])

    // c waits for a's slot (started at 0) to expire at 1000; d for b's (started at 300) at 1300.
    expect(time.sleeps).toEqual([700, 300])
    expect(acquired).toEqual(["a@0", "b@300", "c@1000", "d@1300"])
  })

  it("does not wait when the window has already passed", async () => {
    const time = fakeTime()
    const limiter = new RateLimiter(1, 2, time.now, time.sleep)

    await limiter.acquire()
    time.advance(2_000)
    await limiter.acquire()

    expect(time.sleeps).toEqual([])
  })

  it("checks again after an early wake-up and sleeps for what is left", async () => {
    const time = fakeTime({ maxStepMs: 400 })
    const limiter = new RateLimiter(1, 1, time.now, time.sleep)
    const acquired: number[] = []

    await Promise.all([limiter.acquire(), limiter.acquire()].map((p) => p.then(() => acquired.push(time.now()))))

    expect(time.sleeps).toEqual([1_000, 600, 200])
    expect(acquired).toEqual([0, 1_000])
  })

  it("keeps serving later callers when one wait fails", async () => {
    const time = fakeTime({ failFirstSleep: true })
    const limiter = new RateLimiter(1, 1, time.now, time.sleep)

    const first = limiter.acquire()
    const second = limiter.acquire()
    const third = limiter.acquire()

    await expect(first).resolves.toBeUndefined()
    await expect(second).rejects.toThrow("aborted")
    await expect(third).resolves.toBeUndefined()
    expect(time.sleeps).toEqual([1_000, 1_000])
    expect(time.now()).toBe(1_000)
  })

  it.each([
    // requests, perSeconds, calls, expected sleeps
    [1, 1, 3, [1_000, 1_000]],
    [3, 1, 4, [1_000]],
    [2, 0.5, 5, [500, 500]],
    [5, 60, 5, []],
  ])("with %i request(s) per %d s, %i calls sleep %j", async (requests, perSeconds, calls, expected) => {
    const time = fakeTime()
    const limiter = new RateLimiter(requests, perSeconds, time.now, time.sleep)

    await Promise.all(Array.from({ length: calls }, () => limiter.acquire()))

    expect(time.sleeps).toEqual(expected)
  })
})
