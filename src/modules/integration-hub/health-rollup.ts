import { generateEntityId } from "@medusajs/framework/utils"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

export const BUCKET_MS = 5 * 60_000
/** Upper bounds of the latency bins, in ms; the last bin holds everything slower. */
export const LATENCY_BINS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000] as const
/** A span is rolled up once every call of it is surely written: its end plus this. */
const GRACE_MS = 60_000
/** How far back readers take the calls not rolled up yet from the log itself (the roll-up runs every 5 minutes). */
export const LIVE_TAIL_MS = 3600_000
/**
 * Where a window's known figures come from: buckets over [start, rolled) (up to the last roll-up), then the log
 * itself over [tail, until) (at most its last LIVE_TAIL_MS). A window reaching into the future is known up to `now`.
 */
export function knownSpans(start: Date, to: Date, now: Date, rolledUntil: Date | null): { start: Date; rolled: Date; tail: Date; until: Date } {
  const until = Math.min(to.getTime(), now.getTime())
  const first = Math.min(until, start.getTime())
  const rolled = Math.max(first, Math.min(until, rolledUntil ? rolledUntil.getTime() : 0))
  const tail = Math.max(rolled, floorToBucket(new Date(until - LIVE_TAIL_MS)).getTime())
  return { start: new Date(first), rolled: new Date(rolled), tail: new Date(tail), until: new Date(until) }
}
/** At most this much of the log per statement, so a first roll-up over a long log is a series of bounded reads. */
const CHUNK_MS = 24 * 3600_000

/** SQL for a vendor's failure (not the data's): no answer, a timeout, 408, 425, 429 or a 5xx. */
export const VENDOR_ERROR_SQL = `status = 'error' AND (http_status IS NULL OR http_status >= 500 OR http_status IN (408, 425, 429))`

export const floorToBucket = (t: Date) => new Date(Math.floor(t.getTime() / BUCKET_MS) * BUCKET_MS)

const binsSql = () =>
  `jsonb_build_array(${[...LATENCY_BINS_MS, Infinity]
    .map((upper, i) => {
      const lower = i === 0 ? null : LATENCY_BINS_MS[i - 1]
      const conds = [lower === null ? null : `duration_ms > ${lower}`, upper === Infinity ? null : `duration_ms <= ${upper}`].filter(Boolean)
      return `count(*) FILTER (WHERE ${conds.join(" AND ")})`
    })
    .join(", ")})`

export type QueueSnapshot = {
  pending: number
  running: number
  retrying: number
  needs_attention: number
  dead: number
  /** Since when the oldest record of any state has waited. */
  oldest_waiting_at: Date | null
  /** Since when the oldest record the hub itself will still run (pending, running, retrying) has waited: the queue draining or not. */
  oldest_in_flight_at: Date | null
}
const EMPTY_QUEUE: QueueSnapshot = { pending: 0, running: 0, retrying: 0, needs_attention: 0, dead: 0, oldest_waiting_at: null, oldest_in_flight_at: null }
export const emptyQueue = (): QueueSnapshot => ({ ...EMPTY_QUEUE })

/**
 * Each connection's queue now: records waiting by state ("retrying" has a retry scheduled, "needs_attention" waits
 * for a person), and since when the oldest of them has waited. One grouped read over the status index.
 */
export async function readQueues(execute: Execute): Promise<Map<string, QueueSnapshot>> {
  const rows = await execute<{ connection_id: string; state: "pending" | "running" | "retrying" | "needs_attention" | "dead"; n: string; oldest: Date | null }>(
    `SELECT connection_id,
            CASE WHEN status = 'failed' AND next_attempt_at IS NOT NULL THEN 'retrying'
                 WHEN status = 'failed' THEN 'needs_attention' ELSE status END AS state,
            count(*) AS n, min(COALESCE(failing_since, updated_at)) AS oldest
       FROM sync_record
      WHERE deleted_at IS NULL AND status IN ('pending', 'running', 'failed', 'dead')
      GROUP BY 1, 2`,
    []
  )
  const queues = new Map<string, QueueSnapshot>()
  const earlier = (a: Date | null, b: Date | null) => (!a ? b : !b ? a : a < b ? a : b)
  for (const r of rows) {
    const q = queues.get(r.connection_id) ?? emptyQueue()
    q[r.state] = Number(r.n)
    const oldest = r.oldest ? new Date(r.oldest) : null
    q.oldest_waiting_at = earlier(q.oldest_waiting_at, oldest)
    if (r.state === "pending" || r.state === "running" || r.state === "retrying") q.oldest_in_flight_at = earlier(q.oldest_in_flight_at, oldest)
    queues.set(r.connection_id, q)
  }
  return queues
}

/**
 * Rolls each connection's new call-log rows up into 5-minute buckets: from where the last roll-up stopped (the
 * connection's `health_rolled_until`; the first time, its oldest logged call) to the last span that is surely
 * complete. Each pass reads only the new rows, through the log's (connection, direction, created_at) index, a day per
 * statement; a bucket is written whole (a repeated or concurrent pass writes the same figures). The queue and the
 * circuit are snapshotted into the last bucket rolled. Returns the buckets written per connection.
 */
