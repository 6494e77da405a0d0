import type { Incident } from "./history"

export type Grade = "idle" | "healthy" | "flaky" | "unreliable"

export type VerdictInput = {
  calls: number
  /** Share of calls that failed on the vendor's side (no answer, timeouts, 408, 425, 429, 5xx). */
  vendor_error_rate: number | null
  availability: number | null
  throttled: number
  /** The busiest 5 minutes against the rate limit (null: none configured). */
  rate_limit_headroom: number | null
  dead_letters: number
  incidents: Incident[]
}

/** Vendor errors at or above this share make a connection "flaky"; at or above UNRELIABLE_RATE, "unreliable". */
export const FLAKY_RATE = 0.01
export const UNRELIABLE_RATE = 0.05
/** Availability below this makes it "flaky"; below UNRELIABLE_AVAILABILITY, "unreliable". */
export const FLAKY_AVAILABILITY = 0.999
export const UNRELIABLE_AVAILABILITY = 0.99
/** Less headroom than this at the busiest time: the rate limit needs renegotiating. */
export const TIGHT_HEADROOM = 0.2

const pct = (share: number) => `${(Math.round(share * 1000) / 10).toString()} %`
const duration = (ms: number) => {
  const min = Math.round(ms / 60_000)
  return min < 90 ? `${min} min` : `${Math.floor(min / 60)} h ${min % 60} min`
}

/**
 * The verdict on a connection over a period, in one word and a sentence a store owner can take to the vendor:
 * "flaky: 4.2 % of calls failed, 3 outages, longest 47 min — talk to the vendor".
 */
export function verdictOf(v: VerdictInput): { grade: Grade; words: string } {
  if (v.calls === 0 && v.incidents.length === 0) return { grade: "idle", words: "idle: no call was needed in this period." }
  const rate = v.vendor_error_rate ?? 0
  const availability = v.availability ?? 1
  const outages = v.incidents.length
  const longest = outages ? Math.max(...v.incidents.map((i) => i.duration_ms)) : 0
  const grade: Grade =
    rate >= UNRELIABLE_RATE || availability < UNRELIABLE_AVAILABILITY ? "unreliable" : rate >= FLAKY_RATE || availability < FLAKY_AVAILABILITY || outages > 0 ? "flaky" : "healthy"
  const facts = [
    `${pct(rate)} of calls failed on the vendor's side`,
    outages ? `${outages} outage${outages === 1 ? "" : "s"}, longest ${duration(longest)}` : "no outage",
    ...(v.throttled ? [`rate limited ${v.throttled} time${v.throttled === 1 ? "" : "s"}`] : []),
    ...(v.dead_letters ? [`${v.dead_letters} record${v.dead_letters === 1 ? "" : "s"} out of retries`] : []),
  ]
  const tight = v.rate_limit_headroom !== null && v.rate_limit_headroom < TIGHT_HEADROOM
  const advice =
    grade === "unreliable" ? "talk to the vendor about its reliability" : grade === "flaky" ? "talk to the vendor" : tight ? "" : "nothing to do"
  const limitAdvice = tight ? `the busiest 5 minutes left ${pct(v.rate_limit_headroom ?? 0)} of the rate limit: ask the vendor for a higher limit` : ""
  return { grade, words: `${grade}: ${facts.join(", ")} — ${[advice, limitAdvice].filter(Boolean).join("; ")}` }
}

/** How a figure moved against the previous period, in words ("up 1.2 points", "down 35 %"). */
export function trendOf(now: number | null, before: number | null, kind: "share" | "ms"): string | null {
  if (now === null || before === null) return null
  if (kind === "share") {
    const points = Math.round((now - before) * 1000) / 10
    return points === 0 ? "unchanged" : `${points > 0 ? "up" : "down"} ${Math.abs(points)} point${Math.abs(points) === 1 ? "" : "s"}`
  }
  if (before === 0) return now === 0 ? "unchanged" : "up"
  const change = Math.round(((now - before) / before) * 100)
  return change === 0 ? "unchanged" : `${change > 0 ? "up" : "down"} ${Math.abs(change)} %`
}
