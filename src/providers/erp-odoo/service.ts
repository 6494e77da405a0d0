import { MathBN } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { currencyDigits, roundingDifference } from "../../lib/money"
import { isSamePlace } from "../address"
import type {
  ErpAddress,
  ErpCancelResult,
  ErpCustomerInput,
  ErpCustomerRef,
  ErpOrderState,
  ErpPaymentInput,
  ErpPaymentResult,
  ErpProvider,
  ErpRefundInput,
  ErpRefundResult,
  ErpSalesOrder,
  ErpSalesOrderInput,
  ErpStockLevel,
  ErpStockPage,
  ErpStockPageRequest,
  ErpTaxLine,
  ProviderDeps,
  ErpSaleDetail,
  LegacyMatchField,
  ErpTextSearch,
  ErpTextSearchPage,
} from "../types"
import { checkOrderAgainstProducts, mapOrderTaxes, sumBySku } from "../order-checks"
import { emailKey, likeLiteral } from "../text-match"
import { assertProviderOptions } from "../validate-options"
import { creditRefund } from "../credit-note"
import { OdooClient } from "./client"
import { OdooCreditNotes } from "./credit-notes"
import { moveSchema, OdooMove, OdooOptions, odooOptionsSchema, OdooSaleOrder, productSchema, quantSchema, saleOrderSchema, warehouseSchema } from "./types"

const SALE_FIELDS = ["id", "name", "client_order_ref", "state", "amount_total", "invoice_ids", "invoice_status"]
const MOVE_FIELDS = ["id", "name", "move_type", "state", "partner_id", "currency_id", "amount_total", "amount_residual", "payment_state", "invoice_line_ids"]
const PRODUCT_FIELDS = ["id", "default_code", "list_price", "qty_available", "virtual_available"]
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
 * register the captured amount; refunds are credit notes, paid out.
 */
export class OdooErpProvider implements ErpProvider {
  static identifier = "odoo"
  static kind = "erp" as const
  readonly kind = "erp" as const

  private readonly client: OdooClient
  private readonly creditNotes: OdooCreditNotes
  private readonly options: OdooOptions
  private readonly connectionId: string

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(odooOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = odooOptionsSchema.parse(options)
    this.connectionId = deps.connection.id
    this.client = new OdooClient(deps.createHttpClient(this.options.url.replace(/\/+$/, ""), [this.options.apiKey]), this.options)
    this.creditNotes = new OdooCreditNotes({
      client: this.client,
      connectionId: this.connectionId,
      saleAndInvoice: async (input) => {
        const sale = await this.readSaleForMoney(input)
        return { sale, invoice: await this.invoiceOf(sale) }
      },
      roundingProductId: (input) => this.serviceProductId(ROUNDING_SKU, input, "to carry the rounding difference"),
      registerPayment: (moveId, input) => this.registerPayment(moveId, input),
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
    return DESCRIPTIONS[operation] ?? null
  }

  async upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    // Any case, as the hub locks per e-mail: `=ilike` with the e-mail's wildcards escaped, then the same comparison
    // here, so no pattern takes another address. The oldest partner wins.
    const found = z.array(z.object({ id: z.number().int(), email: z.union([z.string(), z.literal(false)]) })).parse(
      await this.client.call("res.partner", "search_read", {
        params: { domain: [["email", "=ilike", likeLiteral(input.email.trim())], ["parent_id", "=", false]], fields: ["id", "email"], order: "id asc" },
      })
    )
    let partnerId = found.find((p) => p.email !== false && emailKey(p.email) === emailKey(input.email))?.id
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
      // The service products carrying shipping and rounding are not the order's lines.
      lines: sumBySku(lines.flatMap((l) => (l.product_id ? [{ sku: skuOf.get(l.product_id[0])!, quantity: l.product_uom_qty }] : [])).filter((l) => l.sku !== SHIPPING_SKU && l.sku !== ROUNDING_SKU)),
    }
  }

  async createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    const existing = await this.liveSale(input.reference)
    if (existing) return { ...(await this.complete(existing, input)), created: false }

