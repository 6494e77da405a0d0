import { model } from "@medusajs/framework/utils"

/**
 * A connection's health over one 5-minute span, rolled up from the call log (outbound calls) and a snapshot of its
 * queue when the span was rolled up. The console's charts, availability and the health report read these, never the
 * call log itself; they are kept 13 months (the log only `logRetentionDays`).
 */
export const HealthBucket = model
  .define("health_bucket", {
    id: model.id({ prefix: "ihb" }).primaryKey(),
    connection_id: model.text(),
    /** Start of the span (a multiple of 5 minutes, UTC). */
    bucket_start: model.dateTime(),
    calls: model.number().default(0),
    successes: model.number().default(0),
    errors: model.number().default(0),
    /** Errors that were the vendor's (no answer, timeouts, 408, 425, 429, 5xx), not the data's. */
    vendor_errors: model.number().default(0),
    /** Answers 429 (rate limited). */
    throttled: model.number().default(0),
    /** Answers 401 or 403: the credentials were refused. */
    auth_errors: model.number().default(0),
    duration_ms_total: model.number().default(0),
    duration_ms_max: model.number().default(0),
    /** Calls per latency bin (LATENCY_BINS_MS upper bounds, the last bin unbounded). */
    latency_bins: model.json(),
    /** The queue when the span was rolled up: { pending, running, retrying, needs_attention, dead, oldest_waiting_at }. */
    queue: model.json().nullable(),
    /** The circuit breaker's state when the span was rolled up. */
    circuit: model.text().nullable(),
  })
  .indexes([{ on: ["connection_id", "bucket_start"], unique: true, where: "deleted_at IS NULL" }])