export async function rollUpHealth(
  execute: Execute,
  connectionIds: string[],
  opts: { now?: Date; circuit?: (connectionId: string) => Promise<string> } = {}
): Promise<Map<string, number>> {
  const until = floorToBucket(new Date((opts.now ?? new Date()).getTime() - GRACE_MS))
  const queues = await readQueues(execute)
  const written = new Map<string, number>()
  for (const connectionId of connectionIds) {
    const [state] = await execute<{ health_rolled_until: Date | null }>(
      `INSERT INTO connection_state AS s (id, connection_id, first_enabled_at) VALUES (?, ?, now())
       ON CONFLICT (connection_id) WHERE deleted_at IS NULL DO UPDATE SET connection_id = s.connection_id
       RETURNING health_rolled_until`,
      [generateEntityId(undefined, "icst"), connectionId]
    )
    let from = state.health_rolled_until ? new Date(state.health_rolled_until) : await oldestCall(execute, connectionId)
    let n = 0
    while (from && from < until) {
      const to = new Date(Math.min(until.getTime(), from.getTime() + CHUNK_MS))
      n += (await rollUpSpan(execute, connectionId, from, to)).length
      from = to
    }
    const q = queues.get(connectionId) ?? emptyQueue()
    const circuit = opts.circuit ? await opts.circuit(connectionId) : null
    await execute(
      `INSERT INTO health_bucket AS b (id, connection_id, bucket_start, latency_bins, queue, circuit) VALUES (?, ?, ?, ?::jsonb, ?::jsonb, ?)
       ON CONFLICT (connection_id, bucket_start) WHERE deleted_at IS NULL DO UPDATE SET queue = EXCLUDED.queue, circuit = EXCLUDED.circuit, updated_at = now()`,
      [generateEntityId(undefined, "ihb"), connectionId, new Date(until.getTime() - BUCKET_MS), JSON.stringify(new Array(LATENCY_BINS_MS.length + 1).fill(0)), JSON.stringify(q), circuit]
    )
    await execute(
      `UPDATE connection_state SET health_rolled_until = GREATEST(COALESCE(health_rolled_until, ?), ?), updated_at = now() WHERE deleted_at IS NULL AND connection_id = ?`,
      [until, until, connectionId]
    )
    written.set(connectionId, n)
  }
  return written
}

async function oldestCall(execute: Execute, connectionId: string): Promise<Date | null> {
  const [row] = await execute<{ at: Date | null }>(
    `SELECT min(created_at) AS at FROM integration_log WHERE connection_id = ? AND direction = 'out' AND deleted_at IS NULL`,
    [connectionId]
  )
  return row?.at ? floorToBucket(new Date(row.at)) : null
}

/**
 * A connection's outbound calls in [from, to) grouped into 5-minute buckets, with the figures a bucket keeps: the
 * roll-up writes these, and the console reads the last ones not rolled up yet the same way. Params: connection, from, to.
 * (`deleted_at IS NULL`: the log's indexes are partial on it, as every index of a Medusa model.)
 */
export const SPAN_BUCKETS_SQL = `SELECT to_timestamp(floor(extract(epoch FROM created_at) / 300) * 300) AS bucket_start,
         count(*) AS calls,
         count(*) FILTER (WHERE status = 'success') AS successes,
         count(*) FILTER (WHERE status = 'error') AS errors,
         count(*) FILTER (WHERE ${VENDOR_ERROR_SQL}) AS vendor_errors,
         count(*) FILTER (WHERE http_status = 429) AS throttled,
         count(*) FILTER (WHERE http_status IN (401, 403)) AS auth_errors,
         COALESCE(sum(duration_ms), 0) AS total, COALESCE(max(duration_ms), 0) AS longest,
         ${binsSql()} AS bins
    FROM integration_log
   WHERE connection_id = ? AND direction = 'out' AND created_at >= ? AND created_at < ? AND deleted_at IS NULL
   GROUP BY 1`

/** One statement: the span's calls grouped into buckets and written whole (the queue snapshot a bucket has is kept). */
function rollUpSpan(execute: Execute, connectionId: string, from: Date, to: Date) {
  return execute<{ id: string }>(
    `INSERT INTO health_bucket AS b (id, connection_id, bucket_start, calls, successes, errors, vendor_errors, throttled, auth_errors,
            duration_ms_total, duration_ms_max, latency_bins)
     SELECT 'ihb_' || md5(? || bucket_start::text), ?, bucket_start, calls, successes, errors, vendor_errors, throttled, auth_errors, total, longest, bins
       FROM (${SPAN_BUCKETS_SQL}) spans
     ON CONFLICT (connection_id, bucket_start) WHERE deleted_at IS NULL DO UPDATE SET
       calls = EXCLUDED.calls, successes = EXCLUDED.successes, errors = EXCLUDED.errors, vendor_errors = EXCLUDED.vendor_errors,
       throttled = EXCLUDED.throttled, auth_errors = EXCLUDED.auth_errors, duration_ms_total = EXCLUDED.duration_ms_total,
       duration_ms_max = EXCLUDED.duration_ms_max, latency_bins = EXCLUDED.latency_bins, updated_at = now()
     RETURNING id`,
    [connectionId, connectionId, connectionId, from, to]
  )
}

/** Buckets older than `before` (the console keeps 13 months), `batch` rows per statement; returns how many went. */
export async function purgeHealthBucketsBefore(execute: Execute, before: Date, batch = 5_000): Promise<number> {
  let total = 0
  for (;;) {
    const rows = await execute(`DELETE FROM health_bucket WHERE id IN (SELECT id FROM health_bucket WHERE bucket_start < ? LIMIT ?) RETURNING id`, [before, batch])
    total += rows.length
    if (rows.length < batch) return total
  }
}
