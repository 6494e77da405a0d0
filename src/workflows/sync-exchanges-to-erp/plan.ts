import { MathBN } from "@medusajs/framework/utils"
import { accountingDate } from "../../lib/accounting-date"
import type { ErpCreditLine, ErpTaxLine } from "../../providers/types"
import type { ORDER_CHECK_DEFAULTS } from "../../modules/integration-hub/options"
import { ErpOrderDraft, formatAmount, mapOrderForErp, OrderForErp, orderReference, toNumber } from "../sync-order-to-erp/order-mapper"

type Amount = number | string | { value: string | number } | null | undefined

/** What the workflow reads of the order besides what its sale is made of: totals, and the units returns took back. */
export const ORDER_FIELDS_FOR_EXCHANGES = ["items.total", "items.detail.return_received_quantity", "items.detail.return_dismissed_quantity", "shipping_methods.id", "shipping_methods.total"]
/** Of each exchange and claim: what it sends out, its shipping, its return and whether it was cancelled. */
export const EXCHANGE_FIELDS = ["id", "display_id", "created_at", "canceled_at", "return_id", "additional_items.item_id", "additional_items.quantity", "shipping_methods.id"]
export const CLAIM_FIELDS = [...EXCHANGE_FIELDS, "type"]
/** Of the order's returns: which exchange or claim each belongs to, and what it takes back. */
export const RETURN_FIELDS_FOR_EXCHANGES = ["id", "exchange_id", "claim_id", "canceled_at", "items.item_id", "items.quantity"]

export type OrderForExchanges = Omit<OrderForErp, "items" | "shipping_methods"> & {
  items?: Array<(NonNullable<NonNullable<OrderForErp["items"]>[number]> & { total?: Amount }) | null> | null
  shipping_methods?: Array<(NonNullable<NonNullable<OrderForErp["shipping_methods"]>[number]> & { id?: string; total?: Amount }) | null> | null
}

/** An exchange or a claim as the workflow reads it. */
export type OrderChangeForErp = {
  kind: "exchange" | "claim"
  id: string
  display_id?: number | null
  created_at: string | Date
  canceled_at?: string | Date | null
  return_id?: string | null
  additional_items?: Array<{ item_id: string; quantity: Amount } | null> | null
  shipping_methods?: Array<{ id: string } | null> | null
}

export type ReturnForExchanges = {
  id: string
  exchange_id?: string | null
  claim_id?: string | null
  canceled_at?: string | Date | null
  items?: Array<{ item_id: string; quantity: Amount } | null> | null
}

/** The sale each exchange or claim has in the ERP (the effect's baseline), by the exchange's or claim's id. */
export type ExchangeSales = Record<string, { external_id: string; number: string | null; total: string; cancelled?: boolean }>

export type PlannedExchangeSale = { change_id: string; kind: OrderChangeForErp["kind"]; label: string; draft: ErpOrderDraft }
export type ExchangeSalesPlan = {
  number: string
  create: PlannedExchangeSale[]
  /** Sales of exchanges and claims cancelled in Medusa since. */
  cancel: Array<{ change_id: string; label: string; external_id: string }>
  /** The exchanges and claims the ERP has a sale of, as the baseline has them. */
  sales: ExchangeSales
}

/** An exchange's or claim's sale in the ERP: its own reference, which names it (the original order's is the order's). */
export const exchangeReference = (changeId: string) => orderReference(changeId)

const label = (c: OrderChangeForErp) => `${c.kind} #${c.display_id ?? c.id}`

/**
 * What the ERP needs for an order's exchanges and claims, against the sales it was given before (`sales`): for each
 * confirmed one that sends items out and has no sale yet, a sale of its own (reference `medusa:<exchange or claim
 * id>`, named "#<order> (exchange #<n>)") with the items sent out, its shipping, and, as lines without product, a
 * credit for the goods its return takes back, at what the customer paid for them, up to the value sent out (what
 * is left is Medusa's to refund: the refund is credited as any refund). So the sale's total is what the customer
 * owes for the exchange, and a payment of it registers against it. The goods coming back are the returns effect's
 * (by the return). A claim's written-off items are not credited: Medusa's order total keeps them. Cancelled ones
 * whose sale is live are to be cancelled. Pure: no I/O.
 */
