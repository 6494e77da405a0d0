import { model } from "@medusajs/framework/utils"

/**
 * Each alert and recovery notice the hub sent: when, about which connection, why (its title and words), to whom
 * (the channels and the staff addresses of `alerts.notify`) and which channels took it. No customer data: alert
 * texts are redacted before they are sent.
 */
export const AlertLog = model
  .define("alert_log", {
    id: model.id({ prefix: "ialr" }).primaryKey(),
    connection_id: model.text(),
    /** "failing", "recovered", or the alert's own state (e.g. a payment dispute). */
    state: model.text(),
    title: model.text(),
    description: model.text(),
    /** [{ channel, to }]: the admin feed and each `alerts.notify` address. */
    recipients: model.json(),
    /** The channels that took it ("feed", "email"); empty when none is configured or all failed. */
    reached: model.json(),
    resource_type: model.text().nullable(),
    resource_id: model.text().nullable(),
    /** Sent once: a second send with this key writes no second row. */
    idempotency_key: model.text().nullable(),
  })
  .indexes([
    { on: ["created_at"] },
    { on: ["connection_id", "created_at"] },
    { on: ["idempotency_key"], unique: true, where: "idempotency_key IS NOT NULL AND deleted_at IS NULL" },
  ])
