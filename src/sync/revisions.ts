/** What each repeating effect's content is (its revision): a hash of what it would send, read for many entities at once. */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createHash } from "node:crypto"
import { readAndShare } from "../lib/shared-reads"
import { graphReadKey } from "../workflows/read-order"
import { HUB_FULFILLMENT_PROVIDER, madeFromErpShipment, OrderForLabels } from "../workflows/create-shipment-labels/plan"
import { moneyMovesOf, OrderForPayments } from "../workflows/record-payments-in-erp"
import { contactRevision, CUSTOMER_FIELDS_FOR_CRM, CustomerForCrm } from "../workflows/sync-customer-to-crm/contact"
import { dealOf, ORDER_FIELDS_FOR_CRM, OrderForCrm } from "../workflows/sync-order-to-crm/deal"
import { ORDER_FIELDS_FOR_ERP } from "../workflows/sync-order-to-erp"
import { hubOf } from "./hub"

const hash = (value: unknown) => createHash("sha256").update(JSON.stringify(value)).digest("hex")

/**
 * These orders with these fields; a one-order read is shared with the run that sends what the revision hashes
 * (lib/shared-reads: the sync's own read step takes it), so an event reads its order once per effect, not twice.
 */
async function ordersWith<T>(container: MedusaContainer, fields: string[], orderIds: string[]): Promise<T[]> {
  const read = async () => (await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields, filters: { id: orderIds } })).data as unknown as T[]
  return orderIds.length === 1 ? readAndShare(graphReadKey("order", fields, orderIds[0]), read) : read()
}

/** A fulfillment the hub ships: made by its fulfillment provider, naming a connection. */
export const isHubFulfillment = (f: { provider_id?: unknown; data?: unknown; metadata?: unknown }) =>
  !madeFromErpShipment(f) && typeof f.provider_id === "string" && f.provider_id.startsWith(`${HUB_FULFILLMENT_PROVIDER}_`) && typeof (f.data as { connection_id?: unknown } | null)?.connection_id === "string"

/** The order's fulfillments the hub ships: id, connection, cancelled or not (what the label effect acts on). */
export async function hubFulfillmentsOf(container: MedusaContainer, orderId: string): Promise<Array<{ id: string; connection_id: string; canceled: boolean }>> {
  return (await hubFulfillmentsOfOrders(container, [orderId])).get(orderId) ?? []
}

/** The hub's fulfillments of each order, read at once. */
async function hubFulfillmentsOfOrders(container: MedusaContainer, orderIds: string[]) {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "order", fields: ["id", "fulfillments.id", "fulfillments.provider_id", "fulfillments.data", "fulfillments.metadata", "fulfillments.canceled_at"], filters: { id: orderIds },
  })
  return new Map(
    (data as unknown as Array<OrderForLabels & { id: string }>).map((order) => [
      order.id,
      (order.fulfillments ?? [])
        .filter((f): f is NonNullable<typeof f> => !!f)
        .filter(isHubFulfillment)
        .map((f) => ({ id: f.id, connection_id: String(f.data!.connection_id), canceled: !!f.canceled_at }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    ])
  )
}

/** A one-entity revision from a many-entity one. */
export function oneOf(revisions: (container: MedusaContainer, ids: string[]) => Promise<Map<string, string>>) {
  return async (container: MedusaContainer, id: string) => (await revisions(container, [id])).get(id)!
}

/** The labels' content of each order: its hub fulfillments, and whether each is cancelled. */
export async function labelRevisions(container: MedusaContainer, orderIds: string[]): Promise<Map<string, string>> {
  const byOrder = await hubFulfillmentsOfOrders(container, orderIds)
  return new Map(orderIds.map((id) => [id, createHash("sha256").update(JSON.stringify(byOrder.get(id) ?? [])).digest("hex")]))
}

/** The contact's content of each customer (name, phone, e-mail, company). */
export async function contactRevisions(container: MedusaContainer, customerIds: string[]): Promise<Map<string, string>> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "customer", fields: CUSTOMER_FIELDS_FOR_CRM, filters: { id: customerIds } })
  const byId = new Map((data as unknown as CustomerForCrm[]).map((c) => [c.id, c]))
  return new Map(customerIds.map((id) => [id, contactRevision(byId.get(id))]))
}

