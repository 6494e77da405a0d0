import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"
import { orderOfPayment } from "../sync/order-of-payment"

/**
 * Credits a refund in every ERP connection, as an effect on its order (shown on the order page), and lowers the
 * amount of its CRM deal. Idempotent: each refund is credited once, by its Medusa refund id, however often and in whatever order the events come.
 */
export default async function paymentRefundedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  const orderId = await orderOfPayment(container, data.id)
  if (!orderId) return
  await Promise.all(
    ["record-refunds", "deal"].map((operation) => requestEffect(container, { entity_type: "order", entity_id: orderId, operation }, { startAfterMs: START_AFTER_EVENT_MS }))
  )
}

export const config: SubscriberConfig = { event: "payment.refunded", context: { subscriberId: "integration-hub-payment-refunded" } }
