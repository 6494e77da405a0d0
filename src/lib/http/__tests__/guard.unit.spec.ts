import { createServer, Server } from "node:http"
import { AddressInfo } from "node:net"
import { CIRCUIT_DEFAULTS, RETRY_DEFAULTS } from "../../../modules/integration-hub/options"
import { IntegrationError } from "../../errors"
import { runInSyncContext } from "../../run-context"
import { CallLogEntry, CallRecorder } from "../call-recorder"
import { CIRCUIT_OPEN, CircuitBreaker, CircuitBreakerOptions } from "../circuit-breaker"
import { isRetryableStatus } from "../classify"
import { HttpClient } from "../client"
import { ConnectionGuard, InPlaceRetryPolicy, RetryBudget } from "../guard"
import { ConnectionRateLimiter } from "../rate-limit"
import { mulberry32 } from "../../__tests__/seeded-random"
import { FakeClock } from "./fake-clock"

/** The defaults: 4 retries, 250 ms first delay doubling, 2 s cap, budget ratio 1. */
const POLICY: InPlaceRetryPolicy = RETRY_DEFAULTS.inPlace
/** With random = 0.5 the in-place delays are half their ceilings: 125, 250, 500, 1 000 ms. */
const HALF = () => 0.5
/** A breaker that never opens, for tests about retries alone. */
const NEVER_OPENS: CircuitBreakerOptions = { ...CIRCUIT_DEFAULTS, minRequests: Number.MAX_SAFE_INTEGER }
const T0 = Date.UTC(2026, 0, 5, 9, 0, 0)

/** A vendor failure as classify.ts reports it. */
function vendorError(status: number, retryAfterMs?: number): IntegrationError {
  const retryable = isRetryableStatus(status)
  return new IntegrationError(`Tryton sale.sale.read failed on connection "erp": HTTP ${status}${retryable ? " (will retry)" : ""}`, {
    connectionId: "erp",
    code: `http_${status}`,
    retryable,
    httpStatus: status,
    retryAfterMs,
  })
}

/** A network failure as Node reports it (no IntegrationError): retryable by its code. */
function socketError(): Error {
  return Object.assign(new Error("socket hang up"), { code: "ECONNRESET" })
}

type Outcome = IntegrationError | Error

/** A vendor that fails with `outcomes`, one per call, then answers "ok". */
function scripted(outcomes: Outcome[]) {
  const vendor = {
    calls: 0,
    fn: async (): Promise<string> => {
      const outcome = outcomes[vendor.calls++]
      if (outcome) throw outcome
      return "ok"
    },
  }
  return vendor
}

/**
 * A guard on a fake clock: its sleep records the delay and moves the clock on, so nothing waits for real. The
 * limiter and the breaker read the same clock; the limiter's own waits are recorded in `waits`.
 */
function guardWith(opts: { policy?: Partial<InPlaceRetryPolicy>; breaker?: CircuitBreakerOptions; budgetRatio?: number; random?: () => number } = {}) {
  const clock = { now: T0 }
  const sleeps: number[] = []
  const waits: number[] = []
  const now = () => clock.now
  const limiter = new ConnectionRateLimiter("erp", undefined, undefined, async (ms) => {
    waits.push(ms)
    clock.now += ms
  }, now)
  const breaker = new CircuitBreaker("erp", opts.breaker ?? NEVER_OPENS, undefined, () => undefined, now)
  const budget = new RetryBudget(opts.budgetRatio ?? POLICY.budgetRatio, now)
  const guard = new ConnectionGuard("erp", {
    limiter,
    breaker,
    budget,
    policy: { ...POLICY, ...opts.policy },
    timeoutMs: 8_000,
    random: opts.random ?? HALF,
    sleep: async (ms) => {
      sleeps.push(ms)
      clock.now += ms
    },
  })
  return { guard, limiter, breaker, budget, sleeps, waits, clock }
}

