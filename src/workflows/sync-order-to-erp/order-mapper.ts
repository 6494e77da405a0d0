import { defaultCurrencies, MathBN } from "@medusajs/framework/utils"
import { IntegrationError, SyncSkipped } from "../../lib/errors"
import type { ErpAddress, ErpCustomerInput, ErpSalesOrderLine } from "../../providers/types"

type Amount = number | string | { value: string | number } | null | undefined

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
    detail?: { quantity: Amount } | null
    unit_price: Amount
    raw_unit_price?: { value: string | number } | null
  } | null> | null
  shipping_address?: OrderAddress
  billing_address?: OrderAddress
  shipping_methods?: Array<{ name?: string | null; amount: Amount; raw_amount?: { value: string | number } | null } | null> | null
  customer?: { first_name?: string | null; last_name?: string | null; email?: string | null; phone?: string | null } | null
}

export type ErpOrderDraft = {
  reference: string
  orderNumber: string
  currencyCode: string
  orderDate: string
  customer: ErpCustomerInput
  lines: ErpSalesOrderLine[]
  shipping: { title: string; amount: string } | null
}

/** Stable external reference of an order: the idempotency key every ERP sees. */
export const orderReference = (orderId: string) => `medusa:${orderId}`

/** Decimal places of a currency's minor unit (USD 2, JPY 0, KWD 3), from Medusa's own currency table. */
export function currencyDigits(currencyCode: string): number {
  return defaultCurrencies[currencyCode.toUpperCase()]?.decimal_digits ?? 2
}

/** A number from any shape Medusa hands out (number, decimal string, `{ value }`); NaN when it is none. */
export function toNumber(amount: Amount): number {
  const raw = amount !== null && typeof amount === "object" ? amount.value : amount
  return raw === null || raw === undefined || raw === "" ? NaN : Number(raw)
}

/** An amount in major units as a decimal string with the currency's precision, rounded half-up. */
export function formatAmount(amount: Amount, currencyCode: string): string {
  const raw = amount !== null && typeof amount === "object" ? amount.value : amount
  if (raw === null || raw === undefined || raw === "") throw new Error("amount is missing")
  const digits = currencyDigits(currencyCode)
  return MathBN.convert(raw).decimalPlaces(digits, 4 /* ROUND_HALF_UP */).toFixed(digits)
}

/**
 * Checks an order can go to an ERP and maps it, or throws an error that names the order, the line and the
 * field in words a store owner can act on. Pure: no I/O, unit-tested with tables.
 */
export function mapOrderForErp(order: OrderForErp, connectionId: string): ErpOrderDraft {
  const number = String(order.display_id ?? order.id)
  const fail = (problem: string) =>
    new IntegrationError(`Cannot sync order #${number} to ${connectionId}: ${problem}`, {
      connectionId,
      code: "invalid_order",
      retryable: false,
    })

  if (order.status === "canceled") throw new SyncSkipped(`Order #${number} was canceled before it reached ${connectionId}; nothing to send`)
  if (order.status === "draft") throw new SyncSkipped(`Order #${number} is a draft; it is sent when placed`)

  const items = (order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i)
  if (!items.length) throw fail("it has no line items")
  const lines = items.map((item) => {
    const title = item.title || item.product_title || item.id
    if (!item.variant_sku?.trim()) throw fail(`line item '${title}' has no SKU`)
    const quantity = toNumber(item.quantity ?? item.detail?.quantity)
    if (Number.isNaN(quantity)) throw fail(`line item '${title}' has no quantity`)
    if (!Number.isFinite(quantity) || quantity <= 0) throw fail(`line item '${title}' has quantity ${quantity}`)
    return {
      sku: item.variant_sku.trim(),
      title,
      quantity,
      unitPrice: formatAmount(item.raw_unit_price ?? item.unit_price, order.currency_code),
    }
  })

  const email = order.email || order.customer?.email
  if (!email) throw fail("it has no customer e-mail")
  const shippingAddress = mapAddress(order.shipping_address, "shipping address", fail)
  const billingAddress = order.billing_address?.address_1
    ? mapAddress(order.billing_address, "billing address", fail)
    : shippingAddress
  const name =
    [order.customer?.first_name, order.customer?.last_name].filter(Boolean).join(" ") || shippingAddress.name

  const shippingTotal = (order.shipping_methods ?? [])
    .filter((m): m is NonNullable<typeof m> => !!m)
    .reduce((sum, m) => sum.plus(MathBN.convert(m.raw_amount?.value ?? m.amount ?? 0)), MathBN.convert(0))
  const shippingTitle = (order.shipping_methods ?? []).map((m) => m?.name).filter(Boolean).join(", ") || "Shipping"

  return {
    reference: orderReference(order.id),
    orderNumber: number,
    currencyCode: order.currency_code.toUpperCase(),
    orderDate: new Date(order.created_at).toISOString().slice(0, 10),
    customer: {
      email,
      name,
      phone: order.shipping_address?.phone || order.customer?.phone || null,
      shippingAddress,
      billingAddress,
    },
    lines,
    shipping: shippingTotal.gt(0)
      ? { title: `Shipping: ${shippingTitle}`, amount: formatAmount(shippingTotal.toString(), order.currency_code) }
      : null,
  }
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
