/** The delivery effect: the lines of each fulfillment Medusa shipped leave through the ERP's shipment of the sale. */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createHash } from "node:crypto"
import { SyncSkipped } from "../lib/errors"
import { timeZoneOf } from "../modules/integration-hub/options"
import { recordDeliveriesInErpWorkflow } from "../workflows/record-deliveries-in-erp"
import { hubOf } from "./hub"
import type { SyncOperation } from "./operations"
import { oneOf } from "./revisions"

type Row = { id: string; fulfillments?: Array<{ id: string; shipped_at?: unknown; canceled_at?: unknown } | null> | null }

/** The fulfillments of each order Medusa marked shipped (and did not cancel): a new one is new content. */
export async function deliveryRevisions(container: MedusaContainer, orderIds: string[]): Promise<Map<string, string>> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "order", fields: ["id", "fulfillments.id", "fulfillments.shipped_at", "fulfillments.canceled_at"], filters: { id: orderIds },
  })
  const shipped = new Map((data as unknown as Row[]).map((o) => [o.id, (o.fulfillments ?? []).filter((f) => f?.shipped_at && !f.canceled_at).map((f) => f!.id).sort()]))
  const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex")
  return new Map(orderIds.map((id) => [id, hash(shipped.get(id) ?? [])]))
}

export const deliveriesOperation: SyncOperation = {
  kind: "erp",
  effectKey: (id) => `order:${id}:deliveries`,
  externalRef: () => null,
  externalType: "shipment",
  // A fulfillment marked shipped is new content: the effect runs again and ships its lines in the ERP.
  revision: oneOf(deliveryRevisions),
  revisions: deliveryRevisions,
  // Stores whose ERP ships (fulfilment "erp") tell Medusa what left, not the other way round.
  serves: (connection) => connection.fulfilment !== "erp",
  // A shipment whose event was lost: the fulfillments Medusa marked shipped say which orders to look at.
  sweep: {
    entity: "fulfillment",
    fields: ["shipped_at", "canceled_at", "order.id"],
    wants: (f) => !!f.shipped_at && !f.canceled_at && !!(f.order as { id?: string } | null)?.id,
    entityId: (f) => (f.order as { id: string }).id,
  },
  run: async (container, i) =>
    i.shadow
      ? { errors: [{ error: new SyncSkipped("shadow mode: the shipped goods were not sent", "shadow") }] }
      : recordDeliveriesInErpWorkflow(container).run({
          input: { connection_id: i.connection_id, order_id: i.entity_id, sync_record_id: i.sync_record_id, time_zone: timeZoneOf(hubOf(container).pluginOptions, hubOf(container).getConnection(i.connection_id)) },
          throwOnError: false,
        }),
}
