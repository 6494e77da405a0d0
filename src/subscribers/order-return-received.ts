import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * Takes the goods of a received return back into every ERP connection's stock. Idempotent: what was received is the
 * record's revision, and each receipt is one ERP return by its stable reference. The money follows Medusa's refund
 * (payment.refunded), credited once by its refund id.
 */
export default async function orderReturnReceivedHandler({ event: { data }, container }: SubscriberArgs<{ order_id: string; return_id: string }>) {
  await requestEffect(container, { entity_type: "order", entity_id: data.order_id, operation: "returns" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "order.return_received", context: { subscriberId: "integration-hub-order-return-received" } }
