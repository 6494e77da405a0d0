import { MedusaError } from "@medusajs/framework/utils"
import { CIRCUIT_DEFAULTS } from "../../../modules/integration-hub/options"
import { IntegrationError } from "../../errors"
import { CallVerdict, CIRCUIT_OPEN, CircuitBreaker, CircuitBreakerOptions, CircuitState } from "../circuit-breaker"

const T0 = Date.UTC(2026, 0, 5, 9, 0, 0)
const iso = (ms: number) => new Date(ms).toISOString()
/** The defaults: 60 s window (ten 6 s buckets), 10 calls at least, 70 % failing, open 30 s, three probes. */
const OPTIONS: CircuitBreakerOptions = CIRCUIT_DEFAULTS
/** One probe failure opens it again. */
const ONE_PROBE: CircuitBreakerOptions = { ...CIRCUIT_DEFAULTS, probes: 1 }
const PROBE_TTL_MS = 9_000

/**
 * A breaker on a fake clock. Its sleep (a caller waiting for the half-open probe's verdict) moves the clock on and
 * yields to the event loop, so the test can settle the probe meanwhile; `polls` counts those waits.
 */
function breakerWith(options: CircuitBreakerOptions = OPTIONS) {
  let now = T0
  const changes: Array<[CircuitState, string]> = []
  const polls: number[] = []
  const sleep = async (ms: number) => {
    polls.push(ms)
    now += ms
    await new Promise((resolve) => setImmediate(resolve))
  }
  const breaker = new CircuitBreaker("erp", options, undefined, (state, detail) => changes.push([state, detail]), () => now, sleep)
  return {
    breaker,
    changes,
    polls,
    advance: (ms: number) => {
      now += ms
    },
    now: () => now,
    settleAll: async (verdict: CallVerdict, n: number) => {
      for (let i = 0; i < n; i++) await breaker.settle(verdict, false)
    },
  }
}

/** The error admit throws, or null when it admits. */
async function refusal(breaker: CircuitBreaker): Promise<IntegrationError | null> {
  try {
    await breaker.admit(PROBE_TTL_MS)
    return null
  } catch (err) {
    if (err instanceof IntegrationError) return err
    throw err
  }
}

async function openedBreaker(options: CircuitBreakerOptions = OPTIONS) {
  const b = breakerWith(options)
  await b.settleAll("failure", 10)
  return b
}

describe("CircuitBreaker: opening", () => {
  it.each<[string, number, number, CircuitState]>([
    // description, successes first, then failures, state
    ["no calls", 0, 0, "closed"],
    ["9 failures: under minRequests", 0, 9, "closed"],
    ["10 failures: minRequests reached, 100 %", 0, 10, "open"],
    ["3 successes + 6 failures: 9 calls", 3, 6, "closed"],
    ["3 successes + 7 failures: exactly 70 %", 3, 7, "open"],
    ["4 successes + 6 failures: 60 %", 4, 6, "closed"],
    ["5 successes + 11 failures: 68.75 %", 5, 11, "closed"],
    ["5 successes + 12 failures: 70.6 %", 5, 12, "open"],
    ["50 successes", 50, 0, "closed"],
  ])("%s → %s", async (_, successes, failures, state) => {
    const { breaker, settleAll } = breakerWith()
    await settleAll("success", successes)
    await settleAll("failure", failures)
    const snap = await breaker.snapshot()
    expect(snap.state).toBe(state)
    expect(snap.window).toEqual({ requests: successes + failures, failures })
  })

  it("judges the rate when a failure is counted: 7 failures then 3 successes stay closed until the next failure", async () => {
    const { breaker, settleAll } = breakerWith()
    await settleAll("failure", 7)
    await settleAll("success", 3)
    expect((await breaker.snapshot()).state).toBe("closed")
    await settleAll("failure", 1) // 8 of 11
    expect((await breaker.snapshot()).state).toBe("open")
  })

  it("does not count neutral verdicts (429s): 20 of them and 9 failures stay closed, the 10th failure opens", async () => {
    const { breaker, settleAll } = breakerWith()
    await settleAll("neutral", 20)
    await settleAll("failure", 9)
    expect(await breaker.snapshot()).toMatchObject({ state: "closed", window: { requests: 9, failures: 9 } })
    await settleAll("failure", 1)
    expect((await breaker.snapshot()).state).toBe("open")
  })

  it("says why it opened, once", async () => {
    const { changes } = await openedBreaker()
    expect(changes).toEqual([["open", "10 of 10 calls failed in the last 60 s; calls wait 30 s, then probes test the connection, one at a time"]])
  })

  it("opens once when failures settle side by side (parallel calls): one state change, one message", async () => {
    const { breaker, changes } = breakerWith()
    await Promise.all(Array.from({ length: 12 }, () => breaker.settle("failure", false)))
    expect((await breaker.snapshot()).state).toBe("open")
    expect(changes.map(([state]) => state)).toEqual(["open"])
  })

  it("keeps the first opening time when calls admitted before it fail later", async () => {
    const { breaker, advance, settleAll, changes } = await openedBreaker()
    advance(5_000)
    await settleAll("failure", 3)
    expect(await breaker.snapshot()).toMatchObject({ state: "open", opened_at: iso(T0), retry_at: iso(T0 + 30_000) })
    expect(changes).toHaveLength(1)
  })
})

