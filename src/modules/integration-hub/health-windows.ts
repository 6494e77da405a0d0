import { BUCKET_MS, floorToBucket, knownSpans, LATENCY_BINS_MS, SPAN_BUCKETS_SQL } from "./health-rollup"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/** A connection's calls over a window, from its health buckets. */
export type HealthWindow = {
  from: Date
  to: Date
  /** 5-minute buckets the window holds for this connection (from when it was first enabled, up to its last roll-up). */
  buckets: number
  /** Buckets with calls of which none succeeded and the vendor failed at least one, or with the circuit open. */
  down_buckets: number
  calls: number
  successes: number
  errors: number
  vendor_errors: number
  throttled: number
  auth_errors: number
  duration_ms_max: number
  /** The most calls one bucket held: against the rate limit, the headroom. */
  peak_calls_per_bucket: number
  latency_bins: number[]
}

/** SQL: a bucket in which the connection was unavailable (see HealthWindow.down_buckets). */
export const DOWN_BUCKET_SQL = `((calls > 0 AND successes = 0 AND vendor_errors > 0) OR circuit = 'open')`

/**
 * The connection's figures over [from, to) as far as they are known (since it was first enabled): its buckets up to
 * the last roll-up, through the (connection, bucket_start) index, and the calls since from the log (the same
 * figures, grouped the same way): grouped reads, whatever the size of the call log.
 */
export async function readHealthWindow(execute: Execute, connectionId: string, from: Date, to: Date, now = new Date()): Promise<HealthWindow> {
  const [state] = await execute<{ first_enabled_at: Date; health_rolled_until: Date | null }>(
    `SELECT first_enabled_at, health_rolled_until FROM connection_state WHERE deleted_at IS NULL AND connection_id = ?`,
    [connectionId]
  )
  // The window as far as it is known: from when the connection was first enabled (nothing without a state row).
  const { start, rolled, tail: tailStart, until } = knownSpans(
    new Date(Math.max(from.getTime(), state ? floorToBucket(new Date(state.first_enabled_at)).getTime() : to.getTime())),
    to,
    now,
    state?.health_rolled_until ? new Date(state.health_rolled_until) : null
  )
  const [[sums], bins, tail] = await Promise.all([
    execute<Record<"down" | "calls" | "successes" | "errors" | "vendor_errors" | "throttled" | "auth_errors" | "longest" | "peak", string | null>>(
      `SELECT count(*) FILTER (WHERE ${DOWN_BUCKET_SQL}) AS down, sum(calls) AS calls, sum(successes) AS successes, sum(errors) AS errors,
              sum(vendor_errors) AS vendor_errors, sum(throttled) AS throttled, sum(auth_errors) AS auth_errors,
              max(duration_ms_max) AS longest, max(calls) AS peak
         FROM health_bucket WHERE connection_id = ? AND deleted_at IS NULL AND bucket_start >= ? AND bucket_start < ?`,
      [connectionId, start, rolled]
    ),
    execute<{ idx: string; n: string }>(
      `SELECT e.idx, sum(e.n::bigint) AS n
         FROM health_bucket b, jsonb_array_elements_text(b.latency_bins) WITH ORDINALITY AS e(n, idx)
        WHERE b.connection_id = ? AND b.deleted_at IS NULL AND b.bucket_start >= ? AND b.bucket_start < ? AND b.calls > 0
        GROUP BY e.idx`,
      [connectionId, start, rolled]
    ),
    tailStart < until
      ? execute<Record<"calls" | "successes" | "errors" | "vendor_errors" | "throttled" | "auth_errors" | "total" | "longest", string> & { bins: number[] }>(SPAN_BUCKETS_SQL, [connectionId, tailStart, until])
      : Promise.resolve([]),
  ])
  const latency_bins = new Array<number>(LATENCY_BINS_MS.length + 1).fill(0)
  for (const b of bins) latency_bins[Number(b.idx) - 1] = Number(b.n)
  const n = (v: string | null | undefined) => Number(v ?? 0)
  const w: HealthWindow = {
    from,
    to,
    buckets: Math.ceil((rolled.getTime() - start.getTime()) / BUCKET_MS) + Math.ceil(Math.max(0, until.getTime() - tailStart.getTime()) / BUCKET_MS),
    down_buckets: n(sums?.down),
    calls: n(sums?.calls),
    successes: n(sums?.successes),
    errors: n(sums?.errors),
    vendor_errors: n(sums?.vendor_errors),
    throttled: n(sums?.throttled),
    auth_errors: n(sums?.auth_errors),
    duration_ms_max: n(sums?.longest),
    peak_calls_per_bucket: n(sums?.peak),
    latency_bins,
  }
  for (const t of tail) {
    const calls = n(t.calls)
    w.calls += calls
    w.successes += n(t.successes)
    w.errors += n(t.errors)
    w.vendor_errors += n(t.vendor_errors)
    w.throttled += n(t.throttled)
    w.auth_errors += n(t.auth_errors)
    w.duration_ms_max = Math.max(w.duration_ms_max, n(t.longest))
    w.peak_calls_per_bucket = Math.max(w.peak_calls_per_bucket, calls)
    if (calls > 0 && n(t.successes) === 0 && n(t.vendor_errors) > 0) w.down_buckets += 1
    t.bins.forEach((count, i) => (w.latency_bins[i] += Number(count)))
  }
  return w
}
