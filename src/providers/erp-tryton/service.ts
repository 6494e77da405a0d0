import { IntegrationError } from "../../lib/errors"
import { isSamePlace } from "../address"
import { currencyDigits, roundingDifference } from "../../lib/money"
import type {
  ErpCancelResult,
  ErpCustomerInput,
  ErpCustomerRef,
  ErpOrderState,
  ErpProvider,
  ErpSaleDetail,
  ErpSalesOrder,
  ErpPaymentInput,
  ErpPaymentResult,
  ErpRefundInput,
  ErpRefundResult,
  ErpSalesOrderInput,
  ErpStockLevel,
  ErpStockPage,
  ErpStockPageRequest,
  ErpTaxLine,
  ErpTextSearch,
  ErpTextSearchPage,
  LegacyMatchField,
  ProviderDeps,
} from "../types"
import { creditRefund } from "../credit-note"
import { stripDisplayKeys, TrytonClient } from "./client"
import { TrytonCreditNotes } from "./credit-notes"
import { describeTrytonCall } from "./describe-call"
import { isSameAddress, netUnitPrice, toTrytonAddress, toTrytonDate, toTrytonDateTime, toTrytonDecimal } from "./mappers"
import {
  addressSchema,
  invoiceSchema,
  productSchema,
  saleSchema,
  stockSchema,
  TrytonInvoice,
  TrytonOptions,
  trytonOptionsSchema,
  TrytonSale,
} from "./types"
import { MathBN } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { checkOrderAgainstProducts, mapOrderTaxes, sumBySku } from "../order-checks"
import { emailKey, likeLiteral } from "../text-match"
import { assertProviderOptions } from "../validate-options"

/** What a wizard's execute answers: the next view and its default values. */
type WizardStep = { view?: { defaults?: Record<string, unknown> } }

/** How far before a listing's start the next listing of changes begins (late commits, clock skew). */
const STOCK_CURSOR_OVERLAP_MS = 5 * 60_000
/** How the order checks name Tryton's figures. */
const TRYTON_WORDS = { erp: "Tryton", forecast: "forecast in the warehouse", listPrice: "list price" }
const INVOICE_FIELDS = ["id", "number", "reference", "type", "state", "total_amount", "amount_to_pay", "payment_lines"]
const SALE_FIELDS = ["id", "number", "reference", "state", "shipments", "moves", "total_amount", "invoices"]

/**
 * Tryton ERP adapter (Tryton 6.0 LTS and later) over JSON-RPC.
 * Customers are parties found by e-mail; orders are sales whose `reference` holds our stable
 * external reference, quoted and confirmed so Tryton reserves stock and plans the shipment.
 */
export class TrytonErpProvider implements ErpProvider {
  static identifier = "tryton"
  static kind = "erp" as const
  readonly kind = "erp" as const

  private readonly client: TrytonClient
  private readonly creditNotes: TrytonCreditNotes
  private readonly options: TrytonOptions
  private readonly connectionId: string
  private readonly cache = new Map<string, Promise<number | null>>()
  private companyCurrency?: Promise<string | null>

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(trytonOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = trytonOptionsSchema.parse(options)
    this.connectionId = deps.connection.id
    const http = deps.createHttpClient(this.options.url.replace(/\/+$/, ""), [this.options.password])
    this.client = new TrytonClient(http, this.options)
    this.creditNotes = new TrytonCreditNotes({ client: this.client, connectionId: this.connectionId, paymentMethodId: () => this.paymentMethodId() })
  }

  async testConnection(): Promise<void> {
    await this.client.model("res.user", "get_preferences", [true])
  }

  externalUrl(entityType: string, externalId: string): string | null {
    if (!this.options.webUrl) return null
    const model = entityType === "customer" ? "party.party" : entityType === "invoice" ? "account.invoice" : "sale.sale"
    return `${this.options.webUrl.replace(/\/+$/, "")}/#${encodeURIComponent(this.options.database)}/model/${model}/${externalId}`
  }

  describeCall(operation: string): string | null {
    return describeTrytonCall(operation)
  }

