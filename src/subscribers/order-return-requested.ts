import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * A return requested on an order: the carrier connection that shipped the order buys its return label, as an effect
 * on the order. Idempotent: the order's returns are the record's revision, and each return has one label by its
 * reference. Medusa emits no event when a return is cancelled: the catch-up sweep voids its label.
 */
export default async function orderReturnRequestedHandler({ event: { data }, container }: SubscriberArgs<{ order_id: string; return_id: string }>) {
  await requestEffect(container, { entity_type: "order", entity_id: data.order_id, operation: "return-labels" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "order.return_requested", context: { subscriberId: "integration-hub-order-return-requested" } }