export function planExchangeSales(
  order: OrderForExchanges,
  changes: OrderChangeForErp[],
  returns: ReturnForExchanges[],
  sales: ExchangeSales,
  ctx: { connectionId: string; timeZone: string; checks?: typeof ORDER_CHECK_DEFAULTS }
): ExchangeSalesPlan {
  const number = String(order.display_id ?? order.id)
  const currency = order.currency_code
  const items = new Map((order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i).map((i) => [i.id, i]))
  const create: PlannedExchangeSale[] = []
  const cancel: ExchangeSalesPlan["cancel"] = []
  const ordered = [...changes].sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime() || a.id.localeCompare(b.id))
  for (const change of ordered) {
    const known = sales[change.id]
    if (change.canceled_at) {
      if (known && !known.cancelled) cancel.push({ change_id: change.id, label: label(change), external_id: known.external_id })
      continue
    }
    const out = (change.additional_items ?? []).filter((a): a is NonNullable<typeof a> => !!a && toNumber(a.quantity) > 0)
    if (known || !out.length) continue
    const outItems = out.map((a) => {
      const item = items.get(a.item_id)
      if (!item) throw new Error(`order #${number} has no item ${a.item_id} that ${label(change)} sends out`)
      return item
    })
    const methodIds = new Set((change.shipping_methods ?? []).filter((m): m is NonNullable<typeof m> => !!m).map((m) => m.id))
    const methods = (order.shipping_methods ?? []).filter((m): m is NonNullable<typeof m> => !!m && !!m.id && methodIds.has(m.id))
    const outValue = [...outItems, ...methods].reduce((sum, row) => MathBN.add(sum, MathBN.convert(toNumber(row.total) || 0)), MathBN.convert(0))
    const view: OrderForErp = { ...order, id: change.id, created_at: change.created_at, items: outItems, shipping_methods: methods, total: outValue.toString() }
    const base = mapOrderForErp(view, ctx.connectionId, ctx.timeZone, ctx.checks)
    const back = returns.filter((r) => !r.canceled_at && (r.id === change.return_id || r.exchange_id === change.id || r.claim_id === change.id))
    const { credits, value } = creditsFor(back, items, outValue, currency, label(change))
    const changeLabel = label(change)
    create.push({
      change_id: change.id,
      kind: change.kind,
      label: changeLabel,
      draft: {
        ...base,
        reference: exchangeReference(change.id),
        orderNumber: `${number} (${changeLabel})`,
        orderDate: accountingDate(new Date(change.created_at), ctx.timeZone),
        placedAt: new Date(change.created_at).toISOString(),
        ...(credits.length ? { credits } : {}),
        // Staff price what an exchange or claim sends out (a replacement at no charge): the ERP checks its stock only.
        checks: { ...base.checks, priceTolerancePercent: null },
        total: formatAmount(MathBN.sub(outValue, value), currency),
      },
    })
  }
  return { number, create, cancel, sales }
}

type OrderItem = NonNullable<NonNullable<OrderForExchanges["items"]>[number]>

/**
 * The credit lines for the goods these returns take back: each item's units at what the customer paid for one
 * (after discounts, excluding tax, with its taxes), scaled down together when they come to more than `cap` (taxes
 * included) so that the sale never goes below zero.
 */
function creditsFor(back: ReturnForExchanges[], items: Map<string, OrderItem>, cap: ReturnType<typeof MathBN.convert>, currency: string, what: string) {
  const units = new Map<string, number>()
  for (const r of back) for (const ri of r.items ?? []) if (ri) units.set(ri.item_id, (units.get(ri.item_id) ?? 0) + toNumber(ri.quantity))
  const lines = [...units].filter(([, q]) => q > 0).sort(([a], [b]) => a.localeCompare(b)).map(([itemId, quantity]) => {
    const item = items.get(itemId)
    const sold = toNumber(item?.quantity ?? item?.detail?.quantity)
    if (!item || !(sold > 0)) throw new Error(`${what} takes back item ${itemId}, which the order does not have`)
    const taxes: ErpTaxLine[] = (item.tax_lines ?? []).filter((t): t is NonNullable<typeof t> => !!t).map((t) => ({ code: t.code?.trim() || "", rate: String(toNumber(t.rate) || 0) }))
    const rate = taxes.reduce((sum, t) => MathBN.add(sum, t.rate), MathBN.convert(0))
    // Medusa's subtotal and discount are of the units not yet received back: what one unit came to, after discounts.
    const current = sold - (toNumber(item.detail?.return_received_quantity) || 0) - (toNumber(item.detail?.return_dismissed_quantity) || 0)
    const perUnit = current > 0
      ? MathBN.div(MathBN.sub(MathBN.convert(toNumber(item.subtotal) || 0), MathBN.convert(toNumber(item.discount_subtotal) || 0)), current)
      // Every unit is back already: its price, net of an included tax (a discount is no longer in Medusa's figures).
      : item.is_tax_inclusive ? MathBN.div(toNumber(item.unit_price) || 0, MathBN.add(1, MathBN.div(rate, 100))) : MathBN.convert(toNumber(item.unit_price) || 0)
    const net = MathBN.mult(perUnit, quantity)
    const gross = MathBN.mult(net, MathBN.add(1, MathBN.div(rate, 100)))
    return { title: `Returned in ${what}: ${item.title || item.product_title || itemId} ×${quantity}`, net, gross, taxes }
  })
  const gross = lines.reduce((sum, l) => MathBN.add(sum, l.gross), MathBN.convert(0))
  const scale = MathBN.gt(gross, cap) ? MathBN.div(cap, gross) : MathBN.convert(1)
  const credits: ErpCreditLine[] = lines.map((l) => ({ title: l.title, netAmount: formatAmount(MathBN.mult(l.net, scale), currency), taxes: l.taxes }))
  return { credits: credits.filter((c) => MathBN.gt(c.netAmount, 0)), value: MathBN.gt(gross, cap) ? cap : gross }
}
