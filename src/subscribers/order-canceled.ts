import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/** Cancels a canceled order's sale in every ERP connection and moves its CRM deal to the canceled stage. Idempotent like every subscriber here. */
export default async function orderCanceledHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  await Promise.all(
    ["cancel", "deal"].map((operation) => requestEffect(container, { entity_type: "order", entity_id: data.id, operation }, { startAfterMs: START_AFTER_EVENT_MS }))
  )
}

export const config: SubscriberConfig = { event: "order.canceled", context: { subscriberId: "integration-hub-order-canceled" } }
