import { MathBN } from "@medusajs/framework/utils"
import { accountingDate } from "../../lib/accounting-date"
import { currencyDigits } from "../../lib/money"
import { ORDER_CHECK_DEFAULTS } from "../../modules/integration-hub/options"

type OrderChecks = typeof ORDER_CHECK_DEFAULTS
import { IntegrationError, SyncSkipped } from "../../lib/errors"
import type { ErpAddress, ErpCreditLine, ErpCustomerInput, ErpSalesOrderLine, ErpShippingLine, ErpTaxLine } from "../../providers/types"

type Amount = number | string | { value: string | number } | null | undefined
type BigNumberValue = ReturnType<typeof MathBN.convert>

/** A tax line as query.graph gives it. */
type OrderTaxLine = { code?: string | null; rate?: Amount } | null

type OrderAddress = {
  first_name?: string | null
  last_name?: string | null
  company?: string | null
  address_1?: string | null
  address_2?: string | null
  city?: string | null
  postal_code?: string | null
  country_code?: string | null
  phone?: string | null
} | null

/** The order as the workflow reads it through query.graph (only what the ERP needs). */
export type OrderForErp = {
  id: string
  display_id?: number | null
  status: string
  email?: string | null
  currency_code: string
  created_at: string | Date
  items?: Array<{
    id: string
    title?: string | null
    product_title?: string | null
    variant_sku?: string | null
    quantity?: Amount
    /** query.graph fills `quantity` only when the detail is selected too; the detail is the source. */
    /** And, read by an edit, the units returns took back (Medusa's item totals leave them out). */
    detail?: { quantity: Amount; return_received_quantity?: Amount; return_dismissed_quantity?: Amount } | null
    unit_price: Amount
    raw_unit_price?: { value: string | number } | null
    is_tax_inclusive?: boolean | null
    /** Medusa's totals (the order module computes them when `total` is selected): excluding tax, before discounts. */
    subtotal?: Amount
    /** The item's share of every promotion (item and order-level), excluding tax. */
    discount_subtotal?: Amount
    tax_lines?: OrderTaxLine[] | null
    /** The variant sold (Medusa's order item ↔ variant link); null once it was deleted. */
    variant?: { allow_backorder?: boolean | null; manage_inventory?: boolean | null } | null
  } | null> | null
  shipping_address?: OrderAddress
  billing_address?: OrderAddress
  shipping_methods?: Array<{
    name?: string | null
    amount: Amount
    raw_amount?: { value: string | number } | null
    is_tax_inclusive?: boolean | null
    subtotal?: Amount
    discount_subtotal?: Amount
    tax_lines?: OrderTaxLine[] | null
  } | null> | null
  /** What the customer is charged, taxes included (Medusa computes it). */
  total?: Amount
  customer?: { first_name?: string | null; last_name?: string | null; email?: string | null; phone?: string | null } | null
}

export type ErpOrderDraft = {
  reference: string
  orderNumber: string
  currencyCode: string
  /** The store's calendar date of the order (YYYY-MM-DD in its time zone). */
  orderDate: string
  /** The instant it was placed (ISO 8601, UTC). */
  placedAt: string
  customer: ErpCustomerInput
  lines: ErpSalesOrderLine[]
  shipping: ErpShippingLine[]
  /** An exchange's or claim's sale: the goods it takes back, credited (plan of sync-exchanges-to-erp). */
  credits?: ErpCreditLine[]
  total: string
  checks: { stock: boolean; priceTolerancePercent: number | null }
}

/** Stable external reference of an order: the idempotency key every ERP sees. */
export const orderReference = (orderId: string) => `medusa:${orderId}`

/**
 * The reference of the sale that replaces the order's sale `replacedId` (reconciliation's fix for a sale whose total
 * or lines differ): made while the old one is still live, so it cannot share its reference; one per replaced sale,
 * so a repeated replacement finds the sale it made. The order's sync record then carries it (`external_ref`).
 */
export const replacementReference = (orderId: string, replacedId: string) => `${orderReference(orderId)}/replaces-${replacedId}`

export { currencyDigits }

