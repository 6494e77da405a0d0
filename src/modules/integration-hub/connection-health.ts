import { generateEntityId } from "@medusajs/framework/utils"
import { emptyQueue, QueueSnapshot, readQueues, VENDOR_ERROR_SQL } from "./health-rollup"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/** A connection's health as its tables tell it (the circuit and rate limit come from its guard). */
export type ConnectionHealthRow = {
  calls: { last_hour: number; errors_last_hour: number; last_day: number; errors_last_day: number; last_call_at: Date | null; last_success_at: Date | null }
  /** The last 15 minutes' calls, for the status (credentials refused, down). */
  recent: { calls: number; successes: number; vendor_errors: number; auth_errors: number; throttled: number }
  vendor_errors_last_hour: number
  /** Records waiting, by state: "retrying" has a retry scheduled, "needs_attention" waits for a person. */
  queue: QueueSnapshot
  syncs: { consecutive_failures: number; last_success_at: Date | null; last_failure_at: Date | null; alert_open_since: Date | null }
}

/**
 * Counts one run's outcome in the connection's durable streaks and says when an alert is due ("alert": the
 * failures in a row reached `threshold` and none is open) or may be lifted ("recover": as many successes in a
 * row). Each transition is claimed by one conditional update, so it happens once across instances.
 */
export async function recordConnectionOutcome(execute: Execute, connectionId: string, failed: boolean, threshold: number): Promise<"alert" | "recover" | null> {
  const [state] = await execute<{ consecutive_failures: number; consecutive_successes: number; alerted_at: Date | null }>(
    `INSERT INTO connection_state AS s (id, connection_id, first_enabled_at, consecutive_failures, consecutive_successes, last_failure_at, last_success_at)
     VALUES (?, ?, now(), ?, ?, CASE WHEN ? THEN now() END, CASE WHEN ? THEN NULL ELSE now() END)
     ON CONFLICT (connection_id) WHERE deleted_at IS NULL DO UPDATE SET
       consecutive_failures = CASE WHEN ? THEN s.consecutive_failures + 1 ELSE 0 END,
       consecutive_successes = CASE WHEN ? THEN 0 ELSE s.consecutive_successes + 1 END,
       last_failure_at = CASE WHEN ? THEN now() ELSE s.last_failure_at END,
       last_success_at = CASE WHEN ? THEN s.last_success_at ELSE now() END,
       updated_at = now()
     RETURNING consecutive_failures, consecutive_successes, alerted_at`,
    [generateEntityId(undefined, "icst"), connectionId, failed ? 1 : 0, failed ? 0 : 1, failed, failed, failed, failed, failed, failed]
  )
  const flip = async (sql: string) => (await execute(sql, [connectionId])).length > 0
  if (failed && !state.alerted_at && state.consecutive_failures >= threshold) {
    const claimed = await flip(`UPDATE connection_state SET alerted_at = now() WHERE connection_id = ? AND deleted_at IS NULL AND alerted_at IS NULL RETURNING id`)
    return claimed ? "alert" : null
  }
  if (!failed && state.alerted_at && state.consecutive_successes >= threshold) {
    const claimed = await flip(`UPDATE connection_state SET alerted_at = NULL WHERE connection_id = ? AND deleted_at IS NULL AND alerted_at IS NOT NULL RETURNING id`)
    return claimed ? "recover" : null
  }
  return null
}

/**
 * What the connections API shows per connection: calls and errors over the last hour and day (from the
 * call log, and the last 15 minutes' for the status), the records waiting by state with the oldest's age, and the
 * durable alert state. Grouped reads over indexes, whatever the size.
 */
export async function readConnectionHealth(execute: Execute): Promise<Map<string, ConnectionHealthRow>> {
  const [calls, queue, states] = await Promise.all([
    execute<Record<"calls_1h" | "errors_1h" | "vendor_errors_1h" | "calls_24h" | "errors_24h" | "calls_15m" | "successes_15m" | "vendor_errors_15m" | "auth_errors_15m" | "throttled_15m", string> & { connection_id: string; last_success_at: Date | null; last_call_at: Date | null }>(
      `SELECT connection_id,
              count(*) FILTER (WHERE created_at > now() - interval '1 hour') AS calls_1h,
              count(*) FILTER (WHERE created_at > now() - interval '1 hour' AND status = 'error') AS errors_1h,
              count(*) FILTER (WHERE created_at > now() - interval '1 hour' AND ${VENDOR_ERROR_SQL}) AS vendor_errors_1h,
              count(*) FILTER (WHERE created_at > now() - interval '15 minutes') AS calls_15m,
              count(*) FILTER (WHERE created_at > now() - interval '15 minutes' AND status = 'success') AS successes_15m,
              count(*) FILTER (WHERE created_at > now() - interval '15 minutes' AND ${VENDOR_ERROR_SQL}) AS vendor_errors_15m,
              count(*) FILTER (WHERE created_at > now() - interval '15 minutes' AND http_status IN (401, 403)) AS auth_errors_15m,
              count(*) FILTER (WHERE created_at > now() - interval '15 minutes' AND http_status = 429) AS throttled_15m,
              count(*) AS calls_24h,
              count(*) FILTER (WHERE status = 'error') AS errors_24h,
              max(created_at) FILTER (WHERE status = 'success') AS last_success_at,
              max(created_at) AS last_call_at
         FROM integration_log
        WHERE direction = 'out' AND created_at > now() - interval '24 hours' AND deleted_at IS NULL
        GROUP BY connection_id`,
      []
    ),
    readQueues(execute),
    execute<{ connection_id: string; consecutive_failures: number; alerted_at: Date | null; last_success_at: Date | null; last_failure_at: Date | null }>(
      `SELECT connection_id, consecutive_failures, alerted_at, last_success_at, last_failure_at FROM connection_state WHERE deleted_at IS NULL`,
      []
    ),
  ])
  const rows = new Map<string, ConnectionHealthRow>()
  const row = (id: string) => {
    let r = rows.get(id)
    if (!r) {
      r = {
        calls: { last_hour: 0, errors_last_hour: 0, last_day: 0, errors_last_day: 0, last_call_at: null, last_success_at: null },
        recent: { calls: 0, successes: 0, vendor_errors: 0, auth_errors: 0, throttled: 0 },
        vendor_errors_last_hour: 0,
        queue: emptyQueue(),
        syncs: { consecutive_failures: 0, last_success_at: null, last_failure_at: null, alert_open_since: null },
      }
      rows.set(id, r)
    }
    return r
  }
  for (const c of calls) {
    const r = row(c.connection_id)
    r.calls = {
      last_hour: Number(c.calls_1h), errors_last_hour: Number(c.errors_1h), last_day: Number(c.calls_24h),
      errors_last_day: Number(c.errors_24h), last_call_at: c.last_call_at, last_success_at: c.last_success_at,
    }
    r.recent = {
      calls: Number(c.calls_15m), successes: Number(c.successes_15m), vendor_errors: Number(c.vendor_errors_15m),
      auth_errors: Number(c.auth_errors_15m), throttled: Number(c.throttled_15m),
    }
    r.vendor_errors_last_hour = Number(c.vendor_errors_1h)
  }
  for (const [id, q] of queue) row(id).queue = q
  for (const st of states) {
    row(st.connection_id).syncs = {
      consecutive_failures: st.consecutive_failures, last_success_at: st.last_success_at, last_failure_at: st.last_failure_at, alert_open_since: st.alerted_at,
    }
  }
  return rows
}
