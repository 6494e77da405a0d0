import { MathBN } from "@medusajs/framework/utils"
import { z, ZodType } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { currencyDigits, roundingDifference } from "../../lib/money"
import type { ErpCancelResult, ErpCustomerInput, ErpCustomerRef, ErpOrderState, ErpPaymentInput, ErpPaymentResult, ErpProvider, ErpRefundInput, ErpRefundResult, ErpSalesOrder, ErpSalesOrderInput, ErpStockLevel, ErpStockPage, ErpStockPageRequest, ErpTaxLine, ProviderDeps, ErpSaleDetail, LegacyMatchField, ErpTextSearch, ErpTextSearchPage, ErpReturn, ErpReturnInput, ErpDelivery, ErpDeliveryInput, ErpShipmentPage, ErpShipmentPageRequest } from "../types"
import { checkOrderAgainstProducts, mapOrderTaxes, sumBySku } from "../order-checks"
import { likeLiteral } from "../text-match"
import { assertProviderOptions } from "../validate-options"
import { creditRefund } from "../credit-note"
import { OdooClient } from "./client"
import { odooDateTime } from "./mappers"
import { OdooCancellation } from "./cancel"
import { OdooCreditNotes } from "./credit-notes"
import { OdooCustomers } from "./customers"
import { describeOdooCall } from "./describe-call"
import { OdooLookups } from "./lookups"
import { OdooPayments } from "./payments"
import { OdooReturns } from "./returns"
import { OdooDeliveries } from "./deliveries"
import { OdooShipments } from "./shipments"
import { OdooStock } from "./stock"
import { OdooOptions, odooOptionsSchema, OdooSaleOrder, productSchema, SALE_FIELDS, saleOrderSchema } from "./types"

/** How the order checks name Odoo's figures. */
const ODOO_WORDS = { erp: "Odoo", forecast: "forecasted quantity", listPrice: "sales price" }
const STATE: Record<OdooSaleOrder["state"], ErpOrderState> = { draft: "draft", sent: "quotation", sale: "processing", done: "done", cancel: "cancelled" }

/** What Odoo's web client calls each kind of record, for links from the admin. */
const MODEL: Record<string, string> = { customer: "res.partner", order: "sale.order", invoice: "account.move" }

/**
 * Odoo ERP adapter over the external API (JSON-RPC, or JSON-2 on Odoo 19). Customers are partners found by
 * e-mail, with a delivery and an invoice address as child contacts; an order is a `sale.order` whose
 * `client_order_ref` holds our stable reference, confirmed with `action_confirm`. Prices travel per line with
 * Odoo's 2 price digits; a line whose net amount does not divide evenly is split in two (the last unit carries
 * the cents). Taxes are Odoo's own, mapped by `options.taxes`; a rounding line makes Odoo's total Medusa's.
 * Shipping is a line of the service product `MEDUSA-SHIPPING`. Payments invoice the sale, post the invoice and
 * register the captured amount; refunds are credit notes, paid out. Customer returns are return pickings of the
 * sale's delivery (returns.ts).
 */
export class OdooErpProvider implements ErpProvider {
  static identifier = "odoo"
  static kind = "erp" as const
  readonly kind = "erp" as const

  private readonly client: OdooClient
  // The adapter by concern: lookups, customers, payments, credit notes, cancelling, stock, returns, deliveries; sales are here.
  private readonly lookups: OdooLookups
  private readonly customers: OdooCustomers
  private readonly payments: OdooPayments
  private readonly creditNotes: OdooCreditNotes
  private readonly cancellation: OdooCancellation
  private readonly stock: OdooStock
  private readonly returns: OdooReturns
  private readonly deliveries: OdooDeliveries
  private readonly shipments: OdooShipments
  private readonly options: OdooOptions
  private readonly connectionId: string

  static optionsSchema: ZodType = odooOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(odooOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = odooOptionsSchema.parse(options)
    this.connectionId = deps.connection.id
    this.client = new OdooClient(deps.createHttpClient(this.options.url.replace(/\/+$/, ""), [this.options.apiKey]), this.options)
    this.lookups = new OdooLookups(this.client, this.connectionId)
    this.customers = new OdooCustomers(this.client)
    this.payments = new OdooPayments(this.client, this.connectionId, this.lookups)
    this.cancellation = new OdooCancellation(this.client, this.connectionId, this.payments, (ids) => this.readSales(ids))
    this.stock = new OdooStock(this.client, this.connectionId, this.lookups)
    this.returns = new OdooReturns(this.client, this.connectionId)
    this.deliveries = new OdooDeliveries(this.client, this.connectionId)
    this.shipments = new OdooShipments(this.client, this.connectionId)
    this.creditNotes = new OdooCreditNotes({
      client: this.client,
      connectionId: this.connectionId,
      saleAndInvoice: async (input) => {
        const sale = await this.payments.readSaleForMoney(input)
        return { sale, invoice: await this.payments.invoiceOf(sale) }
      },
      roundingProductId: (input) => this.lookups.serviceProductId(ROUNDING_SKU, input, "to carry the rounding difference"),
      registerPayment: (moveId, input) => this.payments.registerPayment(moveId, input),
    })
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
    return describeOdooCall(operation)
  }

  upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    return this.customers.upsertCustomer(input)
  }

  deleteCustomer(externalId: string): Promise<boolean> {
    return this.customers.deleteCustomer(externalId)
  }

  recordPayment(input: ErpPaymentInput): Promise<ErpPaymentResult> {
    return this.payments.recordPayment(input)
  }

  cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    return this.cancellation.cancelSalesOrder(externalId)
  }

  getStockLevels(skus: string[], opts: { warehouse?: string | null } = {}): Promise<Record<string, ErpStockLevel>> {
    return this.stock.getStockLevels(skus, opts)
  }

  listStockLevels(page: ErpStockPageRequest): Promise<ErpStockPage> {
    return this.stock.listStockLevels(page)
  }

  salesCountedInStock(externalIds: string[]): Promise<Set<string>> {
    return this.stock.salesCountedInStock(externalIds)
  }

  createReturn(input: ErpReturnInput): Promise<ErpReturn> {
    return this.returns.createReturn(input)
  }

  receiveReturn(externalId: string, input: ErpReturnInput): Promise<ErpReturn> {
    return this.returns.receiveReturn(externalId, input)
  }

  cancelReturn(externalId: string): Promise<ErpReturn> {
    return this.returns.cancelReturn(externalId)
  }

  /** The deliveries Odoo's warehouse validated since a cursor (connections[].fulfilment "erp"). */
  listShipmentsDone(page: ErpShipmentPageRequest): Promise<ErpShipmentPage> {
    return this.shipments.listShipmentsDone(page)
  }

  /** The lines shipped leave through the sale's open delivery; Odoo keeps the rest on a backorder. */
  recordDelivery(input: ErpDeliveryInput): Promise<ErpDelivery> {
    return this.deliveries.recordDelivery(input)
  }

  async findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null> {
    const sale = await this.liveSale(reference)
    return sale && toErpOrder(sale)
  }

  /** `reference` is the sale's Customer Reference (client_order_ref), `description` its Source Document (origin). */
  async findSalesOrdersByText(field: LegacyMatchField, text: string, page: ErpTextSearch): Promise<ErpTextSearchPage> {
    const name = field === "reference" ? "client_order_ref" : "origin"
    // `ilike` puts the % around the value itself; `=ilike` takes it as the whole pattern.
    const domain = [[name, page.exact ? "=ilike" : "ilike", likeLiteral(text)], ["state", "!=", "cancel"], ...(page.after === null ? [] : [["id", ">", Number(page.after)]])]
    const rows = await this.client.call<Array<Record<string, unknown>>>("sale.order", "search_read", {
      params: { domain, fields: [...SALE_FIELDS, name], limit: page.limit, order: "id asc" },
    })
    const sales = rows.map((row) => ({ ...toErpOrder(saleOrderSchema.parse(row)), matched: typeof row[name] === "string" ? row[name] : "" }))
    return { sales, next: rows.length === page.limit ? sales[sales.length - 1].externalId : null }
  }

  async getSalesOrder(externalId: string): Promise<ErpSaleDetail | null> {
    const rows = await this.client.call<Array<Record<string, unknown>>>("sale.order", "search_read", {
      params: { domain: [["id", "=", Number(externalId)]], fields: [...SALE_FIELDS, "currency_id", "order_line"], limit: 1 },
    })
    if (!rows.length) return null
    const sale = saleOrderSchema.parse(rows[0])
    const lineIds = z.array(z.number().int()).parse(rows[0].order_line ?? [])
    const lines = lineIds.length
      ? z.array(z.object({ product_id: z.union([z.tuple([z.number().int(), z.string()]), z.literal(false)]), product_uom_qty: z.number() })).parse(
          await this.client.call("sale.order.line", "read", { ids: lineIds, params: { fields: ["product_id", "product_uom_qty"] } })
        )
      : []
    const productIds = [...new Set(lines.flatMap((l) => (l.product_id ? [l.product_id[0]] : [])))]
    const products = productIds.length
      ? z.array(z.object({ id: z.number().int(), default_code: z.union([z.string(), z.literal(false)]) })).parse(
          await this.client.call("product.product", "read", { ids: productIds, params: { fields: ["default_code"] } })
        )
      : []
    const skuOf = new Map(products.map((p) => [p.id, p.default_code || `product ${p.id}`]))
    const currency = rows[0].currency_id
    return {
      ...toErpOrder(sale),
      total: String(sale.amount_total),
      currencyCode: Array.isArray(currency) && typeof currency[1] === "string" ? currency[1] : null,
      // The service products carrying shipping, rounding and exchange credits are not the order's lines.
      lines: sumBySku(lines.flatMap((l) => (l.product_id ? [{ sku: skuOf.get(l.product_id[0])!, quantity: l.product_uom_qty }] : [])).filter((l) => !SERVICE_SKUS.includes(l.sku))),
    }
  }

  async createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    const existing = await this.liveSale(input.reference)
    if (existing) return { ...(await this.complete(existing, input)), created: false }

    const { products, backordered } = await this.productsBySku(input)
    const pricelist = await this.lookups.pricelistId(input)
    const taxesOf = await mapOrderTaxes(input, { connectionId: this.connectionId, erp: "Odoo", mapping: this.options.taxes, findByName: (name) => this.lookups.taxId(name) })
    const { saleTax } = await this.lookups.fieldNames()
    const taxed = (taxes: ErpTaxLine[]) => {
      const ids = taxesOf(taxes)
      return ids.length ? { [saleTax]: [[6, 0, ids]] } : {}
    }
    const digits = currencyDigits(input.currencyCode)
    const lines: Array<Record<string, unknown>> = input.lines.flatMap((line) =>
      exactLines(line.netAmount, line.quantity, digits).map((part) => ({
        product_id: products.get(line.sku)!.id, name: line.title, product_uom_qty: part.quantity, price_unit: Number(part.unitPrice), ...taxed(line.taxes),
      }))
    )
    if (input.shipping.length) {
      const shippingProduct = await this.lookups.serviceProductId(SHIPPING_SKU, input, "to carry the shipping charge")
      for (const s of input.shipping) lines.push({ product_id: shippingProduct, name: s.title, product_uom_qty: 1, price_unit: Number(s.netAmount), ...taxed(s.taxes) })
    }
    if (input.credits?.length) {
      // Goods an exchange takes back: a service line at a negative price, so Odoo moves no stock for it (the return picking does).
      const creditProduct = await this.lookups.serviceProductId(EXCHANGE_CREDIT_SKU, input, "to credit the goods an exchange or claim takes back")
      for (const c of input.credits) lines.push({ product_id: creditProduct, name: c.title, product_uom_qty: 1, price_unit: -Number(c.netAmount), ...taxed(c.taxes) })
    }
    const [id] = await this.client.call<number[]>("sale.order", "create", {
      params: { vals_list: [{
        partner_id: Number(input.customer.externalId),
        partner_shipping_id: Number(input.customer.shippingAddressId),
        partner_invoice_id: Number(input.customer.billingAddressId),
        client_order_ref: input.reference,
        pricelist_id: pricelist,
        origin: `Medusa order #${input.orderNumber}`,
        // A datetime, kept in UTC: the instant itself, which Odoo shows on the store's day in the store's zone.
        ...(input.placedAt ? { date_order: odooDateTime(new Date(input.placedAt)) } : {}),
        order_line: lines.map((l) => [0, 0, l]),
      }] },
    })
    const sale = await this.oneSaleFor(input.reference, id)
    // Odoo confirms a sale beyond its stock (the delivery waits for it): a backorder is confirmed as any sale.
    return { ...(await this.complete(sale, input)), created: sale.id === id, ...(backordered ? { backordered } : {}) }
  }

  /**
   * Reads back the sale order just created, together with any other live one of the same reference: a create whose
   * answer was lost may have been committed after the lookup before ours, or another run created one at the same
   * time. The oldest is kept (every run agrees on it) and the others are cancelled, so the order has one sale order.
   */
  private async oneSaleFor(reference: string, createdId: number): Promise<OdooSaleOrder> {
    const live = await this.liveSales(reference)
    const keep = live[0] ?? (await this.readSales([createdId]))[0]
    for (const extra of live.slice(1)) await this.cancelSalesOrder(String(extra.id))
    return keep
  }

  /**
   * A quotation's total is made Medusa's to the minor unit (a line of the service product `MEDUSA-ROUNDING` where
   * only rounding differs: Odoo rounds each line's taxes, Medusa the order once), or it is cancelled and the sale
   * refused; then it is confirmed. A confirmed sale is left as it is.
   */
  private async complete(sale: OdooSaleOrder, input: ErpSalesOrderInput): Promise<ErpSalesOrder> {
    if (sale.state !== "draft" && sale.state !== "sent") return toErpOrder(sale)
    const digits = currencyDigits(input.currencyCode)
    const odooTotal = () => MathBN.convert(sale.amount_total).toFixed(digits)
    const difference = roundingDifference(input.total, odooTotal(), digits, input.lines.length + input.shipping.length + (input.credits?.length ?? 0))
    if (difference !== null && !MathBN.eq(difference, 0)) {
      const product = await this.lookups.serviceProductId(ROUNDING_SKU, input, "to carry the rounding difference between Odoo's per-line taxes and Medusa's total")
      await this.client.call("sale.order", "write", {
        ids: [sale.id], params: { vals: { order_line: [[0, 0, { product_id: product, name: "Rounding difference (Medusa rounds the order total once)", product_uom_qty: 1, price_unit: Number(difference) }]] } },
      })
      ;[sale] = await this.readSales([sale.id])
    }
    if (!MathBN.eq(odooTotal(), input.total)) {
      await this.client.call("sale.order", "action_cancel", { ids: [sale.id] }).catch(() => undefined)
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: Odoo computes a total of ${odooTotal()} ${input.currencyCode} for ${sale.name}, but Medusa charged ${input.total} ${input.currencyCode} (the quotation was cancelled). ` +
          `Check that options.taxes maps each Medusa tax rate to an Odoo tax with the same rate, and the order's pricelist and fiscal position in Odoo, then retry.`,
        "total_mismatch"
      )
    }
    const confirm = await this.client.call("sale.order", "action_confirm", { ids: [sale.id] }).then(() => null, (err: unknown) => err)
    const [after] = await this.readSales([sale.id])
    // Another run confirmed it meanwhile (Odoo refuses a second confirm): already where it should be.
    if (confirm && after.state !== "sale" && after.state !== "done") throw confirm
    return toErpOrder(after)
  }

  /** Credits a refund with a credit note (`out_refund`) against the sale's posted invoice, paid out: `creditRefund`, shared by every ERP. */
  async recordRefund(input: ErpRefundInput): Promise<ErpRefundResult> {
    return creditRefund(this.creditNotes, input)
  }

  private async liveSale(reference: string): Promise<OdooSaleOrder | null> {
    return (await this.liveSales(reference, 1))[0] ?? null
  }

  /** The sale orders carrying `reference` that are not cancelled, oldest first (at most `limit`). */
  private async liveSales(reference: string, limit?: number): Promise<OdooSaleOrder[]> {
    const domain = [["client_order_ref", "=", reference], ["state", "!=", "cancel"]]
    const rows = await this.client.call<unknown[]>("sale.order", "search_read", { params: { domain, fields: SALE_FIELDS, order: "id asc", ...(limit ? { limit } : {}) } })
    return z.array(saleOrderSchema).parse(rows)
  }

  private async readSales(ids: number[]): Promise<OdooSaleOrder[]> {
    const rows = await this.client.call<unknown[]>("sale.order", "read", { ids, params: { fields: SALE_FIELDS } })
    if (rows.length !== ids.length) throw this.permanent(`Odoo has no sale order with id ${ids.join(", ")}`, "odoo_not_found")
    return z.array(saleOrderSchema).parse(rows)
  }

  /**
   * The order's products by SKU (Odoo's internal reference), with the connection's stock and price checks; what
   * Medusa sold on backorder beyond the forecast, in words (`backordered`).
   */
  private async productsBySku(input: ErpSalesOrderInput) {
    const skus = [...new Set(input.lines.map((l) => l.sku))]
    const bySku = new Map(z.array(productSchema).parse(await this.lookups.readProducts(skus)).map((p) => [String(p.default_code), p]))
    const missing = input.lines.find((l) => !bySku.has(l.sku))
    if (missing) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: line item '${missing.title}' has SKU '${missing.sku}', which is not a product in Odoo. Create a product with internal reference '${missing.sku}' in Odoo or correct the SKU in Medusa, then retry.`,
        "unknown_sku"
      )
    }
    const checked = new Map([...bySku].map(([sku, p]) => [sku, { forecast: p.virtual_available, listPrice: p.list_price }]))
    const backordered = checkOrderAgainstProducts(input, checked, { connectionId: this.connectionId, words: ODOO_WORDS, comparePrices: true })
    return { products: bySku, backordered }
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}

/** The internal reference of the service product that carries the shipping charge in Odoo. */
export const SHIPPING_SKU = "MEDUSA-SHIPPING"
/** The internal reference of the service product that carries a rounding difference (needed only when one occurs). */
export const ROUNDING_SKU = "MEDUSA-ROUNDING"
/** The internal reference of the service product that credits, on an exchange's or claim's sale, the goods it takes back. */
export const EXCHANGE_CREDIT_SKU = "MEDUSA-EXCHANGE-CREDIT"
const SERVICE_SKUS = [SHIPPING_SKU, ROUNDING_SKU, EXCHANGE_CREDIT_SKU]

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