/** What a call ended with: its value, or "throws <code>". */
async function outcomeOf(p: Promise<string>): Promise<string> {
  try {
    return await p
  } catch (err) {
    return `throws ${err instanceof IntegrationError ? err.code : (err as Error).message}`
  }
}

const repeatOf = <T>(n: number, make: () => T): T[] => Array.from({ length: n }, make)

describe("ConnectionGuard.call: in-place retries", () => {
  it.each<[string, Outcome[], boolean, number, string, number[]]>([
    // what, the vendor's failures (then "ok"), safe, vendor calls, outcome, in-place delays
    ["two 503s, safe", [vendorError(503), vendorError(503)], true, 3, "ok", [125, 250]],
    ["four 503s, safe: the 4th retry succeeds", repeatOf(4, () => vendorError(503)), true, 5, "ok", [125, 250, 500, 1_000]],
    ["five 503s, safe: 1 try + 4 retries, then the failure goes back", repeatOf(5, () => vendorError(503)), true, 5, "throws http_503", [125, 250, 500, 1_000]],
    ["eight 503s, safe: still 5 calls", repeatOf(8, () => vendorError(503)), true, 5, "throws http_503", [125, 250, 500, 1_000]],
    ["a timeout (408) and a 502, safe", [vendorError(408), vendorError(502)], true, 3, "ok", [125, 250]],
    ["a reset socket, safe", [socketError()], true, 2, "ok", [125]],
    ["422, safe: permanent, never repeated", [vendorError(422)], true, 1, "throws http_422", []],
    ["404, safe", [vendorError(404)], true, 1, "throws http_404", []],
    ["a plain Error (our bug), safe", [new Error("cannot read 'lines' of undefined")], true, 1, "throws cannot read 'lines' of undefined", []],
    ["503, not safe: never repeated here", [vendorError(503)], false, 1, "throws http_503", []],
    ["a reset socket, not safe", [socketError()], false, 1, "throws socket hang up", []],
    ["503 + Retry-After 1.5 s, safe: waits the Retry-After", [vendorError(503, 1_500)], true, 2, "ok", [1_500]],
    ["503 + Retry-After 2 s (= maxDelayMs), safe", [vendorError(503, 2_000)], true, 2, "ok", [2_000]],
    ["503 + Retry-After 2.001 s, safe: longer than maxDelayMs ends the call at once", [vendorError(503, 2_001)], true, 1, "throws http_503", []],
    ["503 + Retry-After 60 s, safe", [vendorError(503, 60_000)], true, 1, "throws http_503", []],
  ])("%s → %i calls, %s, delays %j", async (_, outcomes, safe, calls, outcome, delays) => {
    const { guard, sleeps } = guardWith()
    const vendor = scripted(outcomes)
    expect(await outcomeOf(guard.call(vendor.fn, { safe }))).toBe(outcome)
    expect(vendor.calls).toBe(calls)
    expect(sleeps).toEqual(delays)
  })

  it.each([
    [0, [], 1],
    [1, [125], 2],
    [2, [125, 250], 3],
  ])("policy.retries = %i → delays %j, %i calls", async (retries, delays, calls) => {
    const { guard, sleeps } = guardWith({ policy: { retries } })
    const vendor = scripted(repeatOf(10, () => vendorError(503)))
    expect(await outcomeOf(guard.call(vendor.fn, { safe: true }))).toBe("throws http_503")
    expect(sleeps).toEqual(delays)
    expect(vendor.calls).toBe(calls)
  })

  it("draws each delay with full jitter under a ceiling that doubles, capped at maxDelayMs", async () => {
    const { guard, sleeps } = guardWith({ policy: { retries: 6 }, random: () => 0.999 })
    await outcomeOf(guard.call(scripted(repeatOf(10, () => vendorError(503))).fn, { safe: true }))
    expect(sleeps).toEqual([249, 499, 999, 1_998, 1_998, 1_998])
  })
})

