/**
 * The items exchanges and claims add to an order: Medusa puts them on the order itself, but the ERP has them on the
 * exchange's own sale, so whatever compares the order with its sale (an edit, reconciliation) leaves them out.
 */

/** What to read of an order's exchanges and claims (entities `order_exchange` and `order_claim`). */
export const SENT_OUT_FIELDS = ["id", "order_id", "additional_items.item_id"]

type Row = { order_id?: string; additional_items?: Array<{ item_id?: string | null } | null> | null }

/** The ids of the order items these exchanges and claims sent out, by order. */
export function sentOutItems(rows: Row[]): Map<string, string[]> {
  const byOrder = new Map<string, string[]>()
  for (const row of rows) {
    for (const a of row.additional_items ?? []) {
      if (!row.order_id || !a?.item_id) continue
      byOrder.set(row.order_id, [...(byOrder.get(row.order_id) ?? []), a.item_id])
    }
  }
  return byOrder
}

/** The order without the items exchanges and claims sent out: what its own sale is of. */
export function withoutSentOut<T extends { items?: Array<{ id: string } | null> | null }>(order: T, sentOut: string[] | undefined): T {
  if (!sentOut?.length) return order
  return { ...order, items: (order.items ?? []).filter((i) => !i || !sentOut.includes(i.id)) }
}

/** Which ERP sale goods were sold on: the order's own, or an exchange's or claim's (its id). */
export type SaleSubject = { kind: "order" } | { kind: "exchange"; change_id: string }

/** The items exchanges and claims sent out, to the exchange or claim that sent each (rows of `order_exchange`/`order_claim`). */
export function sentOutBy(rows: Array<{ id: string; additional_items?: Array<{ item_id?: string | null } | null> | null }>): Map<string, string> {
  const map = new Map<string, string>()
  for (const row of rows) for (const a of row.additional_items ?? []) if (a?.item_id) map.set(a.item_id, row.id)
  return map
}

/** The subject of an order item's goods, and the reference suffix that keeps an exchange's part apart ("/<exchange id>"). */
export function subjectOf(itemId: string, sentOut: Map<string, string>): { subject: SaleSubject; suffix: string } {
  const changeId = sentOut.get(itemId)
  return changeId ? { subject: { kind: "exchange", change_id: changeId }, suffix: `/${changeId}` } : { subject: { kind: "order" }, suffix: "" }
}
