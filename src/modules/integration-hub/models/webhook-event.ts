import { model } from "@medusajs/framework/utils"

/** An inbound webhook as received: deduplicated on the provider's event id per connection. */
export const WebhookEvent = model
  .define("webhook_event", {
    id: model.id({ prefix: "iwh" }).primaryKey(),
    connection_id: model.text(),
    /** The vendor's id of the event; the same id delivered twice is stored once. */
    provider_event_id: model.text(),
    event_type: model.text().nullable(),
    signature_valid: model.boolean(),
    status: model.enum(["received", "processed", "failed", "rejected"]).default("received"),
    /** Redacted payload. */
    payload: model.json().nullable(),
    error: model.text().nullable(),
    processed_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["connection_id", "provider_event_id"], unique: true, where: "deleted_at IS NULL" },
  ])