describe("ConnectionGuard.call: 429", () => {
  it.each<[string, number | undefined, number]>([
    ["Retry-After 5 s", 5_000, 5_000],
    ["no Retry-After: one second", undefined, 1_000],
  ])("a 429 (%s) pauses the whole connection", async (_, retryAfterMs, pausedMs) => {
    const { guard, limiter } = guardWith({ policy: { retries: 0 } })
    const vendor = scripted([vendorError(429, retryAfterMs)])
    const pause = jest.spyOn(limiter, "pause")
    expect(await outcomeOf(guard.call(vendor.fn, { safe: false }))).toBe("throws http_429")
    expect(pause.mock.calls).toEqual([[pausedMs]])
    expect(await limiter.pausedForMs()).toBe(pausedMs)
  })

  it("a call not safe to repeat is repeated after a 429 and its Retry-After: the vendor refused it without doing it", async () => {
    const { guard, limiter, sleeps } = guardWith()
    const pause = jest.spyOn(limiter, "pause")
    const vendor = scripted([vendorError(429, 150)])
    expect(await outcomeOf(guard.call(vendor.fn, { safe: false }))).toBe("ok")
    expect(vendor.calls).toBe(2)
    expect(sleeps).toEqual([150])
    expect(pause.mock.calls).toEqual([[150]])
  })

  it("a call not safe to repeat that meets a 429 and then a 503 ends with the 503 (only the refusal is repeated)", async () => {
    const { guard } = guardWith()
    const vendor = scripted([vendorError(429, 150), vendorError(503)])
    expect(await outcomeOf(guard.call(vendor.fn, { safe: false }))).toBe("throws http_503")
    expect(vendor.calls).toBe(2)
  })

  it("a safe call with a Retry-After longer than maxDelayMs ends at once, leaving the connection paused", async () => {
    const { guard, limiter, sleeps } = guardWith()
    const vendor = scripted([vendorError(429, 30_000)])
    expect(await outcomeOf(guard.call(vendor.fn, { safe: true }))).toBe("throws http_429")
    expect(vendor.calls).toBe(1)
    expect(sleeps).toEqual([])
    expect(await limiter.pausedForMs()).toBe(30_000)
  })

  it("a safe call with a short Retry-After is repeated once the pause has passed; the 429 does not count against the circuit", async () => {
    const { guard, breaker, sleeps, waits, clock } = guardWith({ breaker: CIRCUIT_DEFAULTS })
    const starts: number[] = []
    let calls = 0
    const fn = async () => {
      starts.push(clock.now - T0)
      if (calls++ === 0) throw vendorError(429, 150)
      return "ok"
    }
    expect(await guard.call(fn, { safe: true })).toBe("ok")
    // The guard waits out the Retry-After itself, so the limiter's pause has passed when the repeat asks for its turn.
    expect({ sleeps, waits, starts }).toEqual({ sleeps: [150], waits: [], starts: [0, 150] })
    expect((await breaker.snapshot()).window).toEqual({ requests: 1, failures: 0 })
  })
})

