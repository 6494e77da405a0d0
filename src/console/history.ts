import type { BucketFigures } from "../modules/integration-hub/health-history"
import { BUCKET_MS, LATENCY_BINS_MS } from "../modules/integration-hub/health-rollup"
import { latencyPercentile } from "./health"

/** A bucket in which the connection was unavailable: calls of which none succeeded and the vendor failed one, or the circuit open. */
export const isDown = (b: Pick<BucketFigures, "calls" | "successes" | "vendor_errors" | "circuit">) =>
  (b.calls > 0 && b.successes === 0 && b.vendor_errors > 0) || b.circuit === "open"

export type Incident = { kind: "outage" | "circuit_open"; start: Date; end: Date; duration_ms: number; buckets: number }

/**
 * Incidents: runs of consecutive down buckets, each from its first bucket's start to its last one's end; a run in
 * which the circuit was seen open is a circuit-open span, otherwise an outage. Newest first.
 */
export function incidentsOf(buckets: BucketFigures[]): Incident[] {
  const runs: Array<{ start: number; end: number; circuit: boolean; buckets: number }> = []
  for (const b of [...buckets].sort((a, z) => a.start.getTime() - z.start.getTime())) {
    if (!isDown(b)) continue
    const at = b.start.getTime()
    const last = runs.at(-1)
    if (last && at <= last.end) {
      last.end = Math.max(last.end, at + BUCKET_MS)
      last.circuit ||= b.circuit === "open"
      last.buckets += 1
    } else {
      runs.push({ start: at, end: at + BUCKET_MS, circuit: b.circuit === "open", buckets: 1 })
    }
  }
  return runs
    .reverse()
    .map((r) => ({ kind: r.circuit ? "circuit_open" : "outage", start: new Date(r.start), end: new Date(r.end), duration_ms: r.end - r.start, buckets: r.buckets }))
}

export type HistoryPoint = { t: Date; calls: number; errors: number; throttled: number; p95_ms: number | null; waiting: number | null; down: boolean }

/**
 * The buckets gathered into points of `stepMs` (a multiple of 5 minutes) from `from` to `to`, every step present
 * (zeros where nothing happened): calls, errors, 429s, the p95 latency of the point's calls, the most records
 * waiting at a snapshot in it, and whether any of its buckets was down.
 */
export function pointsOf(buckets: BucketFigures[], from: Date, to: Date, stepMs: number): HistoryPoint[] {
  const first = Math.floor(from.getTime() / stepMs) * stepMs
  const points = new Map<number, { calls: number; errors: number; throttled: number; bins: number[]; longest: number; waiting: number | null; down: boolean }>()
  for (let t = first; t < to.getTime(); t += stepMs) {
    points.set(t, { calls: 0, errors: 0, throttled: 0, bins: new Array(LATENCY_BINS_MS.length + 1).fill(0), longest: 0, waiting: null, down: false })
  }
  for (const b of buckets) {
    const p = points.get(Math.floor(b.start.getTime() / stepMs) * stepMs)
    if (!p) continue
    p.calls += b.calls
    p.errors += b.errors
    p.throttled += b.throttled
    b.latency_bins.forEach((n, i) => (p.bins[i] += n))
    p.longest = Math.max(p.longest, b.duration_ms_max)
    if (b.waiting !== null) p.waiting = Math.max(p.waiting ?? 0, b.waiting)
    p.down ||= isDown(b)
  }
  return [...points.entries()].map(([t, p]) => ({
    t: new Date(t), calls: p.calls, errors: p.errors, throttled: p.throttled, p95_ms: latencyPercentile(p.bins, 0.95, p.longest), waiting: p.waiting, down: p.down,
  }))
}

/** The step of each window's chart: 5 minutes over a day, an hour over a week, 6 hours over a month. */
export const STEP_MS = { "24h": BUCKET_MS, "7d": 3600_000, "30d": 6 * 3600_000 } as const
