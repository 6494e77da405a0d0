import { MathBN } from "@medusajs/framework/utils"
import { createHash } from "node:crypto"
import { currencyDigits } from "../../lib/money"
import { emailKey } from "../../providers/text-match"
import type { ErpSaleDetail } from "../../providers/types"
import type { ErpOrderDraft, OrderForErp } from "../sync-order-to-erp/order-mapper"

/** One of Medusa's `update_order` changes (updateOrderWorkflow): which field, what it was, what it became. */
export type OrderUpdate = { created_at: string | Date; type: string; old: unknown }

/** The fields of an order a sale carries besides its lines: the customer's e-mail and both addresses. */
const SALE_HEADER_FIELDS = { email: "email", shipping_address: "shipping_address", billing_address: "billing_address" } as const

/**
 * A fingerprint of the customer part of a draft (e-mail in any case, both addresses as the ERP gets them): what a
 * sale says besides its lines. No personal data is kept: only this hash.
 */
export function customerKey(draft: ErpOrderDraft): string {
  const { email, shippingAddress, billingAddress } = draft.customer
  return createHash("sha256").update(JSON.stringify([emailKey(email), shippingAddress, billingAddress])).digest("hex")
}

/**
 * The order as it was at `at` in the fields a sale carries besides its lines: for each of them, the value before
 * the first of Medusa's updates made after `at` (`old` of that change), or the value now when none was.
 */
export function orderAsOf(order: OrderForErp, updates: OrderUpdate[], at: Date): OrderForErp {
  const later = updates.filter((u) => new Date(u.created_at).getTime() > at.getTime()).sort((a, b) => new Date(a.created_at).getTime() - new Date(b.created_at).getTime())
  const before: Partial<OrderForErp> = {}
  for (const field of Object.values(SALE_HEADER_FIELDS)) {
    const first = later.find((u) => u.type === field)
    if (first) Object.assign(before, { [field]: first.old ?? null })
  }
  return { ...order, ...before }
}

/**
 * What an edit changed in what the sale sells, in words ("total 45.00 → 59.00 EUR", "MUG-RED 1 → 3",
 * "CAP added (×1)", "SOCKS removed (was ×2)"); empty when the sale already sells what the order does.
 */
export function lineChanges(draft: ErpOrderDraft, sale: Pick<ErpSaleDetail, "total" | "lines">): string[] {
  const digits = currencyDigits(draft.currencyCode)
  const changes: string[] = []
  if (sale.total !== null && !MathBN.eq(MathBN.convert(sale.total).toFixed(digits), draft.total)) {
    changes.push(`total ${MathBN.convert(sale.total).toFixed(digits)} → ${draft.total} ${draft.currencyCode}`)
  }
  const wanted = new Map<string, number>()
  for (const line of draft.lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity)
  const had = new Map(sale.lines.map((l) => [l.sku, l.quantity]))
  for (const sku of [...new Set([...had.keys(), ...wanted.keys()])].sort()) {
    const [was, now] = [had.get(sku) ?? 0, wanted.get(sku) ?? 0]
    if (was === now) continue
    changes.push(was === 0 ? `${sku} added (×${now})` : now === 0 ? `${sku} removed (was ×${was})` : `${sku} ×${was} → ×${now}`)
  }
  return changes
}
