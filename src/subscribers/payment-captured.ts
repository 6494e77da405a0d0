import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"
import { orderOfPayment } from "../sync/order-of-payment"

/**
 * Records a captured payment in every ERP connection, as an effect on its order (shown on the order page).
 * Idempotent: each capture is registered once, however often the event comes.
 */
export default async function paymentCapturedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  const orderId = await orderOfPayment(container, data.id)
  if (!orderId) return
  await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "record-payments" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "payment.captured", context: { subscriberId: "integration-hub-payment-captured" } }