/** The deal's content of each order: its stage, amount and lines (an order edit changes them). */
export async function dealRevisions(container: MedusaContainer, orderIds: string[]): Promise<Map<string, string>> {
  const byId = new Map((await ordersWith<OrderForCrm>(container, ORDER_FIELDS_FOR_CRM, orderIds)).map((o) => [o.id, o]))
  return new Map(orderIds.map((id) => {
    const order = byId.get(id)
    const deal = order ? dealOf(order, "", null) : null
    return [id, hash(deal ? [deal.state, deal.amount, deal.lines] : null)]
  }))
}

/**
 * The content of an order's money effect: its captures (or refunds), so that each new one runs the effect again.
 * One revision serves every connection: its days are in the store's zone (a connection with a zone of its own gets
 * its days from the workflow; a capture or refund added changes the revision either way).
 */
export async function moneyRevision(container: MedusaContainer, orderId: string, fields: string[], kind: "captures" | "refunds"): Promise<string> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields, filters: { id: orderId } })
  const moves = data[0] ? moneyMovesOf(data[0] as unknown as OrderForPayments, kind, hubOf(container).pluginOptions.timeZone) : []
  return createHash("sha256").update(JSON.stringify(moves)).digest("hex")
}


/** What of an order its ERP sale carries: the items, shipping and total, the e-mail and both addresses (as content, not rows). */
export async function saleContentRevisions(container: MedusaContainer, orderIds: string[]): Promise<Map<string, string>> {
  const byId = new Map((await ordersWith<Record<string, unknown> & { id: string }>(container, ORDER_FIELDS_FOR_ERP, orderIds)).map((o) => [o.id, o]))
  // An edited address is a new row (new id, new timestamps): only what it says counts.
  const content = ({ id: _id, created_at: _c, updated_at: _u, deleted_at: _d, metadata: _m, ...address }: Record<string, unknown>) => address
  return new Map(orderIds.map((id) => {
    const o = byId.get(id)
    if (!o) return [id, hash(null)]
    const { status: _s, created_at: _c, shipping_address, billing_address, ...rest } = o
    return [id, hash([rest, shipping_address ? content(shipping_address as Record<string, unknown>) : null, billing_address ? content(billing_address as Record<string, unknown>) : null])]
  }))
}

/** What of each order's returns its ERP takes back: the units received of each item, per return. */
export async function receivedGoodsRevisions(container: MedusaContainer, orderIds: string[]): Promise<Map<string, string>> {
  // Read as returns: through the order, query.graph leaves out their items' quantities.
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "return", fields: ["id", "order_id", "items.item_id", "items.received_quantity"], filters: { order_id: orderIds },
  })
  type Row = { id: string; order_id: string; items?: Array<{ item_id: string; received_quantity?: unknown } | null> | null }
  const received = new Map<string, Array<readonly [string, Array<readonly [string, number]>]>>()
  for (const r of data as unknown as Row[]) {
    const items = (r.items ?? []).filter((i): i is NonNullable<typeof i> => !!i).map((i) => [i.item_id, Number(i.received_quantity ?? 0)] as const).filter(([, q]) => q > 0).sort()
    if (items.length) received.set(r.order_id, [...(received.get(r.order_id) ?? []), [r.id, items] as const])
  }
  return new Map(orderIds.map((id) => [id, hash((received.get(id) ?? []).sort(([a], [b]) => a.localeCompare(b)))]))
}

/** The return labels' content of each order: its returns, the status of each and whether it is cancelled. */
export async function returnLabelRevisions(container: MedusaContainer, orderIds: string[]): Promise<Map<string, string>> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "return", fields: ["id", "order_id", "status", "canceled_at"], filters: { order_id: orderIds },
  })
  type Row = { id: string; order_id: string; status: string; canceled_at?: unknown }
  const byOrder = new Map<string, Array<readonly [string, string, boolean]>>()
  for (const r of data as unknown as Row[]) byOrder.set(r.order_id, [...(byOrder.get(r.order_id) ?? []), [r.id, r.status, !!r.canceled_at] as const])
  return new Map(orderIds.map((id) => [id, hash((byOrder.get(id) ?? []).sort(([a], [b]) => a.localeCompare(b)))]))
}
