import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * An exchange or a claim confirmed: every ERP connection gets a sale of what it sends out, the carrier that shipped
 * the order a label for its return, and the CRM deal its new amount. Idempotent: what the order's exchanges and
 * claims send out is the records' revision, and each has one sale by its reference. Medusa emits no event when one
 * is cancelled: the catch-up sweep cancels its sale.
 */
export default async function orderExchangeOrClaimCreatedHandler({ event: { data }, container }: SubscriberArgs<{ order_id: string }>) {
  await Promise.all(
    ["exchanges", "return-labels", "deal"].map((operation) => requestEffect(container, { entity_type: "order", entity_id: data.order_id, operation }, { startAfterMs: START_AFTER_EVENT_MS }))
  )
}

export const config: SubscriberConfig = {
  event: ["order.exchange_created", "order.claim_created"],
  context: { subscriberId: "integration-hub-order-exchange-or-claim-created" },
}
