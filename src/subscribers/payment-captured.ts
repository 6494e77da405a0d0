import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * Records a captured payment in every ERP connection, as an effect on its order (shown on the order page).
 * Idempotent: each capture is registered once, however often the event comes.
 */
export default async function paymentCapturedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: [payment] } = await query.graph({ entity: "payment", fields: ["payment_collection_id"], filters: { id: data.id } })
  if (!payment?.payment_collection_id) return
  const { data: [link] } = await query.graph({ entity: "order_payment_collection", fields: ["order_id"], filters: { payment_collection_id: payment.payment_collection_id } })
  if (!link?.order_id) return // a payment of something other than an order
  await requestEffect(container, { entity_type: "order", entity_id: link.order_id, operation: "record-payments" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "payment.captured", context: { subscriberId: "integration-hub-payment-captured" } }