/** A number from any shape Medusa hands out (number, decimal string, `{ value }`); NaN when it is none. */
export function toNumber(amount: Amount): number {
  const raw = amount !== null && typeof amount === "object" ? amount.value : amount
  return raw === null || raw === undefined || raw === "" ? NaN : Number(raw)
}

/** An amount in major units as a decimal string with the currency's precision, rounded half-up. */
export function formatAmount(amount: Amount | BigNumberValue, currencyCode: string): string {
  const raw = amount !== null && typeof amount === "object" && "value" in amount ? amount.value : amount
  if (raw === null || raw === undefined || raw === "") throw new Error("amount is missing")
  const digits = currencyDigits(currencyCode)
  return MathBN.convert(raw).decimalPlaces(digits, 4 /* ROUND_HALF_UP */).toFixed(digits)
}

/** Amounts (captures, refunds) added up with the currency's precision: each as Medusa hands it out, its raw value first. */
export function sumAmounts(rows: Array<{ amount: Amount; raw_amount?: { value: string | number } | null } | null> | null | undefined, currencyCode: string): string {
  const total = (rows ?? []).reduce((sum, r) => (r ? MathBN.add(sum, formatAmount(r.raw_amount ?? r.amount, currencyCode)) : sum), MathBN.convert(0))
  return formatAmount(total.toString(), currencyCode)
}

/** An amount Medusa may not have given, as a big number; null when absent. */
function big(amount: Amount): BigNumberValue | null {
  const raw = amount !== null && typeof amount === "object" ? amount.value : amount
  return raw === null || raw === undefined || raw === "" ? null : MathBN.convert(raw)
}

function taxLinesOf(lines: OrderTaxLine[] | null | undefined): ErpTaxLine[] {
  return (lines ?? [])
    .filter((t): t is NonNullable<OrderTaxLine> => !!t)
    .map((t) => ({ code: t.code?.trim() || "", rate: MathBN.convert(toNumber(t.rate) || 0).toString() }))
}

/**
 * Checks an order can go to an ERP and maps it, or throws an error that names the order, the line and the
 * field in words a store owner can act on; its date is the calendar date in `timeZone` (the connection's). Pure:
 * no I/O, unit-tested with tables.
 */
