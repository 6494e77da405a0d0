import { ConnectionRateLimiter, RateLimit, spacingMs } from "../rate-limit"

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
/** Timers never fire early, but the store and Date.now can disagree by a millisecond or two. */
const SLACK_MS = 10

/** Starts `n` acquisitions at once; resolves with each one's completion time (ms after the start), in call order. */
async function acquireAll(limiter: ConnectionRateLimiter, n: number): Promise<number[]> {
  const t0 = Date.now()
  return Promise.all(Array.from({ length: n }, () => limiter.acquire().then((turn) => turn.done()).then(() => Date.now() - t0)))
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
    const done = await acquireAll(new ConnectionRateLimiter("rl-none", undefined), 20)
    expect(Math.max(...done)).toBeLessThan(50)
  })

  it("5 per 0.25 s: spreads the starts (no burst of 5) and never lets 6 start within 0.25 s", async () => {
    const done = await acquireAll(new ConnectionRateLimiter("rl-spacing", { requests: 5, perSeconds: 0.25 }), 8)
    const sorted = [...done].sort((a, b) => a - b)
    // Evenly spread: one start per 62.5 ms window, so only the first goes at once.
    expect(sorted.filter((t) => t < 40)).toHaveLength(1)
    for (let i = 0; i + 5 < sorted.length; i++) expect(sorted[i + 5] - sorted[i]).toBeGreaterThanOrEqual(250 - SLACK_MS)
    for (let i = 0; i + 1 < sorted.length; i++) expect(sorted[i + 1] - sorted[i]).toBeGreaterThanOrEqual(62 - SLACK_MS)
  })

  it("5 per 0.5 s: counted over a window, about 4 of 7 callers get through in 0.45 s, never more than 5", async () => {
    const limiter = new ConnectionRateLimiter("rl-count", { requests: 5, perSeconds: 0.5 })
    let started = 0
    const all = Array.from({ length: 7 }, () => limiter.acquire().then((turn) => turn.done()).then(() => started++))
    await sleep(450)
    // Starts at 0, 125, 250, 375 ms: 4 by 450 ms (timers may run late, so at least 2).
    expect(started).toBeGreaterThanOrEqual(2)
    expect(started).toBeLessThanOrEqual(5)
    await Promise.all(all)
    expect(started).toBe(7)
  })

  it("serves waiters in the order they called (FIFO)", async () => {
    const limiter = new ConnectionRateLimiter("rl-fifo", { requests: 51, perSeconds: 1 })
    const order: number[] = []
    await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.acquire().then((turn) => turn.done()).then(() => order.push(i))))
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  })

  it("serves waiters that arrived during a pause in the order they called (FIFO), in every one of 6 trials", async () => {
    const inOrder: boolean[] = []
    for (let trial = 0; trial < 6; trial++) {
      const limiter = new ConnectionRateLimiter(`rl-fifo-pause-${trial}`, { requests: 100, perSeconds: 1 })
      await limiter.pause(120)
      const order: number[] = []
      const waiters: Promise<number>[] = []
      for (let i = 0; i < 10; i++) {
        waiters.push(limiter.acquire().then((turn) => turn.done()).then(() => order.push(i)))
        await sleep(10)
      }
      await Promise.all(waiters)
      inOrder.push(order.every((v, i) => v === i))
    }
    expect(inOrder).toEqual([true, true, true, true, true, true])
  })
})

