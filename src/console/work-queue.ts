import { generateEntityId } from "@medusajs/framework/utils"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/**
 * Where a record stands in the work queue: "needs_attention" (failed, no retry planned: a person must act),
 * "dead" (out of retries), "paused" (its connection is paused or disabled), "retrying" (a retry is planned: in
 * flight, no one needs to act yet).
 */
export const QUEUE_STATES = ["needs_attention", "dead", "paused", "retrying"] as const
export type QueueState = (typeof QUEUE_STATES)[number]
/** What a person must look at: everything but the retries in flight. */
export const OPEN_STATES: readonly QueueState[] = ["needs_attention", "dead", "paused"]

export type QueueFilter = {
  states?: readonly QueueState[]
  connection_id?: string
  entity_type?: string
  error_code?: string
  /** Only records waiting at least this long. */
  older_than_minutes?: number
  /** One cause group (its key from `groupQueue`). */
  cause?: string
}

/**
 * An error in words with what names one record taken out (order numbers "#1042", Medusa ids): the same cause on
 * 37 orders reads the same 37 times, so they group. Done in SQL so that grouping and filtering by a cause agree.
 */
export const causeSql = (column = "last_error") => `regexp_replace(COALESCE(${column}, ''), '(#[0-9]+|\\m[a-z]+_[0-9A-Z]{26}\\M)', '…', 'g')`
const CAUSE_SQL = causeSql()
const CAUSE_KEY_SQL = `md5(connection_id || '|' || entity_type || '|' || operation || '|' || COALESCE(last_error_code, '') || '|' || ${CAUSE_SQL})`

const STATE_SQL = (paused: string) => `CASE
  WHEN connection_id IN (${paused}) THEN 'paused'
  WHEN status = 'dead' THEN 'dead'
  WHEN status = 'failed' AND next_attempt_at IS NULL THEN 'needs_attention'
  ELSE 'retrying' END`

/** The WHERE of a filter over sync_record (open and in-flight records only, through the status index). */
function where(filter: QueueFilter, pausedIds: string[]): { sql: string; params: unknown[] } {
  const paused = pausedIds.length ? pausedIds.map(() => "?").join(", ") : "NULL"
  const states = filter.states?.length ? filter.states : OPEN_STATES
  const parts = [
    `deleted_at IS NULL`,
    `(status IN ('failed', 'dead')${pausedIds.length ? ` OR (status = 'pending' AND connection_id IN (${paused}))` : ""})`,
    `${STATE_SQL(paused)} IN (${states.map(() => "?").join(", ")})`,
  ]
  // The paused ids twice: in the status test and in the state.
  const params: unknown[] = [...pausedIds, ...pausedIds, ...states]
  if (filter.connection_id) parts.push(`connection_id = ?`), params.push(filter.connection_id)
  if (filter.entity_type) parts.push(`entity_type = ?`), params.push(filter.entity_type)
  if (filter.error_code) parts.push(`last_error_code = ?`), params.push(filter.error_code)
  if (filter.older_than_minutes) parts.push(`COALESCE(failing_since, updated_at) <= now() - (? * interval '1 minute')`), params.push(filter.older_than_minutes)
  if (filter.cause) parts.push(`${CAUSE_KEY_SQL} = ?`), params.push(filter.cause)
  return { sql: parts.join(" AND "), params }
}

export type QueueGroup = {
  cause: string
  connection_id: string
  entity_type: string
  operation: string
  error_code: string | null
  /** The error with the record's own names taken out ("Cannot sync order … to erp: … SKU 'HAT-9' …"). */
  cause_text: string
  count: number
  waiting_since: Date
  /** The newest record of the group, to open as an example. */
  sample_id: string
}

