import { MathBN } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { currencyDigits } from "../../lib/money"
import { isSamePlace } from "../address"
import type {
  ErpAddress,
  ErpCancelResult,
  ErpCustomerInput,
  ErpCustomerRef,
  ErpOrderState,
  ErpProvider,
  ErpSalesOrder,
  ErpSalesOrderInput,
  ProviderDeps,
} from "../types"
import { checkOrderAgainstProducts } from "../order-checks"
import { assertProviderOptions } from "../validate-options"
import { OdooClient } from "./client"
import { OdooOptions, odooOptionsSchema, OdooSaleOrder, productSchema, saleOrderSchema } from "./types"

const SALE_FIELDS = ["id", "name", "client_order_ref", "state", "amount_total"]
const PRODUCT_FIELDS = ["id", "default_code", "list_price", "qty_available", "virtual_available"]
/** How the order checks name Odoo's figures. */
const ODOO_WORDS = { erp: "Odoo", forecast: "forecasted quantity", listPrice: "sales price" }
const STATE: Record<OdooSaleOrder["state"], ErpOrderState> = { draft: "draft", sent: "quotation", sale: "processing", done: "done", cancel: "cancelled" }

/** What Odoo's web client calls each kind of record, for links from the admin. */
const MODEL: Record<string, string> = { customer: "res.partner", order: "sale.order" }

/**
 * Odoo ERP adapter over the external API (JSON-RPC, or JSON-2 on Odoo 19). Customers are partners found by
 * e-mail, with a delivery and an invoice address as child contacts; an order is a `sale.order` whose
 * `client_order_ref` holds our stable reference, confirmed with `action_confirm`. Prices travel per line with
 * Odoo's 2 price digits; a line whose net amount does not divide evenly is split in two (the last unit carries
 * the cents), so the order total is Medusa's exactly. Shipping is a line of the service product `shippingSku`.
 */
export class OdooErpProvider implements ErpProvider {
  static identifier = "odoo"
  static kind = "erp" as const
  readonly kind = "erp" as const

  private readonly client: OdooClient
  private readonly options: OdooOptions
  private readonly connectionId: string

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(odooOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = odooOptionsSchema.parse(options)
    this.connectionId = deps.connection.id
    this.client = new OdooClient(deps.createHttpClient(this.options.url.replace(/\/+$/, ""), [this.options.apiKey]), this.options)
  }

  testConnection(): Promise<void> {
    return this.client.check()
  }

  externalUrl(entityType: string, externalId: string): string | null {
    const model = MODEL[entityType]
    if (!model) return null
    return `${(this.options.webUrl ?? this.options.url).replace(/\/+$/, "")}/web#id=${encodeURIComponent(externalId)}&model=${model}&view_type=form`
  }

  describeCall(operation: string): string | null {
    return DESCRIPTIONS[operation] ?? null
  }

