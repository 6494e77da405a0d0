import { availability, connectionStatus, errorRate, latencyPercentile, rateLimitHeadroom, StatusInput } from "../health"

// Bins: ≤50, ≤100, ≤250, ≤500, ≤1000, ≤2500, ≤5000, ≤10000, ≤30000, >30000 ms.
const bins = (...counts: number[]) => [...counts, ...new Array(10 - counts.length).fill(0)]

describe("latencyPercentile", () => {
  it("interpolates inside the bin the rank falls in", () => {
    // 100 calls: 50 in (0, 50], 40 in (50, 100], 10 in (100, 250].
    const b = bins(50, 40, 10)
    expect(latencyPercentile(b, 0.5, 240)).toBe(50)
    expect(latencyPercentile(b, 0.7, 240)).toBe(75)
    expect(latencyPercentile(b, 0.95, 240)).toBe(170) // 100 + (5/10) * (240 - 100): the bin ends at the longest call
  })

  it("ends the open last bin at the longest call, and says nothing without calls", () => {
    expect(latencyPercentile(bins(0, 0, 0, 0, 0, 0, 0, 0, 0, 4), 0.5, 50_000)).toBe(40_000)
    expect(latencyPercentile(bins(), 0.95, 0)).toBeNull()
  })

  it("skips empty bins below the rank", () => {
    expect(latencyPercentile(bins(0, 0, 0, 0, 10), 0.1, 900)).toBe(540)
  })
})

describe("availability, error rate and headroom", () => {
  it("is the share of buckets that were not down", () => {
    expect(availability({ buckets: 288, down_buckets: 3 })).toBeCloseTo(285 / 288, 10)
    expect(availability({ buckets: 0, down_buckets: 0 })).toBeNull()
    expect(availability({ buckets: 2, down_buckets: 5 })).toBe(0)
  })

  it("error rate is failed over all calls", () => {
    expect(errorRate({ calls: 200, errors: 7 })).toBe(0.035)
    expect(errorRate({ calls: 0, errors: 0 })).toBeNull()
  })

  it("headroom compares the busiest 5 minutes with what the limit allows in 5 minutes", () => {
    // 10 requests a second = 3000 in 5 minutes.
    expect(rateLimitHeadroom(750, { requests: 10, perSeconds: 1 })).toBe(0.75)
    expect(rateLimitHeadroom(4000, { requests: 10, perSeconds: 1 })).toBe(0)
    expect(rateLimitHeadroom(100, null)).toBeNull()
  })
})

describe("connectionStatus", () => {
  const now = new Date("2026-12-07T12:00:00Z")
  const base: StatusInput = {
    disabled: false,
    pause: null,
    circuit: { state: "closed" },
    recent: { calls: 40, successes: 40, vendor_errors: 0, auth_errors: 0, throttled: 0 },
    hour: { calls: 200, vendor_errors: 0 },
    oldestInFlightAt: null,
    now,
  }
  const status = (patch: Partial<StatusInput>) => connectionStatus({ ...base, ...patch })

  it("is healthy when calls succeed and nothing waits long", () => {
    expect(status({})).toEqual({ status: "healthy", words: "Healthy: calls succeed and nothing waits long." })
  })

  it("names a pause, with who and why, before anything else", () => {
    const paused = status({ pause: { paused_at: new Date("2026-12-07T11:00:00Z"), paused_by: "user_1", reason: "ERP maintenance" }, circuit: { state: "open" } })
    expect(paused).toEqual({ status: "paused", words: "Paused by user_1 since 2026-12-07T11:00:00.000Z (ERP maintenance): its records wait until it is resumed." })
    expect(status({ disabled: true }).status).toBe("paused")
  })

  it("tells an open circuit from a down vendor and from refused credentials", () => {
    expect(status({ circuit: { state: "open", retry_at: "2026-12-07T12:00:30.000Z" } }).words).toBe(
      "Calls are held back after repeated failures; the next try is at 2026-12-07T12:00:30.000Z. Records wait, none is lost."
    )
    expect(status({ recent: { calls: 6, successes: 0, vendor_errors: 6, auth_errors: 0, throttled: 0 } })).toEqual({
      status: "down",
      words: "No call succeeded in the last 15 min (6 of 6 failed on the vendor's side). Records are retried with backoff.",
    })
    expect(status({ recent: { calls: 3, successes: 0, vendor_errors: 0, auth_errors: 3, throttled: 0 } }).status).toBe("credentials_refused")
    // A refused call among successes is a bad request, not bad credentials; data errors alone are not "down".
    expect(status({ recent: { calls: 3, successes: 2, vendor_errors: 0, auth_errors: 1, throttled: 0 } }).status).toBe("healthy")
    expect(status({ recent: { calls: 3, successes: 0, vendor_errors: 0, auth_errors: 0, throttled: 0 } }).status).toBe("healthy")
  })

  it("is degraded by vendor errors over 5 %, by 429s, and by a queue that does not drain, saying each", () => {
    expect(status({ hour: { calls: 200, vendor_errors: 10 } }).words).toBe("Degraded: 5 % of the last hour's calls failed on the vendor's side.")
    expect(status({ hour: { calls: 200, vendor_errors: 9 } }).status).toBe("healthy")
    expect(
      status({ recent: { ...base.recent, throttled: 2 }, oldestInFlightAt: new Date(now.getTime() - 47 * 60_000) }).words
    ).toBe("Degraded: rate limited 2 times in the last 15 min; the queue is not draining: a record has waited 47 min for its turn.")
    expect(status({ oldestInFlightAt: new Date(now.getTime() - 14 * 60_000) }).status).toBe("healthy")
  })
})