describe("ConnectionGuard.call: the circuit breaker", () => {
  it("counts a 503 as a failure and a 422 as health (the vendor answered)", async () => {
    const { guard, breaker } = guardWith({ breaker: CIRCUIT_DEFAULTS })
    await outcomeOf(guard.call(scripted([vendorError(503)]).fn, { safe: false }))
    await outcomeOf(guard.call(scripted([vendorError(422)]).fn, { safe: false }))
    expect((await breaker.snapshot()).window).toEqual({ requests: 2, failures: 1 })
  })

  it("never retries circuit_open in place, and sends nothing", async () => {
    const { guard, breaker, sleeps } = guardWith({ breaker: CIRCUIT_DEFAULTS })
    for (let i = 0; i < 10; i++) await breaker.settle("failure", false)
    const vendor = scripted([])
    expect(await outcomeOf(guard.call(vendor.fn, { safe: true }))).toBe(`throws ${CIRCUIT_OPEN}`)
    expect(vendor.calls).toBe(0)
    expect(sleeps).toEqual([])
  })

  it("opens while a safe call is retrying: the retry that meets the open circuit ends the call", async () => {
    const { guard, breaker } = guardWith({ breaker: { ...CIRCUIT_DEFAULTS, minRequests: 3, failureRate: 0.5 } })
    const vendor = scripted(repeatOf(10, () => vendorError(503)))
    expect(await outcomeOf(guard.call(vendor.fn, { safe: true }))).toBe(`throws ${CIRCUIT_OPEN}`)
    expect(vendor.calls).toBe(3)
    expect((await breaker.snapshot()).state).toBe("open")
  })

  it("a safe half-open probe that fails is repeated as the next probe; the third failure opens the circuit and ends it", async () => {
    const { guard, breaker, clock, sleeps } = guardWith({ breaker: CIRCUIT_DEFAULTS })
    for (let i = 0; i < 10; i++) await breaker.settle("failure", false)
    clock.now += CIRCUIT_DEFAULTS.openMs
    const vendor = scripted(repeatOf(5, () => vendorError(503)))
    expect(await outcomeOf(guard.call(vendor.fn, { safe: true }))).toBe(`throws ${CIRCUIT_OPEN}`)
    expect(vendor.calls).toBe(CIRCUIT_DEFAULTS.probes)
    expect(sleeps).toEqual([125, 250, 500])
    expect((await breaker.snapshot()).state).toBe("open")
  })

  it("with probes = 1, a half-open probe that fails is not repeated: the circuit is open again", async () => {
    const { guard, breaker, clock, sleeps } = guardWith({ breaker: { ...CIRCUIT_DEFAULTS, probes: 1 } })
    for (let i = 0; i < 10; i++) await breaker.settle("failure", false)
    clock.now += CIRCUIT_DEFAULTS.openMs
    const vendor = scripted(repeatOf(5, () => vendorError(503)))
    expect(await outcomeOf(guard.call(vendor.fn, { safe: true }))).toBe(`throws ${CIRCUIT_OPEN}`)
    expect(vendor.calls).toBe(1)
    expect(sleeps).toEqual([125])
    expect((await breaker.snapshot()).state).toBe("open")
  })

  it("a half-open probe that succeeds closes the circuit", async () => {
    const { guard, breaker, clock } = guardWith({ breaker: CIRCUIT_DEFAULTS })
    for (let i = 0; i < 10; i++) await breaker.settle("failure", false)
    clock.now += CIRCUIT_DEFAULTS.openMs
    expect(await guard.call(scripted([]).fn, { safe: false })).toBe("ok")
    expect((await breaker.snapshot()).state).toBe("closed")
  })
})

describe("ConnectionGuard.call: calls that waited for the half-open probe", () => {
  it("still start within the rate limit once the probe has closed the circuit (no burst of the tokens taken meanwhile)", async () => {
    // 3 calls per 0.3 s (one per 150 ms); the circuit opened on one failure, and openMs has passed.
    const clock = new FakeClock(T0)
    const limiter = new ConnectionRateLimiter("erp-probe-burst", { requests: 3, perSeconds: 0.3 }, undefined, clock.sleep, clock.now)
    const breaker = new CircuitBreaker("erp-probe-burst", { ...CIRCUIT_DEFAULTS, minRequests: 1 }, undefined, () => undefined, clock.now, clock.sleep)
    const guard = new ConnectionGuard("erp-probe-burst", {
      limiter,
      breaker,
      budget: new RetryBudget(1, clock.now),
      policy: { ...POLICY, retries: 0 },
      timeoutMs: 2_000,
      sleep: clock.sleep,
    })
    await breaker.settle("failure", false)
    await clock.advance(CIRCUIT_DEFAULTS.openMs)
    const t0 = clock.now()
    const starts: number[] = []
    const probe = guard.call(async () => {
      starts.push(clock.now() - t0)
      await clock.sleep(750)
      return "probe"
    }, { safe: false })
    const others = Array.from({ length: 6 }, () =>
      guard.call(async () => {
        starts.push(clock.now() - t0)
        return "ok"
      }, { safe: false })
    )
    await clock.advance(2_000)
    expect(await Promise.all([probe, ...others])).toEqual(["probe", "ok", "ok", "ok", "ok", "ok", "ok"])
    // The probe's answer comes at 750 ms; the six waiters see the closed circuit at their next look (800 ms) and
    // then start one turn (150 ms) apart: never more than 3 in any 0.3 s.
    expect(starts).toEqual([0, 800, 950, 1_100, 1_250, 1_400, 1_550])
  })
})

