import { model } from "@medusajs/framework/utils"

export const WEBHOOK_STATUSES = ["received", "processed", "failed", "dead", "ignored", "rejected"] as const
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number]

/** An inbound webhook delivery: accepted events are stored once per vendor event id; rejections keep no payload. */
export const WebhookEvent = model
  .define("webhook_event", {
    id: model.id({ prefix: "iwh" }).primaryKey(),
    connection_id: model.text(),
    /** The vendor's id of the event; null for a rejected delivery (nothing in it can be trusted). */
    provider_event_id: model.text().nullable(),
    event_type: model.text().nullable(),
    signature_valid: model.boolean(),
    status: model.enum([...WEBHOOK_STATUSES]).default("received"),
    /** The event's data as the provider parsed it (what processing needs); null for rejections (a more_rejected row: its count). */
    payload: model.json().nullable(),
    /** SHA-256 and size of the raw body, kept for every delivery, rejected ones included. */
    payload_hash: model.text(),
    payload_size: model.number(),
    /**
     * Why it was rejected (bad_signature, missing_signature, timestamp_out_of_tolerance, malformed, too_large), or
     * more_rejected: the one row counting a minute's rejections beyond webhooks.maxRejectionsPerMinute.
     */
    rejection_reason: model.text().nullable(),
    occurred_at: model.dateTime().nullable(),
    /** The Medusa record it touched, once known. */
    entity_type: model.text().nullable(),
    entity_id: model.text().nullable(),
    /** The durable record that processes it. */
    sync_record_id: model.text().nullable(),
    error: model.text().nullable(),
    processed_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["connection_id", "provider_event_id"], unique: true, where: "deleted_at IS NULL" },
    { on: ["connection_id", "status", "created_at"], where: "deleted_at IS NULL" },
    { on: ["entity_type", "entity_id"], where: "deleted_at IS NULL AND entity_id IS NOT NULL" },
    // The daily purge of rejected deliveries (logRetentionDays).
    { name: "IDX_webhook_event_rejected_created_at", on: ["created_at"], where: "status = 'rejected' AND deleted_at IS NULL" },
    // The console's webhook events, newest first across connections.
    { on: ["created_at"] },
  ])