  async upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    const found = await this.client.call<Array<{ id: number }>>("res.partner", "search_read", {
      params: { domain: [["email", "=ilike", input.email], ["parent_id", "=", false]], fields: ["id"], limit: 1, order: "id asc" },
    })
    let partnerId = found[0]?.id
    const created = partnerId === undefined
    if (partnerId === undefined) {
      ;[partnerId] = await this.client.call<number[]>("res.partner", "create", {
        params: { vals_list: [{ name: input.name, email: input.email, phone: input.phone || false, type: "contact" }] },
      })
    }
    const shipping = await this.ensureAddress(partnerId, "delivery", input.shippingAddress)
    const billing = isSamePlace(input.shippingAddress, input.billingAddress) ? shipping : await this.ensureAddress(partnerId, "invoice", input.billingAddress)
    return { externalId: String(partnerId), shippingAddressId: String(shipping), billingAddressId: String(billing), created }
  }

  async deleteCustomer(externalId: string): Promise<boolean> {
    try {
      await this.client.call("res.partner", "unlink", { ids: [Number(externalId)] })
      return true
    } catch (err) {
      // Odoo refuses to delete a partner something references (a sale): it stays, which is right.
      if (err instanceof IntegrationError && !err.retryable) return false
      throw err
    }
  }

  async findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null> {
    const sale = await this.liveSale(reference)
    return sale && toErpOrder(sale)
  }

  async createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    const existing = await this.liveSale(input.reference)
    if (existing) return { ...(await this.confirm(existing)), created: false }

    const taxed = [...input.lines, ...input.shipping].find((l) => l.taxes.some((t) => !MathBN.eq(t.rate, 0)))
    if (taxed) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: it carries Medusa taxes, which this Odoo adapter does not map to Odoo taxes yet. Use tax-free prices in Medusa for this store, or the Tryton adapter, until it does.`,
        "unmapped_tax"
      )
    }
    const products = await this.productsBySku(input)
    const digits = currencyDigits(input.currencyCode)
    const lines: Array<Record<string, unknown>> = input.lines.flatMap((line) =>
      exactLines(line.netAmount, line.quantity, digits).map((part) => ({
        product_id: products.get(line.sku)!.id, name: line.title, product_uom_qty: part.quantity, price_unit: Number(part.unitPrice),
      }))
    )
    if (input.shipping.length) {
      const shippingProduct = await this.shippingProductId(input)
      for (const s of input.shipping) lines.push({ product_id: shippingProduct, name: s.title, product_uom_qty: 1, price_unit: Number(s.netAmount) })
    }
    const [id] = await this.client.call<number[]>("sale.order", "create", {
      params: { vals_list: [{
        partner_id: Number(input.customer.externalId),
        partner_shipping_id: Number(input.customer.shippingAddressId),
        partner_invoice_id: Number(input.customer.billingAddressId),
        client_order_ref: input.reference,
        origin: `Medusa order #${input.orderNumber}`,
        date_order: `${input.orderDate} 00:00:00`,
        order_line: lines.map((l) => [0, 0, l]),
      }] },
    })
    const [sale] = await this.readSales([id])
    if (!MathBN.eq(MathBN.convert(sale.amount_total).toFixed(digits), input.total)) {
      await this.client.call("sale.order", "action_cancel", { ids: [id] }).catch(() => undefined)
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: Odoo computes a total of ${MathBN.convert(sale.amount_total).toFixed(digits)} ${input.currencyCode} for ${sale.name}, but Medusa charged ${input.total} ${input.currencyCode} (the quotation was cancelled). Check the order's pricelist and fiscal position in Odoo, then retry.`,
        "total_mismatch"
      )
    }
    return { ...(await this.confirm(sale)), created: true }
  }

  async cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    const [sale] = await this.readSales([Number(externalId)])
    if (sale.state === "cancel") return { state: "cancelled", summary: `sale order ${sale.name} was already cancelled` }
    await this.client.call("sale.order", "action_cancel", { ids: [sale.id] })
    const [after] = await this.readSales([sale.id])
    if (after.state !== "cancel") throw this.permanent(`Odoo did not cancel sale order ${after.name} (state ${after.state})`, "odoo_cancel_refused")
    return { state: "cancelled", summary: `sale order ${after.name} cancelled` }
  }

  async getStockLevels(skus: string[]): Promise<Record<string, { onHand: number; forecast: number }>> {
    if (!skus.length) return {}
    const rows = z.array(productSchema).parse(await this.readProducts(skus))
    return Object.fromEntries(rows.filter((p) => p.default_code).map((p) => [p.default_code as string, { onHand: p.qty_available, forecast: p.virtual_available }]))
  }

  private async confirm(sale: OdooSaleOrder): Promise<ErpSalesOrder> {
    if (sale.state === "draft" || sale.state === "sent") {
      await this.client.call("sale.order", "action_confirm", { ids: [sale.id] })
      ;[sale] = await this.readSales([sale.id])
    }
    return toErpOrder(sale)
  }

  private async liveSale(reference: string): Promise<OdooSaleOrder | null> {
    const domain = [["client_order_ref", "=", reference], ["state", "!=", "cancel"]]
    const rows = await this.client.call<unknown[]>("sale.order", "search_read", { params: { domain, fields: SALE_FIELDS, limit: 1, order: "id asc" } })
    return rows.length ? saleOrderSchema.parse(rows[0]) : null
  }

  private async readSales(ids: number[]): Promise<OdooSaleOrder[]> {
    const rows = await this.client.call<unknown[]>("sale.order", "read", { ids, params: { fields: SALE_FIELDS } })
    if (rows.length !== ids.length) throw this.permanent(`Odoo has no sale order with id ${ids.join(", ")}`, "odoo_not_found")
    return z.array(saleOrderSchema).parse(rows)
  }

  private readProducts(skus: string[]): Promise<unknown[]> {
    const domain = [["default_code", "in", skus]]
    return this.client.call<unknown[]>("product.product", "search_read", { params: { domain, fields: PRODUCT_FIELDS } })
  }

  /** The order's products by SKU (Odoo's internal reference), with the connection's stock and price checks. */
  private async productsBySku(input: ErpSalesOrderInput) {
    const skus = [...new Set(input.lines.map((l) => l.sku))]
    const bySku = new Map(z.array(productSchema).parse(await this.readProducts(skus)).map((p) => [String(p.default_code), p]))
    const missing = input.lines.find((l) => !bySku.has(l.sku))
    if (missing) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: line item '${missing.title}' has SKU '${missing.sku}', which is not a product in Odoo. Create a product with internal reference '${missing.sku}' in Odoo or correct the SKU in Medusa, then retry.`,
        "unknown_sku"
      )
    }
    const checked = new Map([...bySku].map(([sku, p]) => [sku, { forecast: p.virtual_available, listPrice: p.list_price }]))
    checkOrderAgainstProducts(input, checked, { connectionId: this.connectionId, words: ODOO_WORDS, comparePrices: true })
    return bySku
  }

  private async shippingProductId(input: ErpSalesOrderInput): Promise<number> {
    const sku = SHIPPING_SKU
    const [product] = z.array(productSchema).parse(await this.readProducts([sku]))
    if (!product) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: Odoo has no service product with internal reference '${sku}' to carry the shipping charge. Create it in Odoo (Sales › Products, type Service), then retry.`,
        "odoo_no_shipping_product"
      )
    }
    return product.id
  }

  private async ensureAddress(partnerId: number, type: "delivery" | "invoice", address: ErpAddress): Promise<number> {
    const fields = ["id", "street", "zip", "city"]
    const domain = [["parent_id", "=", partnerId], ["type", "=", type]]
    const rows = await this.client.call<Array<{ id: number; street: string | false; zip: string | false; city: string | false }>>("res.partner", "search_read", {
      params: { domain, fields, order: "id asc" },
    })
    const match = rows.find((r) => isSamePlace({ street: r.street || "", postalCode: r.zip || null, city: r.city || "" }, address))
    if (match) return match.id
    const countryId = address.countryCode ? await this.countryId(address.countryCode) : null
    const [street, ...rest] = address.street.split("\n")
    const [id] = await this.client.call<number[]>("res.partner", "create", {
      params: { vals_list: [{ parent_id: partnerId, type, name: address.name, street, street2: rest.join(", ") || false, city: address.city, zip: address.postalCode || false, country_id: countryId ?? false }] },
    })
    return id
  }

  private readonly countries = new Map<string, number>()
  private async countryId(code: string): Promise<number | null> {
    const key = code.toUpperCase()
    if (this.countries.has(key)) return this.countries.get(key)!
    const domain = [["code", "=", key]]
    const [row] = await this.client.call<Array<{ id: number }>>("res.country", "search_read", { params: { domain, fields: ["id"], limit: 1 } })
    if (row) this.countries.set(key, row.id)
    return row?.id ?? null
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}

