import { ConnectionRateLimiter, RateLimit, spacingMs } from "../rate-limit"
import { FakeClock, settle } from "./fake-clock"

/** A limiter on `clock`: its waits are the fake clock's, so each start happens at an exact moment. */
const limiterOn = (clock: FakeClock, id: string, limit: RateLimit | undefined) => new ConnectionRateLimiter(id, limit, undefined, clock.sleep, clock.now)

/**
 * Starts `n` acquisitions at once, each handing its turn back as soon as it has it. `starts[i]` is the moment
 * caller i got its turn (null while it waits); `order` lists the callers in the order they got it.
 */
function acquireAll(limiter: ConnectionRateLimiter, clock: FakeClock, n: number) {
  const starts: Array<number | null> = Array.from({ length: n }, () => null)
  const order: number[] = []
  const all = Promise.all(
    Array.from({ length: n }, (_, i) =>
      limiter.acquire().then((turn) => {
        starts[i] = clock.now()
        order.push(i)
        turn.done()
      })
    )
  )
  return { starts, order, all }
}

describe("spacingMs", () => {
  it.each<[RateLimit, number]>([
    [{ requests: 1, perSeconds: 10 }, 10_000],
    [{ requests: 2, perSeconds: 10 }, 10_000],
    [{ requests: 3, perSeconds: 10 }, 5_000],
    [{ requests: 100, perSeconds: 10 }, 10_000 / 99],
    [{ requests: 200, perSeconds: 60 }, 60_000 / 199],
    [{ requests: 5, perSeconds: 0.5 }, 125],
  ])("%j → %d ms", (limit, expected) => {
    expect(spacingMs(limit)).toBeCloseTo(expected, 9)
  })

  it.each<[RateLimit]>([[{ requests: 2, perSeconds: 10 }], [{ requests: 100, perSeconds: 10 }], [{ requests: 200, perSeconds: 60 }]])(
    "%j: a span of perSeconds holds at most `requests` starts, and the rate kept is (requests - 1) / requests",
    (limit) => {
      const spacing = spacingMs(limit) / 1000
      // Starts are at least `spacing` apart: a closed span of perSeconds holds floor(perSeconds / spacing) + 1.
      expect(Math.floor(limit.perSeconds / spacing + 1e-9) + 1).toBe(limit.requests)
      expect(limit.perSeconds / spacing).toBeCloseTo(limit.requests - 1, 9)
    }
  )
})

describe("ConnectionRateLimiter.acquire", () => {
  it("without a limit, lets every caller start at once", async () => {
    const clock = new FakeClock()
    const { starts, all } = acquireAll(limiterOn(clock, "rl-none", undefined), clock, 20)
    await all
    expect(starts).toEqual(Array.from({ length: 20 }, () => 0))
  })

  it("5 per 0.25 s: one start every 62.5 ms (no burst of 5), so never 6 within 0.25 s", async () => {
    const clock = new FakeClock()
    const { starts } = acquireAll(limiterOn(clock, "rl-spacing", { requests: 5, perSeconds: 0.25 }), clock, 8)
    await clock.advance(1_000)
    expect(starts).toEqual([0, 62.5, 125, 187.5, 250, 312.5, 375, 437.5])
  })

  it("5 per 0.5 s: of 7 callers, exactly 4 start within 0.45 s (at 0, 125, 250, 375 ms), the others after", async () => {
    const clock = new FakeClock()
    const { starts, all } = acquireAll(limiterOn(clock, "rl-count", { requests: 5, perSeconds: 0.5 }), clock, 7)
    await clock.advance(450)
    expect(starts).toEqual([0, 125, 250, 375, null, null, null])
    await clock.advance(550)
    await all
    expect(starts).toEqual([0, 125, 250, 375, 500, 625, 750])
  })

  it("serves waiters in the order they called (FIFO)", async () => {
    const clock = new FakeClock()
    const { starts, order } = acquireAll(limiterOn(clock, "rl-fifo", { requests: 51, perSeconds: 1 }), clock, 10)
    await clock.advance(1_000)
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(starts).toEqual([0, 20, 40, 60, 80, 100, 120, 140, 160, 180])
  })

  it("serves waiters that arrived during a pause in the order they called (FIFO), one turn apart once it ends", async () => {
    const clock = new FakeClock()
    // One start per 10 ms; a 120 ms pause; a caller arrives every 10 ms while it lasts.
    const limiter = limiterOn(clock, "rl-fifo-pause", { requests: 101, perSeconds: 1 })
    await limiter.pause(120)
    const starts: number[] = []
    const order: number[] = []
    for (let i = 0; i < 10; i++) {
      void limiter.acquire().then((turn) => {
        starts.push(clock.now())
        order.push(i)
        turn.done()
      })
      await clock.advance(10)
    }
    await clock.advance(1_000)
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    expect(starts).toEqual([120, 130, 140, 150, 160, 170, 180, 190, 200, 210])
  })
})