  async upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    // Any case, as the hub locks per e-mail: `ilike` with the e-mail's wildcards escaped, then the same comparison
    // here, so no pattern (nor a backend's looser reading of one) takes another address. The oldest party wins.
    const found = z.array(z.object({ party: z.number().int(), value: z.string() })).parse(
      await this.client.model("party.contact_mechanism", "search_read", [
        [["type", "=", "email"], ["value", "ilike", likeLiteral(input.email.trim())]], 0, null, [["id", "ASC"]], ["party", "value"],
      ])
    ).filter((m) => emailKey(m.value) === emailKey(input.email))
    if (found.length) {
      const partyId = found[0].party
      const [shipping, billing] = await this.ensureAddresses(partyId, [input.shippingAddress, input.billingAddress])
      return { externalId: String(partyId), shippingAddressId: shipping, billingAddressId: billing, created: false }
    }
    const addresses = [input.shippingAddress]
    if (!isSamePlace(input.shippingAddress, input.billingAddress)) addresses.push(input.billingAddress)
    const values = await Promise.all(addresses.map(async (a) => toTrytonAddress(a, await this.countryId(a.countryCode))))
    const mechanisms: Array<Record<string, unknown>> = [{ type: "email", value: input.email }]
    if (input.phone) mechanisms.push({ type: "phone", value: input.phone })
    const [partyId] = await this.client.model<number[]>("party.party", "create", [
      [{ name: input.name, addresses: [["create", values]], contact_mechanisms: [["create", mechanisms]] }],
    ])
    const [shipping, billing] = await this.ensureAddresses(partyId, [input.shippingAddress, input.billingAddress])
    return { externalId: String(partyId), shippingAddressId: shipping, billingAddressId: billing, created: true }
  }

  async deleteCustomer(externalId: string): Promise<boolean> {
    try {
      await this.client.model("party.party", "delete", [[Number(externalId)]])
      return true
    } catch (err) {
      // Tryton refuses to delete a party something references (e.g. a sale): it stays, which is right.
      if (err instanceof IntegrationError && err.code === "tryton_user_error") return false
      throw err
    }
  }

  async findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null> {
    const sale = await this.findLiveSale(reference)
    return sale && toErpOrder(sale)
  }

  async findSalesOrdersByText(field: LegacyMatchField, text: string, page: ErpTextSearch): Promise<ErpTextSearchPage> {
    const pattern = page.exact ? likeLiteral(text) : `%${likeLiteral(text)}%`
    const after = page.after === null ? [] : [["id", ">", Number(page.after)]]
    const rows = await this.client.model<Array<Record<string, unknown>>>("sale.sale", "search_read", [
      [[field, "ilike", pattern], ["state", "!=", "cancelled"], ...after], 0, page.limit, [["id", "ASC"]], [...SALE_FIELDS, field],
    ])
    const sales = await this.withEffectiveStates(rows.map((row) => saleSchema.parse(row)))
    return {
      sales: sales.flatMap((sale, i) => (sale.state === "cancelled" ? [] : [{ ...toErpOrder(sale), matched: String(rows[i][field] ?? "") }])),
      next: rows.length === page.limit ? String(sales[sales.length - 1].id) : null,
    }
  }

  async getSalesOrder(externalId: string): Promise<ErpSaleDetail | null> {
    const rows = await this.client.model<Array<Record<string, unknown>>>("sale.sale", "search_read", [
      [["id", "=", Number(externalId)]], 0, 1, null, [...SALE_FIELDS, "currency"],
    ])
    if (!rows.length) return null
    const sale = await this.withEffectiveState(saleSchema.parse(rows[0]))
    const lines = z.array(z.object({ product: z.number().int().nullable(), quantity: z.number() })).parse(
      await this.client.model("sale.line", "search_read", [[["sale", "=", sale.id], ["type", "=", "line"], ["product", "!=", null]], 0, null, null, ["product", "quantity"]])
    )
    const productIds = [...new Set(lines.map((l) => l.product!))]
    const products = productIds.length ? z.array(productSchema.pick({ id: true, code: true })).parse(await this.client.model("product.product", "read", [productIds, ["code"]])) : []
    const skuOf = new Map(products.map((p) => [p.id, p.code ?? `product ${p.id}`]))
    const [currency] = z.array(z.object({ code: z.string() })).parse(await this.client.model("currency.currency", "read", [[Number(rows[0].currency)], ["code"]]))
    return { ...toErpOrder(sale), total: sale.total_amount?.decimal ?? "0", currencyCode: currency?.code ?? null, lines: sumBySku(lines.map((l) => ({ sku: skuOf.get(l.product!)!, quantity: l.quantity }))) }
  }

  /**
   * Many sales, each as getSalesOrder reads it, in four calls whatever their number: the sales, all their product
   * lines, the lines' products, the sales' currencies (and a fifth for the moves of sales Tryton closed as done).
   */
  async getSalesOrders(externalIds: string[]): Promise<Map<string, ErpSaleDetail>> {
    const ids = [...new Set(externalIds.map(Number))]
    if (!ids.length) return new Map()
    const sales = z.array(saleSchema.extend({ currency: z.number().int() })).parse(
      await this.client.model("sale.sale", "search_read", [[["id", "in", ids]], 0, null, [["id", "ASC"]], [...SALE_FIELDS, "currency"]])
    )
    if (!sales.length) return new Map()
    const closedMoves = sales.flatMap((s) => (s.state === "done" ? s.moves ?? [] : []))
    const moveState = new Map(
      closedMoves.length
        ? z.array(z.object({ id: z.number().int(), state: z.string() })).parse(await this.client.model("stock.move", "read", [closedMoves, ["state"]])).map((m) => [m.id, m.state])
        : []
    )
    const lines = z.array(z.object({ sale: z.number().int(), product: z.number().int().nullable(), quantity: z.number() })).parse(
      await this.client.model("sale.line", "search_read", [[["sale", "in", sales.map((s) => s.id)], ["type", "=", "line"], ["product", "!=", null]], 0, null, null, ["sale", "product", "quantity"]])
    )
    const productIds = [...new Set(lines.map((l) => l.product!))]
    const products = productIds.length ? z.array(productSchema.pick({ id: true, code: true })).parse(await this.client.model("product.product", "read", [productIds, ["code"]])) : []
    const skuOf = new Map(products.map((p) => [p.id, p.code ?? `product ${p.id}`]))
    const currencies = z.array(z.object({ id: z.number().int(), code: z.string() })).parse(
      await this.client.model("currency.currency", "read", [[...new Set(sales.map((s) => s.currency))], ["code"]])
    )
    const codeOf = new Map(currencies.map((c) => [c.id, c.code]))
    const linesOf = new Map<number, Array<{ sku: string; quantity: number }>>()
    for (const l of lines) linesOf.set(l.sale, [...(linesOf.get(l.sale) ?? []), { sku: skuOf.get(l.product!)!, quantity: l.quantity }])
    return new Map(sales.map((sale) => {
      // As withEffectiveState: a sale closed as done with every move cancelled shipped nothing, so it is cancelled.
      const cancelled = sale.state === "done" && !!sale.moves?.length && sale.moves.every((m) => moveState.get(m) === "cancelled")
      const detail: ErpSaleDetail = {
        ...toErpOrder(cancelled ? { ...sale, state: "cancelled" } : sale),
        total: sale.total_amount?.decimal ?? "0", currencyCode: codeOf.get(sale.currency) ?? null, lines: sumBySku(linesOf.get(sale.id) ?? []),
      }
      return [String(sale.id), detail]
    }))
  }

  async createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    const existing = await this.findLiveSale(input.reference)
    if (existing) return { ...(await this.completeSale(existing, input)), created: false }

    const products = await this.productsBySku(input)
    const taxes = await this.taxesFor(input)
    const currency = await this.currencyId(input.currencyCode)
    if (currency === null) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: currency ${input.currencyCode.toUpperCase()} does not exist in Tryton. Create it in Tryton (Currency > Currencies), then retry.`,
        "unknown_currency"
      )
    }
    // Discounts reach Tryton in the unit price (the line's net amount over its quantity); taxes as Tryton's taxes.
    const lines: Array<Record<string, unknown>> = input.lines.map((line) => {
      const product = products.get(line.sku)!
      return {
        type: "line",
        product: product.id,
        description: line.title,
        quantity: line.quantity,
        unit: product.sale_uom ?? product.default_uom,
        unit_price: toTrytonDecimal(netUnitPrice(line.netAmount, line.quantity)),
        ...taxes(line.taxes),
      }
    })
    for (const shipping of input.shipping) {
      lines.push({ type: "line", description: shipping.title, quantity: 1, unit_price: toTrytonDecimal(shipping.netAmount), ...taxes(shipping.taxes) })
    }
    const [saleId] = await this.client.model<number[]>("sale.sale", "create", [
      [
        {
          party: Number(input.customer.externalId),
          invoice_address: Number(input.customer.billingAddressId),
          shipment_address: Number(input.customer.shippingAddressId),
          reference: input.reference,
          description: `Medusa order #${input.orderNumber}`,
          currency,
          sale_date: toTrytonDate(input.orderDate),
          ...(this.options.invoiceMethod ? { invoice_method: this.options.invoiceMethod } : {}),
          lines: [["create", lines]],
        },
      ],
    ])
    const sale = await this.oneSaleFor(input.reference, saleId)
    try {
      return { ...(await this.completeSale(sale, input)), created: sale.id === saleId }
    } catch (err) {
      // A sale Tryton will never confirm must not linger as a draft; a retryable failure keeps it for the retry.
      if (!(err instanceof IntegrationError) || err.retryable) throw err
      const cleanup = await this.cancelSalesOrder(String(sale.id)).then(
        () => null,
        (cancelErr: unknown) => (cancelErr instanceof Error ? cancelErr.message : String(cancelErr))
      )
      if (cleanup === null) throw err
      throw new IntegrationError(
        `${err.message} The draft sale ${label(sale)} it left in Tryton could not be cancelled (${cleanup}): cancel it in Tryton before retrying.`,
        { connectionId: this.connectionId, code: err.code, retryable: false, cause: err }
      )
    }
  }

  /**
   * The live sale carrying `reference`, as Tryton has it (with its total), or null. When a late commit left more
   * than one, the oldest: the one `oneSaleFor` keeps.
   */
  private async findLiveSale(reference: string): Promise<TrytonSale | null> {
    return (await this.liveSales(reference))[0] ?? null
  }

  /** Every sale carrying `reference` that is not cancelled (also not in effect), oldest first. */
  private async liveSales(reference: string): Promise<TrytonSale[]> {
    const rows = await this.client.model<unknown[]>("sale.sale", "search_read", [
      [["reference", "=", reference], ["state", "!=", "cancelled"]], 0, null, [["id", "ASC"]], SALE_FIELDS,
    ])
    const live: TrytonSale[] = []
    for (const row of z.array(saleSchema).parse(rows)) {
      const sale = await this.withEffectiveState(row)
      if (sale.state !== "cancelled") live.push(sale)
    }
    return live
  }

  /**
   * A draft's total is made Medusa's to the minor unit first (a rounding line where only rounding differs), or the
   * sale is refused; then it is quoted and confirmed. A sale past draft is checked, not changed.
   */
  private async completeSale(sale: TrytonSale, input: ErpSalesOrderInput): Promise<ErpSalesOrder> {
    const checked = sale.state === "draft" ? await this.matchTotal(sale, input) : sale
    return this.advanceToConfirmed(toErpOrder(checked))
  }

  private async matchTotal(sale: TrytonSale, input: ErpSalesOrderInput): Promise<TrytonSale> {
    const digits = currencyDigits(input.currencyCode)
    const trytonTotal = sale.total_amount?.decimal ?? "0"
    const difference = roundingDifference(input.total, trytonTotal, digits, input.lines.length + input.shipping.length)
    if (difference === null) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: Tryton computes a total of ${trytonTotal} ${input.currencyCode} for sale ${label(sale)}, ` +
          `but Medusa charged ${input.total} ${input.currencyCode}. Check that options.taxes maps each Medusa tax rate to a Tryton tax with the same rate, then retry.`,
        "total_mismatch"
      )
    }
    if (MathBN.eq(difference, 0)) return sale
    await this.client.model("sale.line", "create", [
      [{ sale: sale.id, type: "line", description: "Rounding difference (Medusa rounds the order total once)", quantity: 1, unit_price: toTrytonDecimal(difference) }],
    ])
    const after = await this.readSale(sale.id)
    if (!MathBN.eq(after.total_amount?.decimal ?? "0", input.total)) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: Tryton's total for sale ${label(after)} is ${after.total_amount?.decimal} ${input.currencyCode} after a rounding line, not Medusa's ${input.total}`,
        "total_mismatch"
      )
    }
    return after
  }

  /** Tryton's tax ids for Medusa's tax lines, through options.taxes, as a sale line's `taxes` value. */
  private async taxesFor(input: ErpSalesOrderInput): Promise<(taxes: ErpTaxLine[]) => { taxes?: unknown[] }> {
    const idsOf = await mapOrderTaxes(input, { connectionId: this.connectionId, erp: "Tryton", mapping: this.options.taxes, findByName: (name) => this.taxId(name) })
    return (taxes) => {
      const ids = idsOf(taxes)
      return ids.length ? { taxes: [["add", ids]] } : {}
    }
  }

  /**
   * Reads back the sale just created, together with any other live sale of the same reference: a create whose
   * answer timed out may still have been committed by Tryton after the lookup before ours. The oldest sale is
   * kept (every try agrees on it) and the others are cancelled, so the order has one sale.
   */
  private async oneSaleFor(reference: string, createdId: number): Promise<TrytonSale> {
    const live = await this.liveSales(reference)
    const keep = live[0] ?? (await this.readSale(createdId))
    for (const extra of live.slice(1)) await this.cancelSalesOrder(String(extra.id))
    return keep
  }

  /**
   * Registers a captured amount against the sale's customer invoice: the invoice Tryton made for the sale
   * (invoice method "order") is posted if still draft, then paid with the pay wizard for the captured amount (a
   * partial capture pays part). The payment's move carries `reference` as its description: a reference found among
   * the invoice's payments was registered before, and nothing is paid twice.
   */
  async recordPayment(input: ErpPaymentInput): Promise<ErpPaymentResult> {
    const saleId = Number(input.saleExternalId)
    const [row] = await this.client.model<unknown[]>("sale.sale", "read", [[saleId], ["id", "number", "reference", "state", "invoices", "invoice_method"]])
    if (!row) throw this.permanent(`Tryton has no sale with id ${saleId} (order #${input.orderNumber})`, "tryton_not_found")
    const sale = saleSchema.parse(row)
    const invoices = await this.readInvoices(sale.invoices ?? [])
    const invoice = invoices.find((i) => i.type === "out" && i.state !== "cancelled" && MathBN.gte(i.total_amount.decimal, 0))
    if (!invoice) {
      if (sale.invoice_method === "manual") {
        throw this.permanent(
          `Cannot record the payment of order #${input.orderNumber} in Tryton: sale ${label(sale)} is invoiced manually, so Tryton made no invoice to pay. ` +
            `Invoice it in Tryton, or set options.invoiceMethod to "order" for new sales, then retry.`,
          "tryton_no_invoice"
        )
      }
      throw new IntegrationError(
        `Tryton has not invoiced sale ${label(sale)} of order #${input.orderNumber} yet (invoice method "${sale.invoice_method}"): the payment is recorded once it has (will retry)`,
        { connectionId: this.connectionId, code: "tryton_not_invoiced", retryable: true }
      )
    }
    const done = await this.paymentsOf(invoice)
    if (done.includes(input.reference)) return this.paymentResult(invoice, false, input.currencyCode)
    if (invoice.state === "draft") await this.client.model("account.invoice", "post", [[invoice.id]])
    const method = await this.paymentMethodId()
    const ctx = { active_model: "account.invoice", active_id: invoice.id, active_ids: [invoice.id] }
    const values = { amount: toTrytonDecimal(input.amount), payment_method: method, description: input.reference, date: toTrytonDate(input.date) }
    await this.client.wizard<WizardStep>("account.invoice.pay", ctx, async (execute) => {
      const start = await execute({}, "start")
      const choice = await execute({ start: { ...stripDisplayKeys(start.view?.defaults ?? {}), ...values } }, "choice")
      // Less than what is due: Tryton asks whether the rest stays open (a partial payment) or is written off.
      if (choice.view) return execute({ ask: { ...stripDisplayKeys(choice.view.defaults ?? {}), type: "partial" } }, "pay")
      return choice
    })
    const [after] = await this.readInvoices([invoice.id])
    return this.paymentResult(after, true, input.currencyCode)
  }

  private async readInvoices(ids: number[]) {
    if (!ids.length) return []
    const rows = await this.client.model<unknown[]>("account.invoice", "read", [ids, INVOICE_FIELDS])
    return z.array(invoiceSchema).parse(rows)
  }

  /** Credits a refund with a credit note on the sale's invoice, paid out: `creditRefund`, shared by every ERP. */
  async recordRefund(input: ErpRefundInput): Promise<ErpRefundResult> {
    return creditRefund(this.creditNotes, input)
  }

  /** The references of the payments already on the invoice (the pay wizard keeps them as the move's description). */
  private async paymentsOf(invoice: TrytonInvoice): Promise<string[]> {
    if (!invoice.payment_lines.length) return []
    const lines = await this.client.model<Array<{ move_description: string | null }>>("account.move.line", "read", [invoice.payment_lines, ["move_description"]])
    return lines.map((l) => l.move_description ?? "")
  }

  private paymentResult(invoice: TrytonInvoice, created: boolean, currencyCode: string): ErpPaymentResult {
    const amountDue = MathBN.convert(invoice.amount_to_pay.decimal).toFixed(currencyDigits(currencyCode))
    return { invoiceExternalId: String(invoice.id), invoiceNumber: invoice.number, amountDue, created }
  }

  private async paymentMethodId(): Promise<number> {
    const name = this.options.paymentMethod
    const id = await this.lookup(`payment-method:${name ?? "*"}`, async () => {
      const ids = await this.client.model<number[]>("account.invoice.payment.method", "search", [name ? [["name", "=", name]] : [], 0, 1, [["id", "ASC"]]])
      return ids[0] ?? null
    })
    if (id === null) {
      throw this.permanent(
        `Tryton has no invoice payment method${name ? ` named "${name}"` : ""} to register payments with: create one (Accounting > Configuration > Payment Methods)${name ? " or correct options.paymentMethod" : ""} on connection "${this.connectionId}", then retry.`,
        "tryton_no_payment_method"
      )
    }
    return id
  }

  async cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    const id = Number(externalId)
    let sale = await this.readSale(id)
    if (sale.state === "cancelled") return { state: "cancelled", summary: `sale ${label(sale)} was already cancelled` }
    if (sale.state === "confirmed") {
      await this.client.model("sale.sale", "draft", [[id]])
      sale = await this.readSale(id)
    }
    if (sale.state === "draft" || sale.state === "quotation") {
      await this.client.model("sale.sale", "cancel", [[id]])
      sale = await this.readSale(id)
      if (sale.state !== "cancelled") throw this.permanent(`Tryton did not cancel sale ${label(sale)} (state ${sale.state})`, "tryton_cancel_refused")
      return { state: "cancelled", summary: `sale ${label(sale)} cancelled` }
    }
    // Tryton cannot cancel a sale it is processing: cancel what it has not shipped yet and close the sale.
    return this.cancelProcessingSale(sale)
  }

  async getStockLevels(skus: string[], opts: { warehouse?: string | null } = {}): Promise<Record<string, ErpStockLevel>> {
    if (!skus.length) return {}
    const rows = await this.readStock([["code", "in", skus]], await this.warehouseId(opts.warehouse))
    return Object.fromEntries(rows.map(({ level: { sku, ...level } }) => [sku, level]))
  }

  /**
   * Every product with a code, by id; or (with `changedSince`) the products of the stock moves created or changed
   * since, by move id. Quantities are Tryton's in the warehouse: `quantity` on hand, `forecast_quantity` with the
   * planned moves. The cursor is when the listing began, less a margin.
   */
  async listStockLevels(page: ErpStockPageRequest): Promise<ErpStockPage> {
    const warehouse = await this.warehouseId(page.warehouse)
    // A move committed a little after its create_date (a long transaction) is still found: the next listing starts
    // STOCK_CURSOR_OVERLAP_MS before this one began. Reading a product twice changes nothing.
    const cursor = new Date(Date.now() - STOCK_CURSOR_OVERLAP_MS).toISOString()
    const after = Number(page.after ?? 0)
    if (!page.changedSince) {
      const rows = await this.readStock([["code", "!=", null], ["id", ">", after]], warehouse, page.limit)
      return { levels: rows.map((r) => r.level), next: rows.length === page.limit ? String(rows[rows.length - 1].productId) : null, cursor }
    }
    const since = toTrytonDateTime(page.changedSince)
    const moves = z.array(z.object({ id: z.number().int(), product: z.number().int() })).parse(
      await this.client.model<unknown[]>("stock.move", "search_read", [
        [["id", ">", after], ["OR", ["create_date", ">=", since], ["write_date", ">=", since]]], 0, page.limit, [["id", "ASC"]], ["id", "product"],
      ])
    )
    const products = [...new Set(moves.map((m) => m.product))]
    const rows = products.length ? await this.readStock([["id", "in", products], ["code", "!=", null]], warehouse) : []
    return { levels: rows.map((r) => r.level), next: moves.length === page.limit ? String(moves[moves.length - 1].id) : null, cursor }
  }

  /** The products of `domain` that have a code, by id, each with its stock in the warehouse. */
  private async readStock(domain: unknown[], warehouse: number, limit: number | null = null): Promise<Array<{ productId: number; level: ErpStockLevel & { sku: string } }>> {
    const rows = await this.client.model<unknown[]>("product.product", "search_read", [domain, 0, limit, [["id", "ASC"]], ["id", "code", "quantity", "forecast_quantity"]], { locations: [warehouse] })
    return z.array(stockSchema).parse(rows).flatMap((r) => (r.code ? [{ productId: r.id, level: { sku: r.code, onHand: r.quantity, forecast: r.forecast_quantity } }] : []))
  }

  private async cancelProcessingSale(sale: TrytonSale): Promise<ErpCancelResult> {
    const shipmentIds = sale.shipments ?? []
    const shipments = shipmentIds.length
      ? await this.client.model<Array<{ id: number; state: string }>>("stock.shipment.out", "read", [shipmentIds, ["state"]])
      : []
    if (shipments.some((s) => s.state === "done" || s.state === "packed")) {
      throw this.permanent(
        `Cannot cancel sale ${label(sale)} in Tryton: it has already been packed or shipped. Handle it in Tryton (return or credit note).`,
        "tryton_already_shipped"
      )
    }
    const invoices = await this.cancellableInvoices(sale)
    const open = shipments.filter((s) => s.state !== "cancelled").map((s) => s.id)
    if (open.length) await this.client.model("stock.shipment.out", "cancel", [open])
    for (const invoice of invoices) await this.cancelInvoice(sale, invoice)
    if (sale.state === "processing") {
      // The sale is now in shipment (and invoice) exception; ignoring the cancelled moves and invoices closes it.
      await this.handleException(sale, "sale.handle.shipment.exception", "recreate_moves")
      if (invoices.length) await this.handleException(sale, "sale.handle.invoice.exception", "recreate_invoices")
    }
    const after = await this.readSale(sale.id)
    const invoiced = invoices.length ? `, invoice ${invoices.map((i) => i.number ?? `id ${i.id}`).join(", ")} cancelled` : ""
    return {
      state: after.state,
      summary: `sale ${label(after)}: ${open.length} shipment(s) cancelled, nothing will ship${invoiced}; Tryton closed the sale as done with nothing shipped`,
    }
  }

  /**
   * The sale's customer invoices that are not cancelled yet; refuses, in words, when one is paid: money has
   * changed hands, and only staff can decide on the credit note and the refund.
   */
  private async cancellableInvoices(sale: TrytonSale): Promise<TrytonInvoice[]> {
    const invoices = (await this.readInvoices(sale.invoices ?? [])).filter((i) => i.type === "out" && i.state !== "cancelled")
    const paid = invoices.find((i) => i.state === "paid")
    if (paid) {
      throw this.permanent(
        `Cannot cancel sale ${label(sale)} in Tryton: invoice ${paid.number ?? `id ${paid.id}`} is paid — issue a credit note in Tryton (and refund the customer), then mark this cancellation done.`,
        "tryton_invoice_paid"
      )
    }
    return invoices
  }

  private async cancelInvoice(sale: TrytonSale, invoice: TrytonInvoice): Promise<void> {
    try {
      await this.client.model("account.invoice", "cancel", [[invoice.id]])
    } catch (err) {
      if (!(err instanceof IntegrationError) || err.retryable) throw err
      throw this.permanent(
        `Cannot cancel sale ${label(sale)} in Tryton: invoice ${invoice.number ?? `id ${invoice.id}`} is ${invoice.state} and Tryton refuses to cancel it (${err.message}) — issue a credit note in Tryton, then mark this cancellation done.`,
        "tryton_invoice_not_cancellable"
      )
    }
  }

  /** Runs one of the sale's exception wizards, choosing to recreate nothing (the wizard keeps nothing: its own defaults go back). */
  private async handleException(sale: TrytonSale, wizard: string, recreateField: string): Promise<void> {
    const ctx = { active_model: "sale.sale", active_id: sale.id, active_ids: [sale.id] }
    await this.client.wizard<WizardStep>(wizard, ctx, async (execute) => {
      const ask = await execute({}, "ask")
      return execute({ ask: { ...stripDisplayKeys(ask.view?.defaults ?? {}), [recreateField]: [] } }, "handle")
    })
  }

  private async advanceToConfirmed(order: ErpSalesOrder): Promise<ErpSalesOrder> {
    const id = Number(order.externalId)
    if (order.state === "draft") await this.client.model("sale.sale", "quote", [[id]])
    if (order.state === "draft" || order.state === "quotation") await this.client.model("sale.sale", "confirm", [[id]])
    const sale = toErpOrder(await this.readSale(id))
    return sale.state === "confirmed" ? this.processConfirmed(sale) : sale
  }

  /**
   * A confirmed sale Tryton has not processed (no invoice, no shipment, its stock forecast not counting it): Tryton
   * processes a sale on confirming it, unless its sale configuration says "Process Sale after" a delay, or processing
   * failed (its queue logs why, which RPC does not show). Without a delay it is processed now, so a failure comes
   * back with Tryton's reason; either way the sale says in words why it is not processed yet.
   */
  private async processConfirmed(sale: ErpSalesOrder): Promise<ErpSalesOrder> {
    const [config] = await this.client.model<Array<{ sale_process_after?: unknown }>>("sale.configuration", "read", [[1], ["sale_process_after"]])
    const name = `sale ${sale.number ?? `id ${sale.externalId}`}`
    if (config?.sale_process_after) {
      return {
        ...sale,
        unprocessed: `Tryton has ${name} but has not processed it yet: its sale configuration processes confirmed sales after a delay ("Process Sale after"), or processing failed (see its task queue). Until it is processed, its stock forecast does not count this order.`,
      }
    }
    const failure = await this.client.model("sale.sale", "process", [[Number(sale.externalId)]]).then(
      () => null,
      (err: unknown) => {
        if (err instanceof IntegrationError && !err.retryable) return err.message
        throw err
      }
    )
    const after = toErpOrder(await this.readSale(Number(sale.externalId)))
    if (after.state !== "confirmed") return after
    return {
      ...after,
      unprocessed: `Tryton has ${name} but has not processed it${failure ? ` (${failure})` : ""}: its stock forecast does not count this order until it does. Correct the cause in Tryton, then process the sale there ("Process" on the sale).`,
    }
  }

  /** Of these sales, the ones Tryton has processed: their stock moves are planned, so its forecast counts them. */
  async salesCountedInStock(externalIds: string[]): Promise<Set<string>> {
    const rows = z.array(saleSchema.pick({ id: true, state: true, moves: true })).parse(
      await this.client.model<unknown[]>("sale.sale", "search_read", [[["id", "in", externalIds.map(Number)]], 0, null, null, ["id", "state", "moves"]])
    )
    return new Set(rows.filter((r) => (r.state === "processing" || r.state === "done") && (r.moves?.length ?? 0) > 0).map((r) => String(r.id)))
  }

  private async readSale(id: number): Promise<TrytonSale> {
    const rows = await this.client.model<unknown[]>("sale.sale", "read", [[id], SALE_FIELDS])
    if (!rows.length) throw this.permanent(`Tryton has no sale with id ${id}`, "tryton_not_found")
    return this.withEffectiveState(saleSchema.parse(rows[0]))
  }

  /**
   * Tryton cannot cancel a sale it has processed; it closes it as "done" once every move is cancelled.
   * Such a sale shipped nothing and is reported as cancelled, so it is neither found as live nor cancelled twice.
   */
  private async withEffectiveState(sale: TrytonSale): Promise<TrytonSale> {
    if (sale.state !== "done" || !sale.moves?.length) return sale
    const moves = await this.client.model<Array<{ state: string }>>("stock.move", "read", [sale.moves, ["state"]])
    return moves.every((m) => m.state === "cancelled") ? { ...sale, state: "cancelled" } : sale
  }

  /** withEffectiveState for many sales, with one read of all their moves. */
  private async withEffectiveStates(sales: TrytonSale[]): Promise<TrytonSale[]> {
    const moves = sales.flatMap((s) => (s.state === "done" ? s.moves ?? [] : []))
    if (!moves.length) return sales
    const stateOf = new Map(
      z.array(z.object({ id: z.number().int(), state: z.string() })).parse(await this.client.model("stock.move", "read", [moves, ["state"]])).map((m) => [m.id, m.state])
    )
    return sales.map((s) => (s.state === "done" && !!s.moves?.length && s.moves.every((m) => stateOf.get(m) === "cancelled") ? { ...s, state: "cancelled" } : s))
  }

  /**
   * The products of the order's SKUs, read with their list price and forecast in the warehouse (one call), and the
   * connection's order checks made on them: a line is refused, before anything is created, when its SKU is not a
   * product, when Tryton cannot ship the quantity, or when its price is not the list price (within the tolerance).
   */
  private async productsBySku(input: ErpSalesOrderInput) {
    const skus = [...new Set(input.lines.map((l) => l.sku))]
    const context = input.checks.stock ? { locations: [await this.warehouseId()] } : {}
    const rows = await this.client.model<unknown[]>(
      "product.product",
      "search_read",
      [[["code", "in", skus]], 0, null, null, ["id", "code", "sale_uom", "default_uom", "list_price", ...(input.checks.stock ? ["forecast_quantity"] : [])]],
      context
    )
    const bySku = new Map(z.array(productSchema).parse(rows).map((p) => [p.code ?? "", p]))
    const missing = input.lines.find((l) => !bySku.has(l.sku))
    if (missing) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: line item '${missing.title}' has SKU '${missing.sku}', which is not a product in Tryton. Create a product with code '${missing.sku}' in Tryton or correct the SKU in Medusa, then retry.`,
        "unknown_sku"
      )
    }
    const checked = new Map([...bySku].map(([sku, p]) => [sku, { forecast: p.forecast_quantity ?? null, listPrice: p.list_price?.decimal ?? null }]))
    const comparePrices = input.checks.priceTolerancePercent !== null && input.currencyCode === (await this.companyCurrencyCode())
    checkOrderAgainstProducts(input, checked, { connectionId: this.connectionId, words: TRYTON_WORDS, comparePrices })
    return bySku
  }

  /** The code of the currency Tryton keeps list prices in (the user's company's), read once. */
  private async companyCurrencyCode(): Promise<string | null> {
    this.companyCurrency ??= (async () => {
      const prefs = await this.client.model<{ company?: number | null }>("res.user", "get_preferences", [true])
      if (!prefs.company) return null
      const [company] = await this.client.model<Array<{ currency: number }>>("company.company", "read", [[prefs.company], ["currency"]])
      const [currency] = await this.client.model<Array<{ code: string }>>("currency.currency", "read", [[company.currency], ["code"]])
      return currency?.code ?? null
    })()
    this.companyCurrency.catch(() => (this.companyCurrency = undefined))
    return this.companyCurrency
  }

  private async ensureAddresses(partyId: number, wanted: [ErpCustomerInput["shippingAddress"], ErpCustomerInput["billingAddress"]]): Promise<[string, string]> {
    const rows = await this.client.model<unknown[]>("party.address", "search_read", [
      [["party", "=", partyId]], 0, null, [["id", "ASC"]], ["id", "name", "street", "city", "postal_code", "country"],
    ])
    const existing = z.array(addressSchema).parse(rows)
    const ids: string[] = []
    for (const address of wanted) {
      let match = existing.find((e) => isSameAddress(e, address))
      if (!match) {
        const values = toTrytonAddress(address, await this.countryId(address.countryCode))
        const [id] = await this.client.model<number[]>("party.address", "create", [[{ ...values, party: partyId }]])
        match = { id, street: address.street, city: address.city, postal_code: address.postalCode, country: null }
        existing.push(match)
      }
      ids.push(String(match.id))
    }
    return [ids[0], ids[1]]
  }

  /**
   * An id Tryton does not change (a country, a currency, the warehouse), read once. A miss is not kept: a store
   * owner who creates the missing currency in Tryton and presses Retry is not refused again until a restart.
   */
  private lookup(key: string, load: () => Promise<number | null>): Promise<number | null> {
    let hit = this.cache.get(key)
    if (!hit) {
      hit = load()
      this.cache.set(key, hit)
      hit.then(
        (id) => id === null && this.cache.delete(key),
        () => this.cache.delete(key)
      )
    }
    return hit
  }

  private countryId(code: string | null): Promise<number | null> {
    if (!code) return Promise.resolve(null)
    return this.lookup(`country:${code.toUpperCase()}`, async () => {
      const ids = await this.client.model<number[]>("country.country", "search", [[["code", "=", code.toUpperCase()]], 0, 1, null])
      return ids[0] ?? null
    })
  }

  private taxId(name: string): Promise<number | null> {
    return this.lookup(`tax:${name}`, async () => {
      const ids = await this.client.model<number[]>("account.tax", "search", [[["name", "=", name]], 0, 1, null])
      return ids[0] ?? null
    })
  }

  private currencyId(code: string): Promise<number | null> {
    return this.lookup(`currency:${code.toUpperCase()}`, async () => {
      const ids = await this.client.model<number[]>("currency.currency", "search", [[["code", "=", code.toUpperCase()]], 0, 1, null])
      return ids[0] ?? null
    })
  }

  /** The warehouse of that code, or of options.warehouseCode, or the first one. */
  private async warehouseId(warehouse?: string | null): Promise<number> {
    const code = warehouse ?? this.options.warehouseCode
    const id = await this.lookup(`warehouse:${code ?? "*"}`, async () => {
      const domain: unknown[] = [["type", "=", "warehouse"]]
      if (code) domain.push(["code", "=", code])
      const ids = await this.client.model<number[]>("stock.location", "search", [domain, 0, 1, [["id", "ASC"]]])
      return ids[0] ?? null
    })
    if (id === null) {
      throw this.permanent(
        `Tryton has no warehouse${code ? ` with code "${code}"` : ""}: check ${warehouse ? "inventory.locations" : "options.warehouseCode"} of connection "${this.connectionId}"`,
        "tryton_no_warehouse"
      )
    }
    return id
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}

function toErpOrder(sale: TrytonSale): ErpSalesOrder {
  return { externalId: String(sale.id), number: sale.number, reference: sale.reference ?? "", state: sale.state as ErpOrderState }
}

function label(sale: TrytonSale): string {
  return sale.number ? `#${sale.number}` : `id ${sale.id}`
}