/** The internal reference of the service product that carries the shipping charge in Odoo. */
export const SHIPPING_SKU = "MEDUSA-SHIPPING"

/**
 * A line's net amount as Odoo lines with its 2-digit unit prices: one line when the amount divides evenly by the
 * quantity, else the quantity less one at the unit price rounded down and one unit carrying the rest, so the
 * lines add up to the amount exactly (e.g. 18.50 for 3 → 2 × 6.16 + 1 × 6.18).
 */
export function exactLines(netAmount: string, quantity: number, digits: number): Array<{ quantity: number; unitPrice: string }> {
  const unit = MathBN.convert(netAmount).div(quantity).decimalPlaces(digits, 1 /* ROUND_DOWN */)
  if (MathBN.eq(unit.times(quantity), netAmount) || quantity <= 1 || !Number.isInteger(quantity)) {
    return [{ quantity, unitPrice: MathBN.convert(netAmount).div(quantity).toFixed(digits) }]
  }
  const last = MathBN.convert(netAmount).minus(unit.times(quantity - 1))
  return [{ quantity: quantity - 1, unitPrice: unit.toFixed(digits) }, { quantity: 1, unitPrice: last.toFixed(digits) }]
}

function toErpOrder(sale: OdooSaleOrder): ErpSalesOrder {
  return { externalId: String(sale.id), number: sale.name, reference: sale.client_order_ref || "", state: STATE[sale.state] }
}

const DESCRIPTIONS: Record<string, string> = {
  "common.login": "log in to Odoo",
  "res.users.search_count": "check the API key",
  "res.partner.search_read": "find the customer by e-mail",
  "res.partner.create": "create the customer",
  "res.partner.unlink": "remove the customer",
  "res.country.search_read": "look up the country",
  "product.product.search_read": "find the products by SKU",
  "sale.order.search_read": "find the sale order by our reference",
  "sale.order.create": "create the sale order",
  "sale.order.read": "read the sale order",
  "sale.order.action_confirm": "confirm the sale order",
  "sale.order.action_cancel": "cancel the sale order",
}
