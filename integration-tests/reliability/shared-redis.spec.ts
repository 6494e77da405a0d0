/* Two Medusa instances sharing one connection through the real Redis: one rate limit, one pause, one circuit. */
import { spawnSync } from "node:child_process"
import { createServer } from "node:net"
import Redis from "ioredis"
import { IntegrationError } from "../../src/lib/errors"
import { CIRCUIT_OPEN, CircuitBreaker, CircuitBreakerOptions } from "../../src/lib/http/circuit-breaker"
import { ConnectionRateLimiter } from "../../src/lib/http/rate-limit"

/** The Redis the suite expects (override with REDIS_HOST / REDIS_PORT). */
const HOST = process.env.REDIS_HOST ?? "127.0.0.1"
const PORT = Number(process.env.REDIS_PORT ?? 6379)
const requirePeers = ["1", "true"].includes(process.env.REQUIRE_PEERS ?? "") || ["1", "true"].includes(process.env.CI ?? "")

/** PING over a plain socket, synchronously (describe blocks are built before any await). */
function redisAnswers(): boolean {
  const script = `const s = require("net").connect(${PORT}, "${HOST}"); s.setTimeout(1000);
    s.on("connect", () => s.write("PING\\r\\n")); s.on("data", (d) => process.exit(String(d).startsWith("+PONG") ? 0 : 1));
    s.on("error", () => process.exit(1)); s.on("timeout", () => process.exit(1));`
  return spawnSync(process.execPath, ["-e", script], { timeout: 5_000 }).status === 0
}

/** `describe` when Redis answers; otherwise a failed suite under CI/REQUIRE_PEERS, or `describe.skip` with the reason printed. */
function describeWithRedis(): jest.Describe {
  if (redisAnswers()) return describe
  if (requirePeers) {
    throw new Error(`Redis is not reachable on ${HOST}:${PORT} and CI/REQUIRE_PEERS demands it: start redis-server (or run .ci/run)`)
  }
  console.log(`[skip] Redis not reachable on ${HOST}:${PORT}; the shared rate limit and circuit breaker suites are skipped`)
  return describe.skip
}

/** Every key of this run carries RUN, so nothing of another run (or of a real store) is touched, and all of it is removed after. */
const RUN = `it-${process.pid}-${Date.now().toString(36)}`
let next = 0
const uniqueId = (what: string) => `${RUN}-${what}-${next++}`
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))
const SLACK_MS = 50

const clients: Redis[] = []
/** One client per simulated Medusa instance, as each instance opens its own. */
function instanceClient(): Redis {
  const client = new Redis({ host: HOST, port: PORT, enableOfflineQueue: false, maxRetriesPerRequest: 1 })
  client.on("error", () => undefined)
  clients.push(client)
  return client
}
async function ready(client: Redis): Promise<Redis> {
  if (client.status !== "ready") await new Promise<void>((resolve) => client.once("ready", () => resolve()))
  return client
}

