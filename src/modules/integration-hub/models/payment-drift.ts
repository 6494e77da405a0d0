import { model } from "@medusajs/framework/utils"

export const DRIFT_FIELDS = ["status", "captured_amount", "refunded_amount", "currency", "missing_at_gateway"] as const
export type DriftField = (typeof DRIFT_FIELDS)[number]

/**
 * One disagreement between Medusa and a payment gateway about one payment (the gateway owns payment state): open
 * while the daily check still finds it, resolved once the two agree again. Nothing in Medusa or at the gateway is
 * changed because of it; staff decide.
 */
export const PaymentDrift = model
  .define("payment_drift", {
    id: model.id({ prefix: "idrift" }).primaryKey(),
    connection_id: model.text(),
    /** Medusa's payment. */
    payment_id: model.text(),
    /** The order the payment belongs to, when it belongs to one. */
    order_id: model.text().nullable(),
    /** The gateway's id of the payment (e.g. Stripe's PaymentIntent). */
    gateway_payment_id: model.text(),
    field: model.enum([...DRIFT_FIELDS]),
    /** Medusa's value as text: a decimal amount, a status, a currency code. */
    medusa_value: model.text(),
    /** The gateway's value as text; null when the gateway does not know the payment. */
    gateway_value: model.text().nullable(),
    detected_at: model.dateTime(),
    /** The last check that still found it. */
    last_seen_at: model.dateTime(),
    resolved_at: model.dateTime().nullable(),
    note: model.text().nullable(),
  })
  .indexes([
    { on: ["connection_id", "payment_id", "field"], unique: true, where: "resolved_at IS NULL AND deleted_at IS NULL" },
    { on: ["resolved_at", "detected_at"], where: "deleted_at IS NULL" },
  ])