describe("ConnectionRateLimiter.pause", () => {
  it.each<[string, RateLimit | undefined]>([
    ["a connection with a rate limit", { requests: 100, perSeconds: 1 }],
    ["a connection that has no rate limit of its own", undefined],
  ])("blocks acquire on %s until the pause has passed, to the millisecond", async (_, limit) => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, "rl-pause", limit)
    await limiter.pause(250)
    const { starts } = acquireAll(limiter, clock, 1)
    await clock.advance(249)
    expect(starts).toEqual([null])
    await clock.advance(1)
    expect(starts).toEqual([250])
  })

  it("holds back callers already waiting for their turn: none starts before the pause ends", async () => {
    const clock = new FakeClock()
    // One start per 200 ms: turns at 0, 200, 400, 600 and 800 ms are booked when, at 20 ms, the vendor's 429
    // pauses the connection until 820 ms. The callers whose turns fell into it take new turns after the last
    // one booked (1000 ms), one per 200 ms.
    const limiter = limiterOn(clock, "rl-pause-queued", { requests: 3, perSeconds: 0.4 })
    const { starts } = acquireAll(limiter, clock, 5)
    await clock.advance(20)
    await limiter.pause(800)
    await clock.advance(2_000)
    expect(starts).toEqual([0, 1_000, 1_200, 1_400, 1_600])
  })

  it("after a pause, one call goes first; the others start only once it has its answer", async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, "rl-resume-one", undefined)
    await limiter.pause(100)
    const starts: Array<[number, number]> = []
    const turns = Array.from({ length: 4 }, (_, i) => limiter.acquire().then((turn) => (starts.push([i, clock.now()]), turn)))
    await clock.advance(100)
    expect(starts).toEqual([[0, 100]])
    // The first call is still waiting for its answer: nobody else starts, however long it takes.
    await clock.advance(150)
    expect(starts).toEqual([[0, 100]])
    ;(await turns[0]).done()
    for (const turn of await Promise.all(turns)) turn.done()
    expect(starts).toEqual([[0, 100], [1, 250], [2, 250], [3, 250]])
  })

  it("after a pause, a first call answered 429 again holds the others for the new pause too", async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, "rl-resume-429", undefined)
    await limiter.pause(50)
    const firstTurn = limiter.acquire()
    await clock.advance(50)
    const first = await firstTurn
    let secondStart: number | null = null
    void limiter.acquire().then((turn) => {
      secondStart = clock.now()
      turn.done()
    })
    await clock.advance(20) // the second caller arrived while the first call was out, and waits behind it
    // Its answer, at 70 ms, is a 429 with Retry-After 300 ms: the pause is set before the turn is done, as the guard does.
    await limiter.pause(300)
    first.done()
    await clock.advance(299)
    expect(secondStart).toBeNull()
    await clock.advance(1)
    expect(secondStart).toBe(370)
  })

  it("without a pause, calls do not wait for each other's answers", async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, "rl-no-resume", undefined)
    const given: number[] = []
    for (let i = 0; i < 3; i++) void limiter.acquire().then(() => given.push(clock.now()))
    await settle()
    expect(given).toEqual([0, 0, 0])
  })

  it.each([0, -5])("pause(%i) does not pause", async (ms) => {
    const limiter = limiterOn(new FakeClock(), "rl-pause-zero", undefined)
    await limiter.pause(ms)
    expect(await limiter.pausedForMs()).toBe(0)
  })
})

describe("ConnectionRateLimiter.pausedForMs", () => {
  it("is 0 before any pause", async () => {
    expect(await limiterOn(new FakeClock(), "rl-pf-none", { requests: 10, perSeconds: 1 }).pausedForMs()).toBe(0)
  })

  it("counts down the pause, then reads 0", async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, "rl-pf", undefined)
    await limiter.pause(300)
    const left: number[] = [await limiter.pausedForMs()]
    for (const step of [100, 199, 1, 50]) {
      await clock.advance(step)
      left.push(await limiter.pausedForMs())
    }
    expect(left).toEqual([300, 200, 1, 0, 0])
  })

  it("keeps the longer of two pauses: a shorter Retry-After does not shorten one under way", async () => {
    const clock = new FakeClock()
    const limiter = limiterOn(clock, "rl-pf-max", undefined)
    await limiter.pause(400)
    await clock.advance(100)
    await limiter.pause(50)
    expect(await limiter.pausedForMs()).toBe(300)
  })
})