describe("RetryBudget", () => {
  it.each([
    // ratio, first tries in the window, retries it allows: floor 10 + ratio × tries
    [1, 0, 10],
    [1, 5, 15],
    [1, 40, 50],
    [0.5, 10, 15],
    [0.5, 3, 11], // 10 + 1.5: the 12th would be over
    [0, 100, 10],
    [2, 3, 16],
  ])("ratio %d with %i tries allows %i retries", (ratio, tries, allowed) => {
    const budget = new RetryBudget(ratio, () => T0)
    for (let i = 0; i < tries; i++) budget.recordTry()
    let granted = 0
    while (granted < 1_000 && budget.tryRetry()) granted++
    expect(granted).toBe(allowed)
  })

  it.each([
    // ms after spending it, whether a retry is allowed again: the window is 10 s, inclusive
    [0, false],
    [9_999, false],
    [10_000, false],
    [10_001, true],
  ])("spent at t, %i ms later → %s", (later, allowed) => {
    let now = T0
    const budget = new RetryBudget(0, () => now)
    for (let i = 0; i < 10; i++) expect(budget.tryRetry()).toBe(true)
    now += later
    expect(budget.tryRetry()).toBe(allowed)
  })

  it("forgets first tries older than the window too", () => {
    let now = T0
    const budget = new RetryBudget(1, () => now)
    for (let i = 0; i < 20; i++) budget.recordTry()
    now += 10_001
    let granted = 0
    while (granted < 1_000 && budget.tryRetry()) granted++
    expect(granted).toBe(10)
  })

  it("keeps no more first tries than its window holds when nothing fails (a healthy connection runs for months)", () => {
    let now = T0
    const budget = new RetryBudget(1, () => now)
    for (let i = 0; i < 100_000; i++) {
      budget.recordTry()
      now += 1_000
    }
    // Reads the private list on purpose: its growth has no other symptom than memory.
    expect(budget["tries"].length).toBeLessThanOrEqual(11)
  })

  it("stops a guard's in-place retries once spent, and gives them back after the window", async () => {
    const { guard, clock } = guardWith({ budgetRatio: 0 })
    const callsPerSync: number[] = []
    for (let i = 0; i < 4; i++) {
      const vendor = scripted(repeatOf(10, () => vendorError(503)))
      await outcomeOf(guard.call(vendor.fn, { safe: true }))
      callsPerSync.push(vendor.calls)
    }
    // 10 retries in all: 4 + 4 + 2, then none.
    expect(callsPerSync).toEqual([5, 5, 3, 1])
    clock.now += 10_001
    const vendor = scripted(repeatOf(10, () => vendorError(503)))
    await outcomeOf(guard.call(vendor.fn, { safe: true }))
    expect(vendor.calls).toBe(5)
  })
})

