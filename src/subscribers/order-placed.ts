import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/** Sends a placed order to every ERP connection. Idempotent: a second delivery finds the same sync record. */
export default async function orderPlacedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  await requestEffect(container, { entity_type: "order", entity_id: data.id, operation: "create" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "order.placed", context: { subscriberId: "integration-hub-order-placed" } }
