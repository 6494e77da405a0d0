import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * A fulfillment Medusa marked shipped: its lines leave through every ERP connection's shipment of the sale (those
 * whose warehouse does not ship itself), as an effect on the order. Idempotent: the shipped fulfillments are the
 * record's revision, and each is one ERP delivery by its stable reference.
 */
export default async function shipmentCreatedHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  const { data: rows } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "fulfillment", fields: ["id", "order.id"], filters: { id: data.id } })
  const orderId = (rows[0] as { order?: { id?: string } | null } | undefined)?.order?.id
  // A fulfillment of no order (a return's, a draft's) ships nothing of a sale.
  if (!orderId) return
  await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "deliveries" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "shipment.created", context: { subscriberId: "integration-hub-shipment-created" } }
