import type { Incident } from "../history"
import { trendOf, verdictOf, VerdictInput } from "../verdict"

const outage = (minutes: number): Incident => ({ kind: "outage", start: new Date(0), end: new Date(minutes * 60_000), duration_ms: minutes * 60_000, buckets: minutes / 5 })
const base: VerdictInput = { calls: 10_000, vendor_error_rate: 0.001, availability: 0.9999, throttled: 0, rate_limit_headroom: 0.8, dead_letters: 0, incidents: [] }

describe("verdictOf", () => {
  it("names a flaky vendor with its figures, and says to talk to it", () => {
    expect(verdictOf({ ...base, vendor_error_rate: 0.042, availability: 0.995, incidents: [outage(10), outage(47), outage(5)] })).toEqual({
      grade: "flaky",
      words: "flaky: 4.2 % of calls failed on the vendor's side, 3 outages, longest 47 min — talk to the vendor",
    })
  })

  it("is healthy, idle or unreliable by the thresholds", () => {
    expect(verdictOf(base)).toEqual({ grade: "healthy", words: "healthy: 0.1 % of calls failed on the vendor's side, no outage — nothing to do" })
    expect(verdictOf({ ...base, calls: 0, vendor_error_rate: null, availability: null }).grade).toBe("idle")
    expect(verdictOf({ ...base, vendor_error_rate: 0.05 }).grade).toBe("unreliable")
    expect(verdictOf({ ...base, availability: 0.98 }).grade).toBe("unreliable")
    // One outage is enough to call it flaky, whatever the error rate.
    expect(verdictOf({ ...base, incidents: [outage(125)] }).words).toBe("flaky: 0.1 % of calls failed on the vendor's side, 1 outage, longest 2 h 5 min — talk to the vendor")
  })

  it("says when the rate limit needs renegotiating, and counts 429s and dead letters", () => {
    expect(verdictOf({ ...base, rate_limit_headroom: 0.05, throttled: 12, dead_letters: 2 }).words).toBe(
      "healthy: 0.1 % of calls failed on the vendor's side, no outage, rate limited 12 times, 2 records out of retries — the busiest 5 minutes left 5 % of the rate limit: ask the vendor for a higher limit"
    )
  })
})

describe("trendOf", () => {
  it("moves shares in points and latencies in per cent", () => {
    expect(trendOf(0.042, 0.03, "share")).toBe("up 1.2 points")
    expect(trendOf(0.99, 0.999, "share")).toBe("down 0.9 points")
    expect(trendOf(0.5, 0.5, "share")).toBe("unchanged")
    expect(trendOf(650, 1000, "ms")).toBe("down 35 %")
    expect(trendOf(120, 0, "ms")).toBe("up")
    expect(trendOf(null, 0.2, "share")).toBeNull()
  })
})
