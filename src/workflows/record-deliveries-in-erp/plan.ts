import { accountingDate } from "../../lib/accounting-date"
import { IntegrationError } from "../../lib/errors"
import { toNumber } from "../sync-order-to-erp/order-mapper"
import { SaleSubject, subjectOf } from "../sync-exchanges-to-erp/sent-out"

type Quantity = number | string | { value: string | number } | null | undefined

/** What the workflow reads of an order: its number, its items' SKUs and its fulfillments with what each carries. */
export const ORDER_FIELDS_FOR_DELIVERIES = [
  "id", "display_id", "items.id", "items.title", "items.product_title", "items.variant_sku",
  "fulfillments.id", "fulfillments.shipped_at", "fulfillments.canceled_at", "fulfillments.metadata",
  "fulfillments.items.line_item_id", "fulfillments.items.quantity",
]

export type OrderForDeliveries = {
  id: string
  display_id?: number | null
  items?: Array<{ id: string; title?: string | null; product_title?: string | null; variant_sku?: string | null } | null> | null
  fulfillments?: Array<{
    id: string
    shipped_at?: string | Date | null
    canceled_at?: string | Date | null
    metadata?: Record<string, unknown> | null
    items?: Array<{ line_item_id?: string | null; quantity: Quantity } | null> | null
  } | null> | null
}


/** One ERP delivery to record: the lines of one shipped fulfillment sold on one sale. */
export type PlannedDelivery = {
  fulfillment_id: string
  /** "medusa:<fulfillment id>"; "medusa:<fulfillment id>/<exchange id>" for its lines an exchange or claim sent out. */
  reference: string
  subject: SaleSubject
  lines: Array<{ sku: string; title: string; quantity: number }>
  /** The store's calendar date the goods left. */
  date: string
}

export type DeliveriesPlan = { number: string; deliveries: PlannedDelivery[]; delivered_after: string[] }

/**
 * The ERP deliveries an order's shipped fulfillments still need, against the references earlier runs recorded
 * (`delivered`): one per fulfillment Medusa marked shipped and did not cancel, split by the sale its lines were sold
 * on (an item an exchange or claim sent out is on that exchange's sale). Fulfillments made from this connection's
 * own shipments (`fulfilment: "erp"`) are the ERP's already. An item without a SKU is refused, naming the order and
 * the line. Pure: no I/O.
 */
export function planErpDeliveries(
  order: OrderForDeliveries,
  delivered: string[],
  ctx: { connectionId: string; timeZone: string; sentOutBy: Map<string, string> }
): DeliveriesPlan {
  const number = String(order.display_id ?? order.id)
  const items = new Map((order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i).map((i) => [i.id, i]))
  const told = new Set(delivered)
  const deliveries: PlannedDelivery[] = []
  const shipped = (order.fulfillments ?? [])
    .filter((f): f is NonNullable<typeof f> => !!f && !!f.shipped_at && !f.canceled_at && !madeFromThisErp(f.metadata, ctx.connectionId))
    .sort((a, b) => new Date(a.shipped_at!).getTime() - new Date(b.shipped_at!).getTime() || a.id.localeCompare(b.id))
  for (const f of shipped) {
    const bySale = new Map<string, PlannedDelivery>()
    for (const fi of f.items ?? []) {
      const quantity = toNumber(fi?.quantity ?? 0)
      if (!fi?.line_item_id || quantity <= 0) continue
      const item = items.get(fi.line_item_id)
      const title = item?.title || item?.product_title || fi.line_item_id
      const sku = item?.variant_sku?.trim()
      if (!sku) {
        throw new IntegrationError(`Cannot record fulfillment ${f.id} of order #${number} in ${ctx.connectionId}: line item '${title}' has no SKU, so the ERP cannot tell which product left. Give its variant a SKU in Medusa (as the ERP's product code), then retry.`, {
          connectionId: ctx.connectionId, code: "invalid_delivery", retryable: false,
        })
      }
      const { subject, suffix } = subjectOf(fi.line_item_id, ctx.sentOutBy)
      const reference = `medusa:${f.id}${suffix}`
      if (told.has(reference)) continue
      const delivery = bySale.get(reference) ?? { fulfillment_id: f.id, reference, subject, lines: [], date: accountingDate(new Date(f.shipped_at!), ctx.timeZone) }
      const same = delivery.lines.find((l) => l.sku === sku)
      if (same) same.quantity += quantity
      else delivery.lines.push({ sku, title, quantity })
      bySale.set(reference, delivery)
    }
    for (const d of bySale.values()) d.lines.sort((a, b) => a.sku.localeCompare(b.sku))
    deliveries.push(...[...bySale.values()].sort((a, b) => a.reference.localeCompare(b.reference)))
  }
  return { number, deliveries, delivered_after: [...told, ...deliveries.map((d) => d.reference)] }
}

function madeFromThisErp(metadata: Record<string, unknown> | null | undefined, connectionId: string): boolean {
  const key = (metadata?.integration_hub as { erp_shipment?: unknown } | undefined)?.erp_shipment
  return typeof key === "string" && key.startsWith(`${connectionId}:`)
}