export function mapOrderForErp(order: OrderForErp, connectionId: string, timeZone: string, checks: OrderChecks = ORDER_CHECK_DEFAULTS): ErpOrderDraft {
  const number = String(order.display_id ?? order.id)
  const fail = (problem: string) =>
    new IntegrationError(`Cannot sync order #${number} to ${connectionId}: ${problem}`, {
      connectionId,
      code: "invalid_order",
      retryable: false,
    })

  if (order.status === "canceled") throw new SyncSkipped(`Order #${number} was canceled before it reached ${connectionId}; nothing to send`)
  if (order.status === "draft") throw new SyncSkipped(`Order #${number} is a draft; it is sent when placed`)

  const currency = order.currency_code
  // An item an order edit took out keeps its row with quantity 0: it is no longer sold.
  const items = (order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i && toNumber(i.quantity ?? i.detail?.quantity) !== 0)
  if (!items.length) throw fail("it has no line items")
  const lines = items.map((item): ErpSalesOrderLine => {
    const title = item.title || item.product_title || item.id
    if (!item.variant_sku?.trim()) throw fail(`line item '${title}' has no SKU`)
    const quantity = toNumber(item.quantity ?? item.detail?.quantity)
    if (Number.isNaN(quantity)) throw fail(`line item '${title}' has no quantity`)
    if (!Number.isFinite(quantity) || quantity <= 0) throw fail(`line item '${title}' has quantity ${quantity}`)
    const { subtotal, net } = netOf(item, MathBN.mult(big(item.raw_unit_price ?? item.unit_price) ?? MathBN.convert(NaN), quantity), `line item '${title}'`, fail)
    return {
      sku: item.variant_sku.trim(),
      title,
      quantity,
      unitPrice: formatAmount(MathBN.div(subtotal, quantity), currency),
      netAmount: formatAmount(net, currency),
      taxes: taxLinesOf(item.tax_lines),
      ...(soldWhateverTheStock(item.variant) ? { backorder: true } : {}),
    }
  })

  // Trimmed, its case kept as the customer wrote it: every ERP finds a customer by e-mail in any case (emailKey).
  const email = order.email?.trim() || order.customer?.email?.trim()
  if (!email) throw fail("it has no customer e-mail")
  const shippingAddress = mapAddress(order.shipping_address, "shipping address", fail)
  const billingAddress = order.billing_address?.address_1
    ? mapAddress(order.billing_address, "billing address", fail)
    : shippingAddress
  const name =
    [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ") || shippingAddress.name

  const shipping = (order.shipping_methods ?? [])
    .filter((m): m is NonNullable<typeof m> => !!m)
    .map((m): ErpShippingLine => {
      const title = `Shipping: ${m.name || "Shipping"}`
      const { net } = netOf(m, big(m.raw_amount ?? m.amount) ?? MathBN.convert(NaN), `shipping method '${m.name || "Shipping"}'`, fail)
      return { title, netAmount: formatAmount(net, currency), taxes: taxLinesOf(m.tax_lines) }
    })
    // Free shipping (or shipping fully discounted) is not a line.
    .filter((m) => MathBN.gt(m.netAmount, 0))
  const total = big(order.total)
  if (total === null) throw fail("Medusa gave no order total (the sync reads `total`; is a field selection missing?)")

  return {
    reference: orderReference(order.id),
    orderNumber: number,
    currencyCode: order.currency_code.toUpperCase(),
    orderDate: accountingDate(new Date(order.created_at), timeZone),
    placedAt: new Date(order.created_at).toISOString(),
    customer: {
      email,
      name,
      phone: order.shipping_address?.phone || order.customer?.phone || null,
      shippingAddress,
      billingAddress,
    },
    lines,
    shipping,
    total: formatAmount(total, currency),
    checks: { stock: checks.stock, priceTolerancePercent: checks.price ? checks.priceTolerancePercent : null },
  }
}

/**
 * A line's amounts excluding tax, from Medusa's own totals: `subtotal` (for tax-inclusive prices already the net
 * figure) less `discount_subtotal`, its share of every promotion. Without totals (an untaxed, undiscounted line
 * read without them) the price × quantity is used; a tax-inclusive line without them cannot be split and fails.
 */
function netOf(
  line: { subtotal?: Amount; discount_subtotal?: Amount; is_tax_inclusive?: boolean | null; tax_lines?: OrderTaxLine[] | null },
  gross: BigNumberValue,
  what: string,
  fail: (problem: string) => Error
): { subtotal: BigNumberValue; net: BigNumberValue } {
  const hasTaxes = (line.tax_lines ?? []).some((t) => t && toNumber(t.rate) > 0)
  const subtotal = big(line.subtotal) ?? (line.is_tax_inclusive && hasTaxes ? null : gross)
  if (subtotal === null || subtotal.isNaN()) throw fail(`${what} has no amount (Medusa gave no subtotal)`)
  const net = MathBN.sub(subtotal, big(line.discount_subtotal) ?? 0)
  if (MathBN.lt(net, 0)) throw fail(`${what} comes to ${net.toString()} after its discounts, which is below zero`)
  return { subtotal, net }
}

/**
 * Medusa sold the variant whatever its stock: it allows backorders, or Medusa does not manage its inventory. A
 * variant not read (or deleted since) is an ordinary line: the ERP's stock check applies.
 */
function soldWhateverTheStock(variant: NonNullable<NonNullable<OrderForErp["items"]>[number]>["variant"]): boolean {
  return !!variant && (variant.allow_backorder === true || variant.manage_inventory === false)
}

function mapAddress(address: OrderAddress | undefined, label: string, fail: (p: string) => Error): ErpAddress {
  if (!address) throw fail(`it has no ${label}`)
  const street = [address.address_1, address.address_2].filter((s) => s?.trim()).join("\n")
  if (!street) throw fail(`the ${label} has no street (address_1)`)
  if (!address.city?.trim()) throw fail(`the ${label} has no city`)
  const name = [address.first_name, address.last_name].filter(Boolean).join(" ") || address.company || ""
  if (!name) throw fail(`the ${label} has no recipient name (first_name/last_name or company)`)
  return {
    name,
    street,
    city: address.city.trim(),
    postalCode: address.postal_code?.trim() || null,
    countryCode: address.country_code ? address.country_code.toUpperCase() : null,
  }
}