describe("ConnectionGuard.repeat", () => {
  it("repeats an idempotent operation that failed in a retryable way", async () => {
    const { guard, sleeps } = guardWith()
    const op = scripted([vendorError(503), socketError()])
    expect(await guard.repeat(op.fn)).toBe("ok")
    expect(op.calls).toBe(3)
    expect(sleeps).toEqual([125, 250])
  })

  it("repeats at most policy.retries times", async () => {
    const { guard } = guardWith()
    const op = scripted(repeatOf(9, () => vendorError(500)))
    expect(await outcomeOf(guard.repeat(op.fn))).toBe("throws http_500")
    expect(op.calls).toBe(5)
  })

  it("does not repeat a permanent failure", async () => {
    const { guard } = guardWith()
    const op = scripted([vendorError(422)])
    expect(await outcomeOf(guard.repeat(op.fn))).toBe("throws http_422")
    expect(op.calls).toBe(1)
  })

  it("repeats an operation whose own call is not safe (a create that looks up by our reference first)", async () => {
    const { guard } = guardWith()
    const create = scripted([vendorError(503)])
    let runs = 0
    const op = async () => {
      runs++
      return guard.call(create.fn, { safe: false })
    }
    expect(await guard.repeat(op)).toBe("ok")
    expect([runs, create.calls]).toEqual([2, 2])
  })

  it("does not repeat an operation whose safe call already had its repeats in place (they would multiply)", async () => {
    const { guard } = guardWith()
    const read = scripted(repeatOf(30, () => vendorError(503)))
    let runs = 0
    const op = async () => {
      runs++
      return guard.call(read.fn, { safe: true })
    }
    expect(await outcomeOf(guard.repeat(op))).toBe("throws http_503")
    expect([runs, read.calls]).toEqual([1, 5])
  })

  it("does not repeat an operation that met an open circuit", async () => {
    const { guard, breaker } = guardWith({ breaker: CIRCUIT_DEFAULTS })
    for (let i = 0; i < 10; i++) await breaker.settle("failure", false)
    let runs = 0
    const op = async () => {
      runs++
      return guard.call(scripted([]).fn, { safe: true })
    }
    expect(await outcomeOf(guard.repeat(op))).toBe(`throws ${CIRCUIT_OPEN}`)
    expect(runs).toBe(1)
  })
})

describe("a sync meeting a vendor that fails a third of its calls", () => {
  const TRIALS = 1_000
  const CALLS = 10

  /** Share of trials in which all ten sequential safe calls of one sync succeed; each trial is a fresh connection. */
  async function completed(retries: number, breaker: CircuitBreakerOptions, seed: number): Promise<number> {
    const vendorDraw = mulberry32(seed)
    const jitter = mulberry32(seed + 1)
    let ok = 0
    for (let trial = 0; trial < TRIALS; trial++) {
      const { guard } = guardWith({ policy: { retries }, breaker, random: jitter })
      const vendor = async () => {
        if (vendorDraw() < 1 / 3) throw vendorError(503)
        return "ok"
      }
      let all = true
      for (let c = 0; c < CALLS && all; c++) all = (await outcomeOf(guard.call(vendor, { safe: true }))) === "ok"
      if (all) ok++
    }
    return ok / TRIALS
  }

  /** One call fails only when all of its 1 + retries tries fail. */
  const expected = (retries: number) => (1 - (1 / 3) ** (retries + 1)) ** CALLS
  /** Three standard errors of a share measured over TRIALS: a correct guard is that close (the runs are seeded). */
  const tolerance = (share: number) => 3 * Math.sqrt((share * (1 - share)) / TRIALS)

  it.each([
    // retries, expected share of syncs that complete (computed)
    [0, 0.0173],
    [4, 0.9596], // the default
    [6, 0.9954],
  ])("retries = %i: about %d of syncs complete, as computed", async (retries, share) => {
    expect(expected(retries)).toBeCloseTo(share, 4)
    expect(Math.abs((await completed(retries, NEVER_OPENS, 7)) - share)).toBeLessThanOrEqual(tolerance(share))
  })

  it("with the default retries nearly every sync completes; without in-place retries almost none would", async () => {
    const withRetries = await completed(POLICY.retries, NEVER_OPENS, 42)
    const without = await completed(0, NEVER_OPENS, 42)
    expect(withRetries).toBeGreaterThanOrEqual(0.94)
    expect(without).toBeLessThanOrEqual(0.04)
  })

  it("with the default circuit breaker too, nearly every sync completes (it may open by chance in a fresh window)", async () => {
    expect(await completed(POLICY.retries, CIRCUIT_DEFAULTS, 42)).toBeGreaterThanOrEqual(0.94)
  })
})

