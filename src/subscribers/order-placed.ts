import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/** Sends a placed order to every ERP connection, and to every CRM connection as a deal. Idempotent: a second delivery finds the same sync records. */
export default async function orderPlacedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  await Promise.all(
    ["create", "deal"].map((operation) => requestEffect(container, { entity_type: "order", entity_id: data.id, operation }, { startAfterMs: START_AFTER_EVENT_MS }))
  )
}

export const config: SubscriberConfig = { event: "order.placed", context: { subscriberId: "integration-hub-order-placed" } }