describe("CircuitBreaker: the sliding window", () => {
  it.each([
    // ms after 9 failures, the state once one more failure is counted: old failures age out bucket by bucket (6 s)
    [0, "open"],
    [53_999, "open"],
    [54_000, "open"], // bucket 9 of 0..9: the first failures are still in
    [59_999, "open"],
    [60_000, "closed"], // bucket 10: the window is buckets 1..10, the first 9 failures left it
    [120_000, "closed"],
  ])("9 failures, then %i ms later one more → %s", async (later, state) => {
    const { breaker, advance, settleAll } = breakerWith()
    await settleAll("failure", 9)
    advance(later)
    await settleAll("failure", 1)
    expect((await breaker.snapshot()).state).toBe(state)
  })

  it("reports only the calls still in the window", async () => {
    const { breaker, advance, settleAll } = breakerWith()
    await settleAll("success", 4)
    advance(30_000)
    await settleAll("failure", 2)
    expect((await breaker.snapshot()).window).toEqual({ requests: 6, failures: 2 })
    advance(30_000)
    expect((await breaker.snapshot()).window).toEqual({ requests: 2, failures: 2 })
    advance(30_000)
    expect((await breaker.snapshot()).window).toEqual({ requests: 0, failures: 0 })
  })
})

describe("CircuitBreaker: admit while open", () => {
  it("admits freely while closed", async () => {
    const { breaker } = breakerWith()
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: false })
  })

  it.each([
    // ms since it opened, retryAfterMs
    [0, 30_000],
    [1, 29_999],
    [10_000, 20_000],
    [29_999, 1],
  ])("%i ms after opening refuses with circuit_open, retryable, retryAfterMs %i", async (elapsed, retryAfterMs) => {
    const { breaker, advance } = await openedBreaker()
    advance(elapsed)
    const err = await refusal(breaker)
    expect(err).toBeInstanceOf(IntegrationError)
    expect(err).toMatchObject({
      code: CIRCUIT_OPEN,
      retryable: true,
      retryAfterMs,
      connectionId: "erp",
      httpStatus: undefined,
      type: MedusaError.Types.UNEXPECTED_STATE,
    })
    expect(err?.message).toBe(
      `Connection "erp" is failing (circuit open since ${iso(T0)}): nothing was sent; the sync waits until ${iso(T0 + 30_000)} and spends no attempt`
    )
  })

  it("snapshot while open: state, opening time, retry time, window", async () => {
    const { breaker, advance } = await openedBreaker()
    advance(1_000)
    expect(await breaker.snapshot()).toEqual({
      state: "open",
      opened_at: iso(T0),
      retry_at: iso(T0 + 30_000),
      window: { requests: 10, failures: 10 },
    })
  })

  it("snapshot while closed", async () => {
    const { breaker } = breakerWith()
    expect(await breaker.snapshot()).toEqual({ state: "closed", opened_at: null, retry_at: null, window: { requests: 0, failures: 0 } })
  })
})

