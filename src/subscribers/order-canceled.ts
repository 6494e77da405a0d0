import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/** Cancels a canceled order's sale in every ERP connection. Idempotent like every subscriber here. */
export default async function orderCanceledHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  await requestEffect(container, { entity_type: "order", entity_id: data.id, operation: "cancel" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "order.canceled", context: { subscriberId: "integration-hub-order-canceled" } }