/** A port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, HOST, resolve))
  const address = server.address()
  const port = typeof address === "object" && address ? address.port : 0
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

const BREAKER: CircuitBreakerOptions = { windowMs: 60_000, minRequests: 10, failureRate: 0.7, openMs: 30_000, probes: 2 }

describeWithRedis()("shared through Redis (two instances, one connection)", () => {
  let admin: Redis
  beforeAll(async () => {
    admin = await ready(instanceClient())
  })
  afterAll(async () => {
    const keys = await admin.keys(`mih:*${RUN}*`)
    if (keys.length) await admin.del(...keys)
    await Promise.all(clients.map((c) => (c.status === "ready" ? c.quit().then(() => undefined) : c.disconnect())))
  })

  /** Two limiters on one connection, each with its own Redis client. */
  async function twoInstances(limit: { requests: number; perSeconds: number } | undefined) {
    const id = uniqueId("rl")
    const [a, b] = await Promise.all([ready(instanceClient()), ready(instanceClient())])
    return { id, a: new ConnectionRateLimiter(id, limit, a), b: new ConnectionRateLimiter(id, limit, b), clients: [a, b] }
  }

  describe("ConnectionRateLimiter", () => {
    it("2 per second (one start per 1 s window): both instances together never exceed it", async () => {
      const { a, b } = await twoInstances({ requests: 2, perSeconds: 1 })
      const t0 = Date.now()
      const starts: Array<[string, number]> = []
      for (const [name, limiter] of [["a", a], ["b", b]] as const) {
        for (let i = 0; i < 3; i++) void limiter.acquire().then((turn) => turn.done()).then(() => starts.push([name, Date.now() - t0]))
      }
      await sleep(2_300)
      const times = starts.map(([, t]) => t).sort((x, y) => x - y)
      // Starts at about 0, 1 and 2 s, whichever instance asked: 6 callers alone would have taken 6 at once.
      expect(times.length).toBeGreaterThanOrEqual(2)
      expect(times.length).toBeLessThanOrEqual(3)
      for (let i = 0; i + 2 < times.length; i++) expect(times[i + 2] - times[i]).toBeGreaterThanOrEqual(1_000 - SLACK_MS)
    })

    it("5 per second (sub-second windows of 250 ms): both instances together make steady progress within the limit", async () => {
      const { a, b, clients: own } = await twoInstances({ requests: 5, perSeconds: 1 })
      const t0 = Date.now()
      const starts: number[] = []
      for (const limiter of [a, b]) for (let i = 0; i < 4; i++) void limiter.acquire().then((turn) => turn.done()).then(() => starts.push(Date.now() - t0))
      await sleep(1_600)
      const counted = starts.length
      // Closing these clients ends the limiter's retries (they fall back to memory) if the shared key never expires.
      own.forEach((c) => c.disconnect())
      // Starts at about 0, 0.25, … 1.5 s: 7 of the 8 callers; never 6 within one second.
      expect(counted).toBeGreaterThanOrEqual(4)
      expect(counted).toBeLessThanOrEqual(7)
    })

    it("a pause() on one instance delays acquire() on the other", async () => {
      const { a, b } = await twoInstances({ requests: 100, perSeconds: 10 })
      await a.pause(2_000)
      const t0 = Date.now()
      ;(await b.acquire()).done()
      expect(Date.now() - t0).toBeGreaterThanOrEqual(2_000 - SLACK_MS)
    })

    it.each([500, 1_500, 2_000, 3_700])("a pause(%i) on one instance is what the other sees", async (ms) => {
      const { a, b } = await twoInstances(undefined)
      await a.pause(ms)
      const seen = await b.pausedForMs()
      expect(seen).toBeGreaterThan(ms - 100)
      expect(seen).toBeLessThanOrEqual(ms)
    })

    it("a shorter pause from another instance does not cut one under way short (as within one instance)", async () => {
      const id = uniqueId("rl-max")
      const [ca, cb, cc] = await Promise.all([ready(instanceClient()), ready(instanceClient()), ready(instanceClient())])
      const [a, b, c] = [ca, cb, cc].map((client) => new ConnectionRateLimiter(id, undefined, client))
      await a.pause(3_000)
      await b.pause(1_000)
      expect(await c.pausedForMs()).toBeGreaterThan(2_800)
    })
  })

  describe("CircuitBreaker", () => {
    /**
     * Two breakers on one connection, each with its own client, on one injected clock. A caller waiting for the
     * half-open probe's verdict polls every 100 ms of that clock; each poll also takes 5 ms of real time.
     */
    async function twoBreakers() {
      const id = uniqueId("cb")
      const clock = { now: Date.UTC(2026, 0, 5, 9, 0, 0) }
      const [ca, cb] = await Promise.all([ready(instanceClient()), ready(instanceClient())])
      const poll = async (ms: number) => {
        clock.now += ms
        await sleep(5)
      }
      const make = (client: Redis) => new CircuitBreaker(id, BREAKER, client, () => undefined, () => clock.now, poll)
      return { a: make(ca), b: make(cb), clock }
    }

    /** Four callers, two on each instance, asking at once after openMs; resolves when one of them holds the probe. */
    async function fourCallersAfterOpenMs(a: CircuitBreaker, b: CircuitBreaker) {
      const held: { prober?: CircuitBreaker } = {}
      const admits = [a, b, a, b].map((breaker) =>
        breaker.admit(9_000).then(
          (admitted) => {
            if (admitted.probe) held.prober = breaker
            return admitted.probe ? "probe" : "call"
          },
          (err: unknown) => (err instanceof IntegrationError ? err.code : String(err))
        )
      )
      for (let i = 0; i < 200 && !held.prober; i++) await sleep(5)
      if (!held.prober) throw new Error("no caller got the probe")
      return { prober: held.prober, outcomes: Promise.all(admits) }
    }

    it("one instance opens it, the other refuses calls with circuit_open", async () => {
      const { a, b, clock } = await twoBreakers()
      for (let i = 0; i < 10; i++) await a.settle("failure", false)
      const err = await b.admit(9_000).then(() => null, (e: unknown) => e)
      expect(err).toBeInstanceOf(IntegrationError)
      expect(err).toMatchObject({ code: CIRCUIT_OPEN, retryable: true, retryAfterMs: 30_000 })
      expect(await b.snapshot()).toEqual({
        state: "open",
        opened_at: new Date(clock.now).toISOString(),
        retry_at: new Date(clock.now + 30_000).toISOString(),
        window: { requests: 10, failures: 10 },
      })
    })

    it("failures settling side by side on both instances open it once: one message in all", async () => {
      const id = uniqueId("cb-once")
      const changes: string[] = []
      const clients2 = await Promise.all([ready(instanceClient()), ready(instanceClient())])
      const [a, b] = clients2.map((client) => new CircuitBreaker(id, BREAKER, client, (state) => changes.push(state)))
      await Promise.all(Array.from({ length: 12 }, (_, i) => (i % 2 ? a : b).settle("failure", false)))
      expect((await a.snapshot()).state).toBe("open")
      expect(changes).toEqual(["open"])
    })

    it("counts the failures of both instances together", async () => {
      const { a, b } = await twoBreakers()
      for (let i = 0; i < 5; i++) await a.settle("failure", false)
      for (let i = 0; i < 4; i++) await b.settle("failure", false)
      expect((await a.snapshot()).state).toBe("closed")
      await b.settle("failure", false)
      expect(await a.snapshot()).toMatchObject({ state: "open", window: { requests: 10, failures: 10 } })
    })

    it("after openMs only one of the four callers on two instances gets the probe; its success lets the others go on", async () => {
      const { a, b, clock } = await twoBreakers()
      for (let i = 0; i < 10; i++) await a.settle("failure", false)
      clock.now += 30_000
      const { prober, outcomes } = await fourCallersAfterOpenMs(a, b)
      await prober.settle("success", true)
      expect((await outcomes).sort()).toEqual(["call", "call", "call", "probe"])
      expect((await (prober === a ? b : a).snapshot()).state).toBe("closed")
    })

    it("the others are refused with circuit_open when the probe gives no verdict within its ttl", async () => {
      const { a, b, clock } = await twoBreakers()
      for (let i = 0; i < 10; i++) await a.settle("failure", false)
      clock.now += 30_000
      const { outcomes } = await fourCallersAfterOpenMs(a, b)
      expect((await outcomes).sort()).toEqual([CIRCUIT_OPEN, CIRCUIT_OPEN, CIRCUIT_OPEN, "probe"])
    })

    it("probe failures on both instances count together: the second (probes = 2) re-opens it for both", async () => {
      const { a, b, clock } = await twoBreakers()
      for (let i = 0; i < 10; i++) await a.settle("failure", false)
      clock.now += 30_000
      expect(await b.admit(9_000)).toEqual({ probe: true })
      await b.settle("failure", true)
      expect(await a.admit(9_000)).toEqual({ probe: true })
      await a.settle("failure", true)
      await expect(b.admit(9_000)).rejects.toMatchObject({ code: CIRCUIT_OPEN, retryAfterMs: 30_000 })
    })
  })
})