describe("CircuitBreaker: half-open", () => {
  it("after openMs lets one probe through; the others wait for its verdict: success lets them go on", async () => {
    const { breaker, advance, polls } = await openedBreaker()
    advance(30_000)
    expect(await breaker.snapshot()).toMatchObject({ state: "half_open", opened_at: iso(T0), retry_at: null })
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: true })
    const waiting = [breaker.admit(PROBE_TTL_MS), breaker.admit(PROBE_TTL_MS)]
    await new Promise((resolve) => setImmediate(resolve)) // both are waiting now
    expect(polls).toEqual([100, 100])
    await breaker.settle("success", true)
    expect(await Promise.all(waiting)).toEqual([{ probe: false }, { probe: false }])
  })

  it.each<[CallVerdict, string]>([
    ["success", "let through as an ordinary call"],
    ["failure", "refused with circuit_open"],
  ])("a caller that read the circuit as half-open just as the probe's %s came is %s, not made a second probe", async (verdict, _) => {
    const { breaker, advance } = await openedBreaker(ONE_PROBE)
    advance(30_000)
    await breaker.admit(PROBE_TTL_MS)
    // Admitted while the probe's answer is on its way: it has read the state, not yet claimed the probe.
    const late = breaker.admit(PROBE_TTL_MS).then(
      (admitted) => admitted,
      (err: unknown) => (err instanceof IntegrationError ? err.code : err)
    )
    await breaker.settle(verdict, true)
    expect(await late).toEqual(verdict === "success" ? { probe: false } : CIRCUIT_OPEN)
  })

  it("with probes = 1, the others wait for its verdict: failure refuses them with circuit_open until openMs from now", async () => {
    const { breaker, advance, now } = await openedBreaker(ONE_PROBE)
    advance(30_000)
    await breaker.admit(PROBE_TTL_MS)
    const waiting = refusal(breaker)
    await new Promise((resolve) => setImmediate(resolve)) // it is waiting now
    await breaker.settle("failure", true)
    const err = await waiting
    expect(err).toMatchObject({ code: CIRCUIT_OPEN, retryable: true })
    // The waiter's first look (100 ms) found the circuit opened again at that moment: a full openMs to wait.
    expect(now()).toBe(T0 + 30_100)
    expect(err?.retryAfterMs).toBe(30_000)
    expect(err?.message).toContain(`circuit open since ${iso(T0 + 30_100)}`)
  })

  it("a probe that gives no verdict within its ttl: the waiter waits the ttl out, then is the next probe", async () => {
    const { breaker, advance, now, polls } = await openedBreaker()
    advance(30_000)
    await breaker.admit(PROBE_TTL_MS)
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: true })
    expect(polls).toHaveLength(PROBE_TTL_MS / 100)
    expect(now()).toBe(T0 + 30_000 + PROBE_TTL_MS)
  })

  it("a probe that gives no verdict while the waiter may wait (openMs, shorter than the ttl): the waiter is refused, told to come back after openMs", async () => {
    const { breaker, advance, now, polls } = await openedBreaker({ ...OPTIONS, openMs: 5_000 })
    advance(5_000)
    await breaker.admit(PROBE_TTL_MS)
    const err = await refusal(breaker)
    expect(polls).toHaveLength(5_000 / 100)
    expect(now()).toBe(T0 + 10_000)
    expect(err).toMatchObject({ code: CIRCUIT_OPEN, retryable: true, retryAfterMs: 5_000 })
    expect(err?.message).toContain(`waits until ${iso(now() + 5_000)}`)
  })

  it("a probe's success closes the circuit and clears the counts", async () => {
    const { breaker, advance, changes } = await openedBreaker()
    advance(30_000)
    const { probe } = await breaker.admit(PROBE_TTL_MS)
    await breaker.settle("success", probe)
    expect(await breaker.snapshot()).toEqual({ state: "closed", opened_at: null, retry_at: null, window: { requests: 0, failures: 0 } })
    expect(changes[1]).toEqual(["closed", "a probe call succeeded; calls flow again"])
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: false })
    // The old failures are gone: it takes minRequests fresh ones to open again.
    for (let i = 0; i < 9; i++) await breaker.settle("failure", false)
    expect((await breaker.snapshot()).state).toBe("closed")
  })

  it("with probes = 1, a probe's failure opens the circuit again for openMs, from now", async () => {
    const { breaker, advance, changes, now } = await openedBreaker(ONE_PROBE)
    advance(31_000)
    const { probe } = await breaker.admit(PROBE_TTL_MS)
    await breaker.settle("failure", probe)
    expect(await breaker.snapshot()).toMatchObject({ state: "open", opened_at: iso(now()), retry_at: iso(now() + 30_000) })
    expect(changes[1]).toEqual(["open", "the probe call failed; calls wait 30 s, then probes test the connection, one at a time"])
    expect(await refusal(breaker)).toMatchObject({ code: CIRCUIT_OPEN, retryAfterMs: 30_000 })
    // And after another openMs, a new probe may go.
    advance(30_000)
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: true })
  })

  it("by default a failed probe frees the probe for a waiting caller; the third failure in a row opens it again", async () => {
    const { breaker, advance, changes, now } = await openedBreaker()
    advance(30_000)
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: true })
    const waiting = breaker.admit(PROBE_TTL_MS)
    await new Promise((resolve) => setImmediate(resolve)) // it is waiting now
    await breaker.settle("failure", true)
    // A vendor that fails a third of its calls fails one probe in three: the waiter probes next.
    expect(await waiting).toEqual({ probe: true })
    expect((await breaker.snapshot()).state).toBe("half_open")
    await breaker.settle("failure", true)
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: true })
    await breaker.settle("failure", true)
    expect(await breaker.snapshot()).toMatchObject({ state: "open", opened_at: iso(now()), retry_at: iso(now() + 30_000) })
    expect(changes[1]).toEqual(["open", "3 probe calls in a row failed; calls wait 30 s, then probes test the connection, one at a time"])
  })

  it("a success after two failed probes closes it, and the next opening counts its probes afresh", async () => {
    const { breaker, advance, settleAll } = await openedBreaker()
    advance(30_000)
    for (let i = 0; i < 2; i++) {
      await breaker.admit(PROBE_TTL_MS)
      await breaker.settle("failure", true)
    }
    await breaker.admit(PROBE_TTL_MS)
    await breaker.settle("success", true)
    expect((await breaker.snapshot()).state).toBe("closed")
    await settleAll("failure", 10)
    advance(30_000)
    await breaker.admit(PROBE_TTL_MS)
    await breaker.settle("failure", true)
    expect((await breaker.snapshot()).state).toBe("half_open")
  })

  it("a neutral probe (429) leaves the circuit half-open and frees the probe for the next caller", async () => {
    const { breaker, advance, changes } = await openedBreaker()
    advance(30_000)
    const { probe } = await breaker.admit(PROBE_TTL_MS)
    await breaker.settle("neutral", probe)
    expect((await breaker.snapshot()).state).toBe("half_open")
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: true })
    expect(changes).toHaveLength(1)
  })

  it("a probe that never settles holds the half-open state for its ttl only", async () => {
    const { breaker, advance, now } = await openedBreaker()
    advance(30_000)
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: true })
    advance(PROBE_TTL_MS - 101)
    // A caller that waits one poll (100 ms) looks again 1 ms before the ttl ends: still held, so it is refused.
    await expect(breaker.admit(100)).rejects.toMatchObject({ code: CIRCUIT_OPEN })
    expect(now()).toBe(T0 + 30_000 + PROBE_TTL_MS - 1)
    // A millisecond later the claim has lapsed: the next caller is the probe, at once.
    advance(1)
    expect(await breaker.admit(100)).toEqual({ probe: true })
  })

  it("reset() closes it by hand", async () => {
    const { breaker } = await openedBreaker()
    await breaker.reset()
    expect(await breaker.snapshot()).toEqual({ state: "closed", opened_at: null, retry_at: null, window: { requests: 0, failures: 0 } })
    expect(await breaker.admit(PROBE_TTL_MS)).toEqual({ probe: false })
  })
})
