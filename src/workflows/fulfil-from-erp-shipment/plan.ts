import { IntegrationError, SyncSkipped } from "../../lib/errors"
import type { ErpShipment } from "../../providers/types"
import { toNumber } from "../sync-order-to-erp/order-mapper"

type Quantity = number | string | { value: string | number } | null | undefined

/** What the workflow reads of an order: its items with what is fulfilled of each, and its fulfillments. */
export const ORDER_FIELDS_FOR_ERP_FULFILMENT = [
  "id", "display_id", "status",
  "items.id", "items.title", "items.variant_sku", "items.quantity", "items.detail.quantity", "items.detail.fulfilled_quantity",
  "fulfillments.id", "fulfillments.metadata", "fulfillments.shipped_at", "fulfillments.canceled_at",
]

export type OrderForErpFulfilment = {
  id: string
  display_id?: number | null
  status: string
  items?: Array<{ id: string; title?: string | null; variant_sku?: string | null; quantity?: Quantity; detail?: { quantity?: Quantity; fulfilled_quantity?: Quantity } | null } | null> | null
  fulfillments?: Array<{ id: string; metadata?: Record<string, unknown> | null; shipped_at?: unknown; canceled_at?: unknown } | null> | null
}

/** The key a fulfillment made from an ERP shipment carries in its metadata (`integration_hub.erp_shipment`). */
export const erpShipmentKey = (connectionId: string, shipmentId: string) => `${connectionId}:${shipmentId}`

export type ErpFulfilmentPlan = {
  number: string
  /** A fulfillment already made from this shipment (a run that stopped after making it): only its shipment is left. */
  existing: { id: string } | null
  items: Array<{ id: string; quantity: number }>
  /** What the summary says of lines Medusa had already fulfilled (by staff, or an earlier shipment). */
  notes: string[]
}

/**
 * Which of the order's items the ERP's shipment fulfils: each shipped SKU against the items of that SKU with units
 * still unfulfilled. A SKU the order does not have is refused, naming the order and the SKU; units Medusa already
 * fulfilled are not fulfilled twice (said in the summary). Pure: no I/O.
 */
export function planErpFulfilment(order: OrderForErpFulfilment, shipment: ErpShipment, connectionId: string): ErpFulfilmentPlan {
  const number = String(order.display_id ?? order.id)
  const name = `shipment ${shipment.number ?? shipment.externalId}`
  const key = erpShipmentKey(connectionId, shipment.externalId)
  const made = (order.fulfillments ?? []).find((f) => f && !f.canceled_at && hubMetadata(f.metadata)?.erp_shipment === key)
  if (made?.shipped_at) throw new SyncSkipped(`order #${number}: ${connectionId}'s ${name} was fulfilled and shipped in Medusa before (fulfillment ${made.id}); nothing to do`, "already_fulfilled")
  if (order.status === "canceled") throw new SyncSkipped(`order #${number} is canceled in Medusa: ${connectionId}'s ${name} is not fulfilled (check the sale in ${connectionId})`, "order_canceled")
  const items = (order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i)
  const open = new Map(items.map((i) => [i.id, toNumber(i.quantity ?? i.detail?.quantity ?? 0) - toNumber(i.detail?.fulfilled_quantity ?? 0)]))
  const plan: Array<{ id: string; quantity: number }> = []
  const notes: string[] = []
  for (const line of shipment.lines) {
    const ofSku = items.filter((i) => i.variant_sku?.trim() === line.sku)
    if (!ofSku.length) {
      throw new IntegrationError(`Cannot fulfil order #${number} from ${connectionId}'s ${name}: it shipped SKU '${line.sku}', which order #${number} does not have. Check the shipment in ${connectionId}; fulfil the order in Medusa by hand if the ERP is right.`, {
        connectionId, code: "shipment_sku_not_ordered", retryable: false,
      })
    }
    let left = line.quantity
    for (const item of ofSku) {
      const take = Math.min(left, Math.max(0, open.get(item.id) ?? 0))
      if (take > 0) plan.push({ id: item.id, quantity: take })
      left -= take
    }
    if (left > 0) notes.push(`${left} of ${line.sku} already fulfilled in Medusa, not fulfilled again`)
  }
  // The fulfillment a stopped run made: the items it was made of are the ones to mark shipped.
  if (made) return { number, existing: { id: made.id }, items: hubMetadata(made.metadata)?.items ?? [], notes: [] }
  if (!plan.length) throw new SyncSkipped(`order #${number}: everything ${connectionId}'s ${name} shipped is fulfilled in Medusa already (${notes.join("; ")})`, "already_fulfilled")
  return { number, existing: null, items: plan, notes }
}

/** What the hub keeps on a fulfillment it made from an ERP shipment. */
export type ErpFulfilmentMetadata = { erp_shipment: string; connection_id: string; number: string | null; items: Array<{ id: string; quantity: number }> }

const hubMetadata = (metadata: Record<string, unknown> | null | undefined) => metadata?.integration_hub as Partial<ErpFulfilmentMetadata> | undefined