/** The filter's records grouped by cause, the largest group first (at most `limit` groups). */
export async function groupQueue(execute: Execute, filter: QueueFilter, pausedIds: string[], limit = 50): Promise<QueueGroup[]> {
  const w = where(filter, pausedIds)
  const rows = await execute<{ cause: string; connection_id: string; entity_type: string; operation: string; error_code: string | null; cause_text: string; n: string; since: Date; sample_id: string }>(
    `SELECT ${CAUSE_KEY_SQL} AS cause, connection_id, entity_type, operation, last_error_code AS error_code, ${CAUSE_SQL} AS cause_text,
            count(*) AS n, min(COALESCE(failing_since, updated_at)) AS since, (array_agg(id ORDER BY updated_at DESC))[1] AS sample_id
       FROM sync_record WHERE ${w.sql}
      GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY count(*) DESC, min(COALESCE(failing_since, updated_at)) LIMIT ?`,
    [...w.params, limit]
  )
  return rows.map((r) => ({ ...r, count: Number(r.n), waiting_since: new Date(r.since), cause_text: r.cause_text || "(no error recorded: its connection is paused)" }))
}

export type QueueRow = {
  id: string
  connection_id: string
  entity_type: string
  entity_id: string
  operation: string
  state: QueueState
  status: string
  attempts: number
  last_error: string | null
  last_error_code: string | null
  next_attempt_at: Date | null
  waiting_since: Date
  updated_at: Date
}

/** One page of the filter's records, the longest waiting first, and how many there are. */
export async function listQueue(
  execute: Execute,
  filter: QueueFilter,
  pausedIds: string[],
  page: { limit: number; offset?: number }
): Promise<{ rows: QueueRow[]; count: number }> {
  const w = where(filter, pausedIds)
  const paused = pausedIds.length ? pausedIds.map(() => "?").join(", ") : "NULL"
  const [rows, [total]] = await Promise.all([
    execute<QueueRow>(
      `SELECT id, connection_id, entity_type, entity_id, operation, ${STATE_SQL(paused)} AS state, status, attempts, last_error, last_error_code,
              next_attempt_at, COALESCE(failing_since, updated_at) AS waiting_since, updated_at
         FROM sync_record WHERE ${w.sql}
        ORDER BY COALESCE(failing_since, updated_at), id LIMIT ? OFFSET ?`,
      [...pausedIds, ...w.params, page.limit, page.offset ?? 0]
    ),
    execute<{ n: string }>(`SELECT count(*) AS n FROM sync_record WHERE ${w.sql}`, w.params),
  ])
  return { rows, count: Number(total?.n ?? 0) }
}

/** Every record of the filter, a page at a time in id order (keyset on the primary key: no page re-reads the last). */
export async function* eachQueueRow(execute: Execute, filter: QueueFilter, pausedIds: string[], pageSize = 1_000): AsyncGenerator<QueueRow[]> {
  const w = where(filter, pausedIds)
  const paused = pausedIds.length ? pausedIds.map(() => "?").join(", ") : "NULL"
  let after = ""
  for (;;) {
    const rows = await execute<QueueRow>(
      `SELECT id, connection_id, entity_type, entity_id, operation, ${STATE_SQL(paused)} AS state, status, attempts, last_error, last_error_code,
              next_attempt_at, COALESCE(failing_since, updated_at) AS waiting_since, updated_at
         FROM sync_record WHERE ${w.sql} AND id > ? ORDER BY id LIMIT ?`,
      [...pausedIds, ...w.params, after, pageSize]
    )
    if (rows.length) yield rows
    if (rows.length < pageSize) return
    after = rows[rows.length - 1].id
  }
}

/** Ids of the filter's records, oldest waiting first, at most `limit` (for a bulk retry). */
export async function queueIds(execute: Execute, filter: QueueFilter, pausedIds: string[], limit: number): Promise<string[]> {
  const w = where(filter, pausedIds)
  const rows = await execute<{ id: string }>(
    `SELECT id FROM sync_record WHERE ${w.sql} ORDER BY COALESCE(failing_since, updated_at), id LIMIT ?`,
    [...w.params, limit]
  )
  return rows.map((r) => r.id)
}

/**
 * Ignores an open record, with staff's reason: it is skipped ("ignored"), its failed runs count as resolved by a
 * person, and the audit keeps who, when and why. Returns false when the record is not open (synced, running, gone).
 */
