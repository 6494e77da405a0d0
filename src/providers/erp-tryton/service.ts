import { IntegrationError } from "../../lib/errors"
import { currencyDigits, roundingDifference } from "../../lib/money"
import type {
  ErpCancelResult,
  ErpCustomerInput,
  ErpCustomerRef,
  ErpProvider,
  ErpSaleDetail,
  ErpSalesOrder,
  ErpPaymentInput,
  ErpPaymentResult,
  ErpRefundInput,
  ErpRefundResult,
  ErpReturn,
  ErpReturnInput,
  ErpSalesOrderInput,
  ErpStockLevel,
  ErpStockPage,
  ErpStockPageRequest,
  ErpShipmentPage,
  ErpShipmentPageRequest,
  ErpDelivery,
  ErpDeliveryInput,
  ErpTaxLine,
  ErpTextSearch,
  ErpTextSearchPage,
  LegacyMatchField,
  ProviderDeps,
} from "../types"
import { creditRefund } from "../credit-note"
import { TrytonClient } from "./client"
import { TrytonCancellation } from "./cancel"
import { TrytonCreditNotes } from "./credit-notes"
import { TrytonCustomers } from "./customers"
import { TrytonProducts } from "./products"
import { TrytonLookups } from "./lookups"
import { TrytonPayments } from "./payments"
import { TrytonReturns } from "./returns"
import { TrytonSaleReads } from "./sale-reads"
import { TrytonStock } from "./stock"
import { TrytonShipments } from "./shipments"
import { TrytonDeliveries } from "./deliveries"
import { describeTrytonCall } from "./describe-call"
import { netUnitPrice, saleLabel as label, toErpOrder, toTrytonDate, toTrytonDecimal } from "./mappers"
import {
  TrytonOptions,
  trytonOptionsSchema,
  TrytonSale,
} from "./types"
import { MathBN } from "@medusajs/framework/utils"
import type { ZodType } from "@medusajs/framework/zod"
import { mapOrderTaxes } from "../order-checks"
import { assertProviderOptions } from "../validate-options"

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
  private readonly options: TrytonOptions
  private readonly connectionId: string
  // The adapter by concern: lookups, payments, credit notes, cancelling, stock, returns; customers and sales are here.
  private readonly lookups: TrytonLookups
  private readonly payments: TrytonPayments
  private readonly creditNotes: TrytonCreditNotes
  private readonly cancellation: TrytonCancellation
  private readonly stock: TrytonStock
  private readonly shipments: TrytonShipments
  private readonly deliveries: TrytonDeliveries
  private readonly returns: TrytonReturns
  private readonly customers: TrytonCustomers
  private readonly reads: TrytonSaleReads
  private readonly products: TrytonProducts

  static optionsSchema: ZodType = trytonOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(trytonOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = trytonOptionsSchema.parse(options)
    this.connectionId = deps.connection.id
    const http = deps.createHttpClient(this.options.url.replace(/\/+$/, ""), [this.options.password])
    this.client = new TrytonClient(http, this.options)
    this.lookups = new TrytonLookups(this.client, this.options, this.connectionId)
    this.reads = new TrytonSaleReads(this.client, this.connectionId)
    this.payments = new TrytonPayments(this.client, this.connectionId, this.lookups)
    this.creditNotes = new TrytonCreditNotes({ client: this.client, connectionId: this.connectionId, paymentMethodId: () => this.lookups.paymentMethodId(), readInvoices: (ids) => this.payments.readInvoices(ids) })
    this.cancellation = new TrytonCancellation(this.client, this.connectionId, this.payments, (id) => this.reads.readSale(id))
    this.stock = new TrytonStock(this.client, this.lookups)
    this.shipments = new TrytonShipments(this.client)
    this.deliveries = new TrytonDeliveries(this.client, this.connectionId)
    this.returns = new TrytonReturns(this.client, this.connectionId, this.reads)
    this.customers = new TrytonCustomers(this.client, this.lookups)
    this.products = new TrytonProducts(this.client, this.lookups, this.connectionId)
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

  upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    return this.customers.upsertCustomer(input)
  }

  deleteCustomer(externalId: string): Promise<boolean> {
    return this.customers.deleteCustomer(externalId)
  }

  async findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null> {
    const sale = await this.reads.findLiveSale(reference)
    return sale && toErpOrder(sale)
  }

  findSalesOrdersByText(field: LegacyMatchField, text: string, page: ErpTextSearch): Promise<ErpTextSearchPage> {
    return this.reads.findSalesOrdersByText(field, text, page)
  }

  getSalesOrder(externalId: string): Promise<ErpSaleDetail | null> {
    return this.reads.getSalesOrder(externalId)
  }

  getSalesOrders(externalIds: string[]): Promise<Map<string, ErpSaleDetail>> {
    return this.reads.getSalesOrders(externalIds)
  }

  async createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    try {
      return await this.createOrFindSale(input)
    } catch (err) {
      // Whatever Tryton refused may be what was cached (a product archived, a party merged): read it again next time.
      this.products.forget(input.lines.map((l) => l.sku))
      this.customers.forget(input.customer.externalId)
      throw err
    }
  }

  private async createOrFindSale(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    // On a first attempt nothing can be there yet; the read-back after create (oneSaleFor) still finds any other.
    const existing = input.firstAttempt ? null : await this.reads.findLiveSale(input.reference)
    if (existing) return { ...(await this.completeSale(existing, input)), created: false }

    const { products, backordered } = await this.products.forSale(input)
    const taxes = await this.taxesFor(input)
    const currency = await this.lookups.currencyId(input.currencyCode)
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
    // Goods an exchange takes back: a credit without product, so Tryton moves no stock for it (the return does).
    for (const credit of input.credits ?? []) {
      lines.push({ type: "line", description: credit.title, quantity: 1, unit_price: toTrytonDecimal(MathBN.mult(credit.netAmount, -1).toFixed()), ...taxes(credit.taxes) })
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
      // Tryton sells beyond its stock (the shipment waits for it): a backorder is confirmed and processed as any sale.
      return { ...(await this.completeSale(sale, input)), created: sale.id === saleId, ...(backordered ? { backordered } : {}) }
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
    const difference = roundingDifference(input.total, trytonTotal, digits, input.lines.length + input.shipping.length + (input.credits?.length ?? 0))
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
    const after = await this.reads.readSale(sale.id)
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
    const idsOf = await mapOrderTaxes(input, { connectionId: this.connectionId, erp: "Tryton", mapping: this.options.taxes, findByName: (name) => this.lookups.taxId(name) })
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
    const live = await this.reads.liveSales(reference)
    const keep = live[0] ?? (await this.reads.readSale(createdId))
    for (const extra of live.slice(1)) await this.cancelSalesOrder(String(extra.id))
    return keep
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

  listShipmentsDone(page: ErpShipmentPageRequest): Promise<ErpShipmentPage> {
    return this.shipments.listShipmentsDone(page)
  }

  /** The fulfillment's lines leave through the sale's waiting customer shipment; Tryton plans the rest again. */
  recordDelivery(input: ErpDeliveryInput): Promise<ErpDelivery> {
    return this.deliveries.recordDelivery(input)
  }

  salesCountedInStock(externalIds: string[]): Promise<Set<string>> {
    return this.stock.salesCountedInStock(externalIds)
  }

  /** A customer return shipment against the sale, checked against what it sold less its other returns. */
  createReturn(input: ErpReturnInput): Promise<ErpReturn> {
    return this.returns.createReturn(input)
  }

  receiveReturn(externalId: string, input: ErpReturnInput): Promise<ErpReturn> {
    return this.returns.receiveReturn(externalId, input)
  }

  cancelReturn(externalId: string): Promise<ErpReturn> {
    return this.returns.cancelReturn(externalId)
  }

  /** Credits a refund with a credit note on the sale's invoice, paid out: `creditRefund`, shared by every ERP. */
  async recordRefund(input: ErpRefundInput): Promise<ErpRefundResult> {
    return creditRefund(this.creditNotes, input)
  }

  private async advanceToConfirmed(order: ErpSalesOrder): Promise<ErpSalesOrder> {
    const id = Number(order.externalId)
    if (order.state === "draft") await this.client.model("sale.sale", "quote", [[id]])
    if (order.state === "draft" || order.state === "quotation") await this.client.model("sale.sale", "confirm", [[id]])
    const sale = toErpOrder(await this.reads.readSale(id))
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
    const after = toErpOrder(await this.reads.readSale(Number(sale.externalId)))
    if (after.state !== "confirmed") return after
    return {
      ...after,
      unprocessed: `Tryton has ${name} but has not processed it${failure ? ` (${failure})` : ""}: its stock forecast does not count this order until it does. Correct the cause in Tryton, then process the sale there ("Process" on the sale).`,
    }
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
