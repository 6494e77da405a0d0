import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * A fulfillment created or cancelled on an order: the carrier connection chosen for it buys (or voids) its label,
 * as an effect on the order (shown on the order page). Fulfillments of other providers concern no connection.
 */
export default async function orderFulfillmentChangedHandler({ event: { data }, container }: SubscriberArgs<{ order_id: string; fulfillment_id: string }>) {
  await requestEffect(container, { entity_type: "order", entity_id: data.order_id, operation: "ship-labels" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = {
  event: ["order.fulfillment_created", "order.fulfillment_canceled"],
  context: { subscriberId: "integration-hub-order-fulfillment-changed" },
}