export async function ignoreSyncRecord(execute: Execute, id: string, actorId: string | null, reason: string): Promise<boolean> {
  const rows = await execute<{ id: string }>(
    `UPDATE sync_record SET status = 'skipped', skip_code = 'ignored', next_attempt_at = NULL, result_summary = ?, updated_at = now()
      WHERE id = ? AND deleted_at IS NULL AND status IN ('failed', 'dead', 'pending') RETURNING id`,
    [`Ignored${actorId ? ` by ${actorId}` : ""}: ${reason}`, id]
  )
  if (!rows.length) return false
  await execute(
    `INSERT INTO sync_audit (id, sync_record_id, action, actor_id, note) VALUES (?, ?, 'ignore', ?, ?)`,
    [generateEntityId(undefined, "iaud"), id, actorId, reason]
  )
  await execute(
    `UPDATE sync_run SET resolved_at = clock_timestamp(), updated_at = now() WHERE sync_record_id = ? AND status IN ('failed', 'dead', 'deferred') AND resolved_at IS NULL AND deleted_at IS NULL`,
    [id]
  )
  return true
}

export type ResolvedRow = {
  sync_record_id: string
  connection_id: string
  entity_type: string
  entity_id: string
  operation: string
  status: string
  resolved_at: Date
  /** "person": someone retried, edited or ignored it after it failed; "auto": a later run made it good by itself. */
  resolved_by: "person" | "auto"
  actor_id: string | null
  last_failure: string | null
}

/**
 * Records whose failures were made good, newest first: by a person (a retry, an edit or an ignore after the first
 * failure of the run of failures) or by a later run on its own (auto-resolved).
 */
export async function listResolved(execute: Execute, filter: Pick<QueueFilter, "connection_id" | "entity_type">, page: { limit: number; offset?: number }): Promise<ResolvedRow[]> {
  const parts = [`f.status IN ('failed', 'dead')`, `f.resolved_at IS NOT NULL`, `f.deleted_at IS NULL`]
  const params: unknown[] = []
  if (filter.connection_id) parts.push(`r.connection_id = ?`), params.push(filter.connection_id)
  if (filter.entity_type) parts.push(`r.entity_type = ?`), params.push(filter.entity_type)
  // A person resolved it when the run that made it good was theirs (a manual retry) or they ignored it; the actor is
  // whoever acted on it last after it failed (the audit of the retry, the edit or the ignore).
  const rows = await execute<Omit<ResolvedRow, "resolved_by"> & { person: boolean }>(
    `SELECT r.id AS sync_record_id, r.connection_id, r.entity_type, r.entity_id, r.operation, r.status, max(f.resolved_at) AS resolved_at,
            (array_agg(f.error ORDER BY f.created_at DESC))[1] AS last_failure,
            bool_or(EXISTS (SELECT 1 FROM sync_run m WHERE m.sync_record_id = r.id AND m.trigger = 'manual' AND m.created_at > f.created_at AND m.created_at <= f.resolved_at AND m.deleted_at IS NULL)
                    OR EXISTS (SELECT 1 FROM sync_audit i WHERE i.sync_record_id = r.id AND i.action = 'ignore' AND i.created_at >= f.created_at AND i.created_at <= f.resolved_at AND i.deleted_at IS NULL)) AS person,
            (SELECT a.actor_id FROM sync_audit a WHERE a.sync_record_id = r.id AND a.created_at >= min(f.created_at) AND a.deleted_at IS NULL ORDER BY a.created_at DESC LIMIT 1) AS actor_id
       FROM sync_run f
       JOIN sync_record r ON r.id = f.sync_record_id AND r.deleted_at IS NULL
      WHERE ${parts.join(" AND ")}
      GROUP BY r.id ORDER BY max(f.resolved_at) DESC LIMIT ? OFFSET ?`,
    [...params, page.limit, page.offset ?? 0]
  )
  return rows.map(({ person, ...r }) => ({ ...r, resolved_by: person ? "person" : "auto" }))
}