describe("the call log under in-place retries", () => {
  it("CallRecorder.run through the guard writes one row per try, each stamped with the sync", async () => {
    const { guard } = guardWith()
    const rows: CallLogEntry[] = []
    const recorder = new CallRecorder({ connectionId: "erp", secrets: [], log: async (e) => void rows.push(e), guard })
    const vendor = scripted([vendorError(503), vendorError(502)])
    const result = await runInSyncContext({ syncRecordId: "sr_1", attempt: 2 }, () =>
      recorder.run("party.party.read", { id: 1 }, vendor.fn, () => "P-1", { safe: true })
    )
    expect(result).toBe("ok")
    expect(rows.map((r) => [r.operation, r.status, r.http_status, r.external_id, r.sync_record_id, r.attempt])).toEqual([
      ["party.party.read", "error", 503, null, "sr_1", 2],
      ["party.party.read", "error", 502, null, "sr_1", 2],
      ["party.party.read", "success", null, "P-1", "sr_1", 2],
    ])
  })

  describe("HttpClient", () => {
    let server: Server
    let baseURL = ""
    const statuses: number[] = []
    beforeAll(async () => {
      server = createServer((req, res) => {
        const status = statuses.shift() ?? 200
        res.writeHead(status, { "content-type": "application/json" })
        res.end(JSON.stringify(status === 200 ? { id: 7 } : { error: "busy" }))
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      baseURL = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    })
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())))

    function client() {
      const { guard } = guardWith()
      const rows: CallLogEntry[] = []
      const recorder = new CallRecorder({ connectionId: "erp", secrets: [], log: async (e) => void rows.push(e), guard })
      return { http: new HttpClient({ baseURL, timeoutMs: 2_000, guard, recorder }), rows }
    }

    it("a safe GET answered 503, 503, 200: three rows, the data of the third", async () => {
      statuses.push(503, 503)
      const { http, rows } = client()
      const res = await http.request<{ id: number }>({ method: "GET", url: "/party/7", operation: "party.read", safe: true })
      expect(res.data).toEqual({ id: 7 })
      expect(rows.map((r) => [r.status, r.http_status])).toEqual([
        ["error", 503],
        ["error", 503],
        ["success", 200],
      ])
    })

    it("a 429 pauses the connection before the call's log row is written (no caller starts into the vendor's window meanwhile)", async () => {
      statuses.push(429)
      const { guard, limiter } = guardWith({ policy: { retries: 0 } })
      const pausedWhenLogged: number[] = []
      const recorder = new CallRecorder({
        connectionId: "erp",
        secrets: [],
        log: async () => void pausedWhenLogged.push(await limiter.pausedForMs()),
        guard,
      })
      const http = new HttpClient({ baseURL, timeoutMs: 2_000, guard, recorder })
      await expect(http.request({ method: "POST", url: "/sale", operation: "sale.create", data: {} })).rejects.toMatchObject({ code: "http_429" })
      // No Retry-After: one second, set in full before the row is written.
      expect(pausedWhenLogged).toEqual([1_000])
    })

    it("a POST that is not safe and meets a 503: one row, the error", async () => {
      statuses.push(503)
      const { http, rows } = client()
      const failure = http.request({ method: "POST", url: "/sale", operation: "sale.create", data: { lines: [] } })
      await expect(failure).rejects.toMatchObject({ code: "http_503", retryable: true })
      expect(rows.map((r) => [r.status, r.http_status, r.operation])).toEqual([["error", 503, "sale.create"]])
    })
  })
})
