import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * Carries an order's changed e-mail or address to its sale in every ERP connection. Idempotent, and an update that
 * changes nothing the sale carries (its metadata, say) leaves the sale's content, so nothing runs.
 */
export default async function orderUpdatedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  await requestEffect(container, { entity_type: "order", entity_id: data.id, operation: "edit" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "order.updated", context: { subscriberId: "integration-hub-order-updated" } }