describe("Redis unreachable: each instance falls back to its own memory (needs no Redis)", () => {
  let dead: Redis
  beforeAll(async () => {
    dead = new Redis({ host: HOST, port: await closedPort(), enableOfflineQueue: false, maxRetriesPerRequest: 1 })
    dead.on("error", () => undefined)
  })
  afterAll(() => dead.disconnect())

  it("the rate limiter still limits, without throwing", async () => {
    const limiter = new ConnectionRateLimiter(uniqueId("rl-dead"), { requests: 5, perSeconds: 0.5 }, dead)
    const t0 = Date.now()
    const times = await Promise.all(Array.from({ length: 4 }, () => limiter.acquire().then((turn) => turn.done()).then(() => Date.now() - t0)))
    // One start per 125 ms, from memory.
    expect(times[0]).toBeLessThan(100)
    expect(Math.max(...times)).toBeGreaterThanOrEqual(3 * 125 - 10)
  })

  it("the rate limiter still pauses, without throwing", async () => {
    const limiter = new ConnectionRateLimiter(uniqueId("rl-dead-pause"), { requests: 5, perSeconds: 0.5 }, dead)
    await limiter.pause(300)
    expect(await limiter.pausedForMs()).toBeGreaterThan(200)
    const t0 = Date.now()
    ;(await limiter.acquire()).done()
    expect(Date.now() - t0).toBeGreaterThanOrEqual(200)
  })

  it("the circuit breaker still opens, refuses, probes and closes, without throwing anything but circuit_open", async () => {
    let now = Date.UTC(2026, 0, 5, 9, 0, 0)
    const breaker = new CircuitBreaker(uniqueId("cb-dead"), BREAKER, dead, () => undefined, () => now)
    for (let i = 0; i < 10; i++) await breaker.settle("failure", false)
    expect(await breaker.snapshot()).toMatchObject({ state: "open", window: { requests: 10, failures: 10 } })
    await expect(breaker.admit(9_000)).rejects.toMatchObject({ code: CIRCUIT_OPEN })
    now += 30_000
    expect(await breaker.admit(9_000)).toEqual({ probe: true })
    await breaker.settle("success", true)
    expect((await breaker.snapshot()).state).toBe("closed")
  })
})
