import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/** Sends a new or changed customer to every CRM connection as a contact. Idempotent: the same content runs once. */
export default async function customerChangedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  await requestEffect(container, { entity_type: "customer", entity_id: data.id, operation: "contact" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: ["customer.created", "customer.updated"], context: { subscriberId: "integration-hub-customer-changed" } }
