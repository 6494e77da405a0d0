import type { SubscriberArgs, SubscriberConfig } from "@medusajs/framework"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { requestEffect, START_AFTER_EVENT_MS } from "../sync/engine"

/**
 * A return cancelled: its label is voided by the carrier that bought it. Medusa's cancel-return workflow emits no
 * event of its own; the Order Module emits `order.return.updated` ({ id }) for every change of a return, cancelling
 * included, so only a cancelled return's goes on. The catch-up sweep covers a lost one.
 */
export default async function orderReturnCanceledHandler({ event: { data }, container }: SubscriberArgs<{ id: string }>) {
  const { data: [ret] } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "return", fields: ["id", "status", "order_id", "canceled_at"], filters: { id: data.id } })
  if (!ret?.order_id || (ret.status !== "canceled" && !ret.canceled_at)) return
  await requestEffect(container, { entity_type: "order", entity_id: ret.order_id, operation: "return-labels" }, { startAfterMs: START_AFTER_EVENT_MS })
}

export const config: SubscriberConfig = { event: "order.return.updated", context: { subscriberId: "integration-hub-order-return-canceled" } }
