import { generateEntityId } from "@medusajs/framework/utils"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/** One rejected delivery: why, and the body's hash and size (never the body itself). */
export type WebhookRejection = {
  connection_id: string
  reason: string
  message: string
  /** SHA-256 of the raw body; "" when the body was not read (over webhooks.maxBodyBytes). */
  payload_hash: string
  payload_size: number
  signature_valid: boolean
}

/** The words of the row that counts a minute's rejections beyond the cap: format() arguments are the count, the minute, the zone. */
const MORE_REJECTED =
  "and %s more rejected since %s (%s), not recorded one by one: at most %s rejected deliveries a minute are recorded per connection (webhooks.maxRejectionsPerMinute); each was answered as usual"

/**
 * Records a rejected delivery, at most `perMinute` a minute per connection: the count lives in the connection's
 * `connection_state` row, and one statement counts, then either writes the delivery's row or adds one to the minute's
 * `more_rejected` row ("and 57 more rejected since 14:03"). The counter's row lock orders concurrent rejections, so
 * every instance counts in the same place and no minute records more than `perMinute`. Returns the row written, or
 * null when the delivery was only counted (then nothing else about it should be written either).
 */
export async function recordWebhookRejection(execute: Execute, input: WebhookRejection, opts: { perMinute: number; timeZone: string }): Promise<string | null> {
  const id = generateEntityId(undefined, "iwh")
  const [row] = await execute<{ recorded: string | null }>(
    `WITH counted AS (
       INSERT INTO connection_state AS s (id, connection_id, first_enabled_at, rejections_window_at, rejections_in_window)
       VALUES (?, ?, now(), date_trunc('minute', now()), 1)
       ON CONFLICT (connection_id) WHERE deleted_at IS NULL DO UPDATE SET
         rejections_in_window = CASE WHEN s.rejections_window_at = date_trunc('minute', now()) THEN s.rejections_in_window + 1 ELSE 1 END,
         rejections_window_at = date_trunc('minute', now()),
         updated_at = now()
       RETURNING rejections_in_window AS n, rejections_window_at AS window_at
     ), one AS (
       INSERT INTO webhook_event (id, connection_id, provider_event_id, signature_valid, status, payload_hash, payload_size, rejection_reason, error)
       SELECT ?, ?, NULL, ?, 'rejected', ?, ?, ?, ? FROM counted WHERE n <= ?
       RETURNING id
     ), more AS (
       INSERT INTO webhook_event AS w (id, connection_id, provider_event_id, signature_valid, status, payload_hash, payload_size, rejection_reason, payload, error)
       SELECT 'iwh_more_' || to_char(window_at AT TIME ZONE 'UTC', 'YYYYMMDDHH24MI') || '_' || ?, ?, NULL, false, 'rejected', '', 0, 'more_rejected',
              jsonb_build_object('more', 1, 'since', to_char(window_at AT TIME ZONE ?, 'HH24:MI')),
              format(?, 1, to_char(window_at AT TIME ZONE ?, 'HH24:MI'), ?, ?)
         FROM counted WHERE n > ?
       ON CONFLICT (id) DO UPDATE SET
         payload = jsonb_set(w.payload, '{more}', to_jsonb((w.payload->>'more')::int + 1)),
         error = format(?, (w.payload->>'more')::int + 1, w.payload->>'since', ?, ?),
         updated_at = now()
       RETURNING id
     )
     SELECT (SELECT id FROM one) AS recorded FROM counted`,
    [
      generateEntityId(undefined, "icst"), input.connection_id,
      id, input.connection_id, input.signature_valid, input.payload_hash, input.payload_size, input.reason, input.message, opts.perMinute,
      input.connection_id, input.connection_id, opts.timeZone, MORE_REJECTED, opts.timeZone, opts.timeZone, opts.perMinute, opts.perMinute,
      MORE_REJECTED, opts.timeZone, opts.perMinute,
    ]
  )
  return row?.recorded ?? null
}

/** Deletes rejected deliveries (and the rows counting them) older than `before`, `batch` rows per statement; returns how many went. */
export async function purgeRejectedWebhooksBefore(execute: Execute, before: Date, batch: number): Promise<number> {
  let total = 0
  for (;;) {
    const rows = await execute<{ id: string }>(
      `DELETE FROM webhook_event WHERE id IN (
         SELECT id FROM webhook_event WHERE status = 'rejected' AND deleted_at IS NULL AND created_at < ? LIMIT ?
       ) RETURNING id`,
      [before, batch]
    )
    total += rows.length
    if (rows.length < batch) return total
  }
}
