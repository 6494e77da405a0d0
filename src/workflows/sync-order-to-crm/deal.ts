import { MathBN } from "@medusajs/framework/utils"
import type { CrmDealInput } from "../../providers/types"
import { formatAmount, sumAmounts, toNumber } from "../sync-order-to-erp/order-mapper"
import type { CustomerForCrm } from "../sync-customer-to-crm/contact"

type Amount = number | string | { value: string | number } | null | undefined

/** An order as the CRM flow reads it. */
export type OrderForCrm = {
  id: string
  display_id?: number | null
  email?: string | null
  currency_code: string
  status: string
  created_at: string | Date
  total: Amount
  /** What the units returns took back were worth (Medusa's order total already leaves them out). */
  return_received_total?: Amount
  return_dismissed_total?: Amount
  customer?: CustomerForCrm | null
  shipping_address?: { first_name?: string | null; last_name?: string | null; phone?: string | null; company?: string | null } | null
  items?: Array<{ title?: string | null; product_title?: string | null; variant_title?: string | null; variant_sku?: string | null; quantity: Amount; unit_price: Amount } | null> | null
  payment_collections?: Array<{ payments?: Array<{ refunds?: Array<{ amount: Amount } | null> | null } | null> | null } | null> | null
}

export const ORDER_FIELDS_FOR_CRM = [
  "id", "display_id", "email", "currency_code", "status", "created_at", "total", "return_received_total", "return_dismissed_total",
  "customer.id", "customer.email", "customer.first_name", "customer.last_name", "customer.phone", "customer.company_name", "customer.has_account",
  "shipping_address.first_name", "shipping_address.last_name", "shipping_address.phone", "shipping_address.company",
  "items.title", "items.product_title", "items.variant_title", "items.variant_sku", "items.quantity", "items.unit_price",
  "payment_collections.payments.refunds.amount",
]

/** Stable reference of an order's deal: one deal per order. */
export const dealReference = (orderId: string) => `medusa:${orderId}`

/** The refunds of the order's payments, summed. */
export function refundedOf(order: OrderForCrm): string {
  return sumAmounts((order.payment_collections ?? []).flatMap((c) => c?.payments ?? []).flatMap((p) => p?.refunds ?? []), order.currency_code)
}

/**
 * The deal an order is: worth its total less what was refunded beyond the goods returns took back (Medusa's total
 * already leaves those out: the refund of a return lowers the deal once); canceled when the order is, refunded once
 * the refunds reach the total, else placed; its lines as the customer bought them. The buyer of a guest order is the
 * order's e-mail and shipping name.
 */
export function dealOf(order: OrderForCrm, contactExternalId: string, companyExternalId: string | null): CrmDealInput {
  const total = formatAmount(order.total, order.currency_code)
  const returned = MathBN.add(MathBN.convert(toNumber(order.return_received_total) || 0), MathBN.convert(toNumber(order.return_dismissed_total) || 0))
  const refunded = refundedOf(order)
  const beyondReturns = MathBN.sub(refunded, returned)
  const net = MathBN.gt(beyondReturns, 0) ? MathBN.sub(total, beyondReturns) : MathBN.convert(total)
  const bought = MathBN.add(total, returned)
  const state = order.status === "canceled" ? "canceled" : MathBN.gt(bought, 0) && !MathBN.gt(net, 0) ? "refunded" : "placed"
  return {
    reference: dealReference(order.id),
    contactExternalId,
    companyExternalId,
    name: `Order #${order.display_id ?? order.id}`,
    amount: formatAmount(MathBN.gt(net, 0) ? net.toString() : "0", order.currency_code),
    currencyCode: order.currency_code.toUpperCase(),
    state,
    closeDate: new Date(order.created_at).toISOString(),
    // An item an order edit took out keeps its row with quantity 0: it is not bought.
    lines: (order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i && toNumber(i.quantity) !== 0).map((i) => ({
      sku: i.variant_sku ?? null,
      name: [i.product_title ?? i.title, i.variant_title && i.variant_title !== "Default variant" ? i.variant_title : null].filter(Boolean).join(" / ") || "Item",
      quantity: toNumber(i.quantity),
      unitPrice: formatAmount(i.unit_price, order.currency_code),
    })),
  }
}

/** The order's buyer as a contact: the customer with an account, or the guest by the order's e-mail and shipping name. */
export function buyerOf(order: OrderForCrm): CustomerForCrm {
  if (order.customer?.has_account) return order.customer
  const a = order.shipping_address
  return { id: null, email: order.email ?? order.customer?.email ?? null, first_name: a?.first_name, last_name: a?.last_name, phone: a?.phone, company_name: a?.company, has_account: false }
}