    const products = await this.productsBySku(input)
    const pricelist = await this.pricelistId(input)
    const taxesOf = await mapOrderTaxes(input, { connectionId: this.connectionId, erp: "Odoo", mapping: this.options.taxes, findByName: (name) => this.taxId(name) })
    const { saleTax } = await this.fieldNames()
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
      const shippingProduct = await this.serviceProductId(SHIPPING_SKU, input, "to carry the shipping charge")
      for (const s of input.shipping) lines.push({ product_id: shippingProduct, name: s.title, product_uom_qty: 1, price_unit: Number(s.netAmount), ...taxed(s.taxes) })
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
    return { ...(await this.complete(sale, input)), created: sale.id === id }
  }

  /**
   * Reads back the sale order just created, together with any other live one of the same reference: a create whose
   * answer was lost may have been committed after the lookup before ours, or another run created one at the same
   * time. The oldest is kept (every run agrees on it) and the others are cancelled, so the order has one sale order.
   */
  private async oneSaleFor(reference: string, createdId: number): Promise<OdooSaleOrder> {
    const domain = [["client_order_ref", "=", reference], ["state", "!=", "cancel"]]
    const live = z.array(saleOrderSchema).parse(await this.client.call<unknown[]>("sale.order", "search_read", { params: { domain, fields: SALE_FIELDS, order: "id asc" } }))
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
    const difference = roundingDifference(input.total, odooTotal(), digits, input.lines.length + input.shipping.length)
    if (difference !== null && !MathBN.eq(difference, 0)) {
      const product = await this.serviceProductId(ROUNDING_SKU, input, "to carry the rounding difference between Odoo's per-line taxes and Medusa's total")
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

  /**
   * Registers a captured amount against the sale's customer invoice: Odoo invoices the sale first when it has
   * something to invoice (the "Create invoice" wizard, `sale.advance.payment.inv`, regular invoice) and the invoice
   * is posted; then the "Register payment" wizard (`account.payment.register`) pays the captured amount (a partial
   * capture leaves the rest open) with our reference as the payment's memo. A payment with that memo was
   * registered before, and nothing is paid twice.
   */
  async recordPayment(input: ErpPaymentInput): Promise<ErpPaymentResult> {
    const sale = await this.readSaleForMoney(input)
    let invoice = await this.invoiceOf(sale)
    if (!invoice) {
      if (sale.invoice_status !== "to invoice") {
        throw new IntegrationError(
          `Odoo has nothing to invoice yet for sale order ${sale.name} of order #${input.orderNumber} (invoice status "${sale.invoice_status ?? "no"}"; products invoiced on delivery are invoiced once delivered): the payment is recorded once it is invoiced (will retry)`,
          { connectionId: this.connectionId, code: "odoo_not_invoiced", retryable: true }
        )
      }
      const context = { active_model: "sale.order", active_id: sale.id, active_ids: [sale.id] }
      const [wizard] = await this.client.call<number[]>("sale.advance.payment.inv", "create", { params: { vals_list: [{ advance_payment_method: "delivered" }], context } })
      await this.client.call("sale.advance.payment.inv", "create_invoices", { ids: [wizard], params: { context } })
      invoice = await this.invoiceOf(await this.readSaleForMoney(input))
      if (!invoice) throw this.permanent(`Odoo made no invoice for sale order ${sale.name} of order #${input.orderNumber}`, "odoo_no_invoice")
    }
    const { paymentMemo } = await this.fieldNames()
    const paid = await this.client.call<unknown[]>("account.payment", "search_read", { params: { domain: [[paymentMemo, "=", input.reference]], fields: ["id"], limit: 1 } })
    if (paid.length) return this.paymentResult(invoice, false, input.currencyCode)
    if (invoice.state === "draft") await this.client.call("account.move", "action_post", { ids: [invoice.id] })
    await this.registerPayment(invoice.id, input)
    const [after] = await this.readMoves([invoice.id])
    return this.paymentResult(after, true, input.currencyCode)
  }

  /** Credits a refund with a credit note (`out_refund`) against the sale's posted invoice, paid out: `creditRefund`, shared by every ERP. */
  async recordRefund(input: ErpRefundInput): Promise<ErpRefundResult> {
    return creditRefund(this.creditNotes, input)
  }

  /** The "Register payment" wizard on one posted invoice or credit note, for `amount`, our reference as memo. */
  private async registerPayment(moveId: number, input: { amount: string; reference: string; date: string }): Promise<void> {
    const context = { active_model: "account.move", active_id: moveId, active_ids: [moveId] }
    const [wizard] = await this.client.call<number[]>("account.payment.register", "create", {
      params: { vals_list: [{ amount: Number(input.amount), payment_date: input.date, communication: input.reference, payment_difference_handling: "open" }], context },
    })
    await this.client.call("account.payment.register", "action_create_payments", { ids: [wizard], params: { context } })
  }

  private async readSaleForMoney(input: { saleExternalId: string; orderNumber: string }): Promise<OdooSaleOrder> {
    const rows = await this.client.call<unknown[]>("sale.order", "read", { ids: [Number(input.saleExternalId)], params: { fields: SALE_FIELDS } })
    if (!rows.length) throw this.permanent(`Odoo has no sale order with id ${input.saleExternalId} (order #${input.orderNumber})`, "odoo_not_found")
    return saleOrderSchema.parse(rows[0])
  }

  /** The sale's customer invoice (the oldest not cancelled), if Odoo made one. */
  private async invoiceOf(sale: OdooSaleOrder): Promise<OdooMove | undefined> {
    const moves = await this.readMoves(sale.invoice_ids ?? [])
    return moves.find((m) => m.move_type === "out_invoice" && m.state !== "cancel")
  }

  private async readMoves(ids: number[]): Promise<OdooMove[]> {
    if (!ids.length) return []
    const rows = await this.client.call<unknown[]>("account.move", "read", { ids: [...ids].sort((a, b) => a - b), params: { fields: MOVE_FIELDS } })
    return z.array(moveSchema).parse(rows)
  }

  private paymentResult(invoice: OdooMove, created: boolean, currencyCode: string): ErpPaymentResult {
    const amountDue = MathBN.convert(invoice.amount_residual).toFixed(currencyDigits(currencyCode))
    return { invoiceExternalId: String(invoice.id), invoiceNumber: invoice.name || null, amountDue, created }
  }

  /**
   * Cancels the sale order and its invoices Odoo lets go: a draft invoice is cancelled, a posted unpaid one reset
   * to draft and cancelled. A paid (or partly paid) invoice stops the cancel, in words: money has changed hands,
   * and only staff can decide on the credit note and the refund.
   */
  async cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    const [sale] = await this.readSales([Number(externalId)])
    if (sale.state === "cancel") return { state: "cancelled", summary: `sale order ${sale.name} was already cancelled` }
    const invoices = (await this.readMoves(sale.invoice_ids ?? [])).filter((m) => m.move_type === "out_invoice" && m.state !== "cancel")
    const paid = invoices.find((m) => m.state === "posted" && m.payment_state !== "not_paid")
    if (paid) {
      throw this.permanent(
        `Cannot cancel sale order ${sale.name} in Odoo: invoice ${paid.name} is ${paid.payment_state === "partial" ? "partly paid" : "paid"} — issue a credit note in Odoo (and refund the customer), then mark this cancellation done.`,
        "odoo_invoice_paid"
      )
    }
    for (const invoice of invoices) {
      if (invoice.state === "posted") await this.client.call("account.move", "button_draft", { ids: [invoice.id] })
      await this.client.call("account.move", "button_cancel", { ids: [invoice.id] })
    }
    await this.client.call("sale.order", "action_cancel", { ids: [sale.id] })
    const [after] = await this.readSales([sale.id])
    if (after.state !== "cancel") throw this.permanent(`Odoo did not cancel sale order ${after.name} (state ${after.state})`, "odoo_cancel_refused")
    const invoiced = invoices.length ? `, invoice ${invoices.map((i) => i.name || `id ${i.id}`).join(", ")} cancelled` : ""
    return { state: "cancelled", summary: `sale order ${after.name} cancelled${invoiced}` }
  }

  /**
   * Without a warehouse: the company's quantities, Odoo's own `qty_available` (on hand) and `virtual_available`
   * (forecast: on hand less every confirmed delivery, plus every confirmed receipt). In a warehouse (its `code`): the
   * stock quants of its stock location and the locations under it, on hand = their `quantity`, forecast = on hand
   * less their `reserved_quantity` (what Odoo has set aside for deliveries, the orders it already has).
   */
  async getStockLevels(skus: string[], opts: { warehouse?: string | null } = {}): Promise<Record<string, ErpStockLevel>> {
    if (!skus.length) return {}
    const rows = z.array(productSchema).parse(await this.readProducts(skus)).filter((p) => p.default_code)
    if (!opts.warehouse) return Object.fromEntries(rows.map((p) => [p.default_code as string, { onHand: p.qty_available, forecast: p.virtual_available }]))
    const levels = await this.warehouseLevels(await this.warehouseStock(opts.warehouse), rows.map((p) => p.id))
    return Object.fromEntries(rows.map((p) => [p.default_code as string, levels.get(p.id) ?? { onHand: 0, forecast: 0 }]))
  }

  /**
   * A warehouse's stock, page by page by product id: every product with an internal reference, or (with
   * `changedSince`) those whose quants there were written since (Odoo's `write_date`, UTC). The cursor is this
   * listing's start less 5 minutes, so a quant written while it ran is listed again next time, not missed. Without a
   * warehouse code, the company's first warehouse.
   */
  async listStockLevels(page: ErpStockPageRequest): Promise<ErpStockPage> {
    const cursor = odooDateTime(new Date(Date.now() - 5 * 60_000))
    const location = await this.warehouseStock(page.warehouse ?? null)
    const after = page.after ? Number(page.after) : 0
    let ids: number[]
    if (page.changedSince) {
      const quants = z.array(quantSchema).parse(await this.client.call<unknown[]>("stock.quant", "search_read", {
        params: { domain: [["location_id", "child_of", location], ["write_date", ">=", page.changedSince], ["product_id", ">", after]], fields: ["product_id"] },
      }))
      ids = [...new Set(quants.map((q) => q.product_id[0]))].sort((a, b) => a - b).slice(0, page.limit + 1)
    } else {
      ids = await this.client.call<number[]>("product.product", "search", { params: { domain: [["default_code", "!=", false], ["id", ">", after]], order: "id asc", limit: page.limit + 1 } })
    }
    const more = ids.length > page.limit
    ids = ids.slice(0, page.limit)
    const products = ids.length
      ? z.array(productSchema).parse(await this.client.call<unknown[]>("product.product", "read", { ids, params: { fields: PRODUCT_FIELDS } })).filter((p) => p.default_code)
      : []
    const levels = await this.warehouseLevels(location, products.map((p) => p.id))
    return {
      levels: products.map((p) => ({ sku: p.default_code as string, ...(levels.get(p.id) ?? { onHand: 0, forecast: 0 }) })),
      next: more ? String(ids[ids.length - 1]) : null,
      cursor,
    }
  }

  /** The stock location of the warehouse of this code (or the company's first warehouse). */
  private async warehouseStock(code: string | null): Promise<number> {
    const domain = code ? [["code", "=", code]] : []
    const [warehouse] = z.array(warehouseSchema).parse(await this.client.call<unknown[]>("stock.warehouse", "search_read", { params: { domain, fields: ["code", "lot_stock_id"], limit: 1, order: "id asc" } }))
    if (!warehouse) {
      throw this.permanent(
        code
          ? `Odoo (connection "${this.connectionId}") has no warehouse with the short name "${code}": give an existing warehouse's code in connections[].inventory.locations`
          : `Odoo (connection "${this.connectionId}") has no warehouse to read stock from`,
        "odoo_unknown_warehouse"
      )
    }
    return warehouse.lot_stock_id[0]
  }

  /** On hand and forecast per product in a stock location and its children, summed over its quants. */
  private async warehouseLevels(location: number, productIds: number[]): Promise<Map<number, ErpStockLevel>> {
    const levels = new Map<number, ErpStockLevel>()
    if (!productIds.length) return levels
    const quants = z.array(quantSchema).parse(await this.client.call<unknown[]>("stock.quant", "search_read", {
      params: { domain: [["product_id", "in", productIds], ["location_id", "child_of", location]], fields: ["product_id", "quantity", "reserved_quantity"] },
    }))
    for (const q of quants) {
      const level = levels.get(q.product_id[0]) ?? { onHand: 0, forecast: 0 }
      level.onHand += q.quantity ?? 0
      level.forecast += (q.quantity ?? 0) - (q.reserved_quantity ?? 0)
      levels.set(q.product_id[0], level)
    }
    return levels
  }

  /** Of these sales, the confirmed ones: Odoo plans their deliveries on confirming, so its forecast counts them. */
  async salesCountedInStock(externalIds: string[]): Promise<Set<string>> {
    const rows = await this.client.call<unknown[]>("sale.order", "search_read", { params: { domain: [["id", "in", externalIds.map(Number)]], fields: ["id", "state"] } })
    return new Set(z.array(saleOrderSchema.pick({ id: true, state: true })).parse(rows).filter((r) => r.state === "sale" || r.state === "done").map((r) => String(r.id)))
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

  /** A service product the adapter books charges on (shipping, rounding), found by its internal reference. */
  private async serviceProductId(sku: string, input: { orderNumber: string }, purpose: string): Promise<number> {
    const [product] = z.array(productSchema).parse(await this.readProducts([sku]))
    if (!product) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: Odoo has no service product with internal reference '${sku}' ${purpose}. Create it in Odoo (Sales › Products, type Service), then retry.`,
        "odoo_no_service_product"
      )
    }
    return product.id
  }

  private readonly pricelists = new Map<string, number>()
  /**
   * A pricelist in the order's currency: an Odoo sale is in its pricelist's currency, so without one in Medusa's
   * currency Odoo would book the amounts in its own. A miss is not remembered (staff may create it, then retry).
   */
  private async pricelistId(input: ErpSalesOrderInput): Promise<number> {
    const code = input.currencyCode.toUpperCase()
    const known = this.pricelists.get(code)
    if (known !== undefined) return known
    const refuse = (message: string, code: string) => this.permanent(`Cannot sync order #${input.orderNumber} to ${this.connectionId}: ${message}`, code)
    const [currency] = await this.client.call<Array<{ id: number }>>("res.currency", "search_read", { params: { domain: [["name", "=", code]], fields: ["id"], limit: 1 } })
    if (!currency) throw refuse(`Odoo has no active currency ${code}. Activate it in Odoo (Accounting › Configuration › Currencies), then retry.`, "unknown_currency")
    const [pricelist] = await this.client.call<Array<{ id: number }>>("product.pricelist", "search_read", {
      params: { domain: [["currency_id", "=", currency.id]], fields: ["id"], limit: 1, order: "id asc" },
    })
    if (!pricelist) throw refuse(`Odoo has no pricelist in ${code} to sell in Medusa's currency. Create one in Odoo (Sales › Products › Pricelists), then retry.`, "odoo_no_pricelist")
    this.pricelists.set(code, pricelist.id)
    return pricelist.id
  }

  /** An Odoo sales tax by name (options.taxes may name taxes instead of giving their ids). */
  private async taxId(name: string): Promise<number | null> {
    const domain = [["name", "=", name], ["type_tax_use", "=", "sale"]]
    const [row] = await this.client.call<Array<{ id: number }>>("account.tax", "search_read", { params: { domain, fields: ["id"], limit: 1, order: "id asc" } })
    return row?.id ?? null
  }

  private fields?: Promise<{ saleTax: string; paymentMemo: string }>
  /**
   * The names this Odoo gives two fields that were renamed: the sale line's taxes (`tax_id` up to 18, `tax_ids`
   * from 19) and the payment's memo (`ref` up to 17, `memo` from 18), asked once with `fields_get`.
   */
  private fieldNames(): Promise<{ saleTax: string; paymentMemo: string }> {
    if (!this.fields) {
      const asked = (async () => {
        const line = await this.client.call<Record<string, unknown>>("sale.order.line", "fields_get", { params: { allfields: ["tax_id", "tax_ids"], attributes: ["type"] } })
        const payment = await this.client.call<Record<string, unknown>>("account.payment", "fields_get", { params: { allfields: ["memo", "ref"], attributes: ["type"] } })
        return { saleTax: "tax_ids" in line ? "tax_ids" : "tax_id", paymentMemo: "memo" in payment ? "memo" : "ref" }
      })()
      this.fields = asked
      asked.catch(() => {
        if (this.fields === asked) this.fields = undefined
      })
    }
    return this.fields
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
/** The internal reference of the service product that carries a rounding difference (needed only when one occurs). */
export const ROUNDING_SKU = "MEDUSA-ROUNDING"

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
  "product.product.search": "list the products with an internal reference",
  "product.product.read": "read a page of products",
  "stock.warehouse.search_read": "find the warehouse by its short name",
  "stock.quant.search_read": "read the warehouse's stock quants",
  "sale.order.search_read": "find the sale order by our reference",
  "sale.order.create": "create the sale order",
  "sale.order.read": "read the sale order",
  "sale.order.action_confirm": "confirm the sale order",
  "sale.order.action_cancel": "cancel the sale order",
  "sale.order.write": "add the rounding line to the sale order",
  "sale.order.line.fields_get": "ask which fields sale lines have",
  "account.payment.fields_get": "ask which fields payments have",
  "account.tax.search_read": "find the tax by name",
  "res.currency.search_read": "look up the currency",
  "product.pricelist.search_read": "find a pricelist in the order's currency",
  "sale.advance.payment.inv.create": "open the invoicing wizard",
  "sale.advance.payment.inv.create_invoices": "invoice the sale order",
  "account.move.read": "read the invoice",
  "account.move.search_read": "find the credit note by our reference",
  "account.move.create": "create the credit note",
  "account.move.write": "add the rounding line to the credit note",
  "account.move.action_post": "post the invoice",
  "account.move.button_draft": "reset the invoice to draft",
  "account.move.button_cancel": "cancel the invoice",
  "account.move.line.read": "read the invoice lines",
  "account.payment.search_read": "find the payment by our reference",
  "account.payment.register.create": "open the payment wizard",
  "account.payment.register.action_create_payments": "register the payment",
}

/** Odoo's datetime text (UTC, "YYYY-MM-DD HH:MM:SS"), as its domains compare it. */
const odooDateTime = (d: Date) => d.toISOString().slice(0, 19).replace("T", " ")
