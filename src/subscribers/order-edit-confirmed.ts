import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * Carries a confirmed order edit to the order's sale in every ERP connection and to its CRM deal (amount and lines).
 * Idempotent: the edit's content is the records' revision, so the same edit delivered twice runs nothing twice.
 */
export default async function orderEditConfirmedHandler({ event: { data }, container }: SubscriberArgs<{ order_id: string }>) {
  await Promise.all(
    ["edit", "deal"].map((operation) => requestEffect(container, { entity_type: "order", entity_id: data.order_id, operation }, { startAfterMs: START_AFTER_EVENT_MS }))
  )
}

export const config: SubscriberConfig = { event: "order-edit.confirmed", context: { subscriberId: "integration-hub-order-edit-confirmed" } }
