import { knownSpans, SPAN_BUCKETS_SQL } from "./health-rollup"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/** One 5-minute bucket as the history reads it (from the buckets, or from the log for the part not rolled up yet). */
export type BucketFigures = {
  start: Date
  calls: number
  errors: number
  vendor_errors: number
  throttled: number
  successes: number
  duration_ms_max: number
  latency_bins: number[]
  /** Records waiting when it was rolled up (pending, running, retrying, needing attention, dead); null: not snapshotted. */
  waiting: number | null
  circuit: string | null
}

const num = (v: unknown) => Number(v ?? 0)

/**
 * The connection's buckets in [from, to) that had calls, a queue snapshot or an open circuit, oldest first: the
 * rolled-up ones through the (connection, bucket_start) index, then the calls since the last roll-up from the log.
 * At most 30 days of 5-minute buckets (8,640 rows of a few numbers each).
 */
export async function readBuckets(execute: Execute, connectionId: string, from: Date, to: Date, now = new Date()): Promise<BucketFigures[]> {
  const [state] = await execute<{ health_rolled_until: Date | null }>(
    `SELECT health_rolled_until FROM connection_state WHERE deleted_at IS NULL AND connection_id = ?`,
    [connectionId]
  )
  const { rolled, tail: tailStart, until } = knownSpans(from, to, now, state?.health_rolled_until ? new Date(state.health_rolled_until) : null)
  const [rows, tail] = await Promise.all([
    execute<Record<string, unknown> & { bucket_start: Date; latency_bins: number[]; queue: Record<string, number> | null; circuit: string | null }>(
      `SELECT bucket_start, calls, errors, vendor_errors, throttled, successes, duration_ms_max, latency_bins, queue, circuit
         FROM health_bucket WHERE connection_id = ? AND deleted_at IS NULL AND bucket_start >= ? AND bucket_start < ?
        ORDER BY bucket_start`,
      [connectionId, from, rolled]
    ),
    tailStart < until ? execute<Record<string, unknown> & { bucket_start: Date; bins: number[] }>(`${SPAN_BUCKETS_SQL} ORDER BY 1`, [connectionId, tailStart, until]) : Promise.resolve([]),
  ])
  const waitingOf = (q: Record<string, number> | null) =>
    q ? num(q.pending) + num(q.running) + num(q.retrying) + num(q.needs_attention) + num(q.dead) : null
  return [
    ...rows.map((r) => ({
      start: new Date(r.bucket_start), calls: num(r.calls), errors: num(r.errors), vendor_errors: num(r.vendor_errors), throttled: num(r.throttled),
      successes: num(r.successes), duration_ms_max: num(r.duration_ms_max), latency_bins: r.latency_bins.map(Number), waiting: waitingOf(r.queue), circuit: r.circuit,
    })),
    ...tail.map((r) => ({
      start: new Date(r.bucket_start), calls: num(r.calls), errors: num(r.errors), vendor_errors: num(r.vendor_errors), throttled: num(r.throttled),
      successes: num(r.successes), duration_ms_max: num(r.longest), latency_bins: r.bins.map(Number), waiting: null, circuit: null,
    })),
  ]
}
