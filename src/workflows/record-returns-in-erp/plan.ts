import { accountingDate } from "../../lib/accounting-date"
import { IntegrationError } from "../../lib/errors"
import type { ErpReturnLine } from "../../providers/types"
import { toNumber } from "../sync-order-to-erp/order-mapper"
import { SaleSubject, subjectOf } from "../sync-exchanges-to-erp/sent-out"

type Quantity = number | string | { value: string | number } | null | undefined

/** What the workflow reads of an order: its number and items. */
export const ORDER_FIELDS_FOR_RETURNS = ["id", "display_id", "items.id", "items.title", "items.product_title", "items.variant_sku"]
/**
 * And of its returns, read as returns (through the order, query.graph leaves out their items' quantities): what was
 * received of each item.
 */
export const RETURN_FIELDS = ["id", "status", "received_at", "created_at", "items.item_id", "items.received_quantity"]

export type OrderForReturns = {
  id: string
  display_id?: number | null
  items?: Array<{ id: string; title?: string | null; product_title?: string | null; variant_sku?: string | null } | null> | null
  returns?: Array<{
    id: string
    status: string
    received_at?: string | Date | null
    created_at: string | Date
    items?: Array<{ item_id: string; received_quantity?: Quantity } | null> | null
  } | null> | null
}

/** Units of each order item the ERP has been told came back, per Medusa return (the effect's baseline). */
export type ReturnedGoods = Record<string, Record<string, number>>

/** One ERP return to make: goods received into Medusa since the last one of the same Medusa return. */
export type PlannedReturn = {
  return_id: string
  /**
   * "medusa:<return id>" for its first receipt; "medusa:<return id>/<units received in all>" for a later one; either
   * followed by "/<exchange id>" for the items an exchange or claim sent out (taken back against its own sale).
   */
  reference: string
  subject: SaleSubject
  lines: ErpReturnLine[]
  /** The store's calendar date of the receipt. */
  date: string
  /** What the baseline says of this return once this one is made. */
  returned_after: Record<string, number>
}

export type ReturnsPlan = { number: string; returns: PlannedReturn[]; returned_after: ReturnedGoods }

/**
 * The ERP returns an order's received goods still need, against what earlier runs told the ERP (`returned`): for
 * each Medusa return, the units received since, by SKU. A partial receipt now and the rest later are two ERP
 * returns, each with a reference of its own, stable across retries; the items an exchange or claim sent out come
 * back against that exchange's sale, as an ERP return of their own. An item without a SKU is refused, naming the
 * order and the line. Pure: no I/O.
 */
export function planErpReturns(order: OrderForReturns, returned: ReturnedGoods, ctx: { connectionId: string; timeZone: string; now: Date; sentOutBy?: Map<string, string> }): ReturnsPlan {
  const number = String(order.display_id ?? order.id)
  const items = new Map((order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i).map((i) => [i.id, i]))
  const plan: PlannedReturn[] = []
  const after: ReturnedGoods = { ...returned }
  const returns = (order.returns ?? []).filter((r): r is NonNullable<typeof r> => !!r).sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || a.id.localeCompare(b.id))
  for (const ret of returns) {
    const told = returned[ret.id] ?? {}
    const received = new Map<string, number>()
    for (const ri of ret.items ?? []) if (ri) received.set(ri.item_id, (received.get(ri.item_id) ?? 0) + toNumber(ri.received_quantity ?? 0))
    // The goods of each sale they were sold on: the order's, or (items an exchange sent out) the exchange's.
    const bySale = new Map<string, { subject: SaleSubject; lines: ErpReturnLine[] }>()
    for (const [itemId, units] of [...received].sort(([a], [b]) => a.localeCompare(b))) {
      const more = units - (told[itemId] ?? 0)
      if (more <= 0) continue
      const item = items.get(itemId)
      const title = item?.title || item?.product_title || itemId
      if (!item?.variant_sku?.trim()) {
        throw new IntegrationError(`Cannot record return ${ret.id} of order #${number} in ${ctx.connectionId}: line item '${title}' has no SKU, so the ERP cannot tell which product came back. Give its variant a SKU in Medusa (as the ERP's product code), then retry.`, {
          connectionId: ctx.connectionId, code: "invalid_return", retryable: false,
        })
      }
      const sku = item.variant_sku.trim()
      const { subject, suffix } = subjectOf(itemId, ctx.sentOutBy ?? new Map())
      const group = bySale.get(suffix) ?? { subject, lines: [] }
      const same = group.lines.find((l) => l.sku === sku)
      if (same) same.quantity += more
      else group.lines.push({ sku, title, quantity: more })
      bySale.set(suffix, group)
    }
    if (!bySale.size) continue
    const total = [...received.values()].reduce((a, b) => a + b, 0)
    const first = Object.keys(told).length === 0
    for (const [suffix, { subject, lines }] of [...bySale].sort(([a], [b]) => a.localeCompare(b))) {
      plan.push({
        return_id: ret.id,
        reference: `${first ? `medusa:${ret.id}` : `medusa:${ret.id}/${total}`}${suffix}`,
        subject,
        lines: lines.sort((a, b) => a.sku.localeCompare(b.sku)),
        date: accountingDate(ret.received_at ?? ctx.now, ctx.timeZone),
        returned_after: Object.fromEntries(received),
      })
    }
    after[ret.id] = Object.fromEntries(received)
  }
  return { number, returns: plan, returned_after: after }
}