describe("ConnectionRateLimiter.pause", () => {
  it("blocks acquire until the pause has passed", async () => {
    const limiter = new ConnectionRateLimiter("rl-pause", { requests: 100, perSeconds: 1 })
    const t0 = Date.now()
    await limiter.pause(250)
    ;(await limiter.acquire()).done()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250 - SLACK_MS)
  })

  it("pauses a connection that has no rate limit of its own", async () => {
    const limiter = new ConnectionRateLimiter("rl-pause-nolimit", undefined)
    const t0 = Date.now()
    await limiter.pause(200)
    ;(await limiter.acquire()).done()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200 - SLACK_MS)
  })

  it("holds back callers already waiting for their turn: none starts before the pause ends", async () => {
    // One start per 200 ms: callers 2..5 wait in the queue when the vendor's 429 pauses the connection for 800 ms.
    const limiter = new ConnectionRateLimiter("rl-pause-queued", { requests: 3, perSeconds: 0.4 })
    const t0 = Date.now()
    const done = Array.from({ length: 5 }, () => limiter.acquire().then((turn) => turn.done()).then(() => Date.now() - t0))
    await sleep(20)
    await limiter.pause(800)
    const pauseEnds = Date.now() - t0 + 800
    const times = await Promise.all(done)
    expect(times[0]).toBeLessThan(20)
    expect(times.slice(1).filter((t) => t < pauseEnds - SLACK_MS)).toEqual([])
  })

  it("after a pause, one call goes first; the others start only once it has its answer", async () => {
    const limiter = new ConnectionRateLimiter("rl-resume-one", undefined)
    await limiter.pause(100)
    const t0 = Date.now()
    const starts: Array<[number, number]> = []
    const turns = Array.from({ length: 4 }, (_, i) => limiter.acquire().then((turn) => (starts.push([i, Date.now() - t0]), turn)))
    const first = await Promise.race(turns)
    await sleep(150)
    // The first call is still waiting for its answer: nobody else has started.
    expect(starts).toHaveLength(1)
    first.done()
    for (const turn of await Promise.all(turns)) turn.done()
    expect(starts).toHaveLength(4)
    expect(Math.min(...starts.slice(1).map(([, at]) => at))).toBeGreaterThanOrEqual(starts[0][1] + 150 - SLACK_MS)
  })

  it("after a pause, a first call answered 429 again holds the others for the new pause too", async () => {
    const limiter = new ConnectionRateLimiter("rl-resume-429", undefined)
    await limiter.pause(50)
    const first = await limiter.acquire()
    const waiting = limiter.acquire().then((turn) => (turn.done(), Date.now()))
    await sleep(20) // the second caller arrived while the first call was out, and waits behind it
    // Its answer is a 429 with Retry-After 300 ms: the pause is set before the turn is done, as the guard does.
    await limiter.pause(300)
    const answeredAt = Date.now()
    first.done()
    expect((await waiting) - answeredAt).toBeGreaterThanOrEqual(300 - SLACK_MS)
  })

  it("without a pause, calls do not wait for each other's answers", async () => {
    const limiter = new ConnectionRateLimiter("rl-no-resume", undefined)
    const turns = await Promise.all(Array.from({ length: 3 }, () => limiter.acquire()))
    expect(turns).toHaveLength(3)
  })

  it.each([0, -5])("pause(%i) does not pause", async (ms) => {
    const limiter = new ConnectionRateLimiter("rl-pause-zero", undefined)
    await limiter.pause(ms)
    expect(await limiter.pausedForMs()).toBe(0)
  })
})

describe("ConnectionRateLimiter.pausedForMs", () => {
  it("is 0 before any pause", async () => {
    expect(await new ConnectionRateLimiter("rl-pf-none", { requests: 10, perSeconds: 1 }).pausedForMs()).toBe(0)
  })

  it("counts down the pause, then reads 0", async () => {
    const limiter = new ConnectionRateLimiter("rl-pf", undefined)
    await limiter.pause(300)
    const first = await limiter.pausedForMs()
    expect(first).toBeGreaterThan(300 - 50)
    expect(first).toBeLessThanOrEqual(300)
    await sleep(100)
    const later = await limiter.pausedForMs()
    expect(later).toBeLessThanOrEqual(first - 100 + SLACK_MS)
    expect(later).toBeGreaterThan(0)
    await sleep(220)
    expect(await limiter.pausedForMs()).toBe(0)
  })

  it("keeps the longer of two pauses: a shorter Retry-After does not shorten one under way", async () => {
    const limiter = new ConnectionRateLimiter("rl-pf-max", undefined)
    await limiter.pause(400)
    await limiter.pause(50)
    expect(await limiter.pausedForMs()).toBeGreaterThan(300)
  })
})
