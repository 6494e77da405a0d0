import type { ZodType } from "@medusajs/framework/zod"
import { MathBN } from "@medusajs/framework/utils"
import { currencyDigits } from "../../lib/money"
import { IntegrationError } from "../../lib/errors"
import { headerValue, SignatureVerdict, signStandardWebhook, verifyStandardWebhook } from "../../lib/webhooks/signatures"
import { isSamePlace } from "../address"
import type { CallRecorder } from "../../lib/http/call-recorder"
import { assertProviderOptions } from "../validate-options"
import { parseWebhookBody } from "../webhook-body"
import type {
  ErpCancelResult,
  ErpCustomerInput,
  ErpCustomerRef,
  ErpProvider,
  ErpSalesOrder,
  ErpPaymentInput,
  ErpPaymentResult,
  ErpRefundInput,
  ErpRefundResult,
  ErpSalesOrderInput,
  ErpStockPage,
  ErpStockPageRequest,
  InboundEvent,
  InboundRequest,
  ProviderDeps,
  ProviderStateStore,
  ErpSaleDetail,
  ErpReturn,
  ErpReturnInput,
  ErpDelivery,
  ErpDeliveryInput,
} from "../types"
import { sumBySku } from "../order-checks"
import { WebhookPayloadError } from "../types"
import { SimulatedFailures } from "../sandbox-failures"
import { SandboxCustomer, sandboxEventSchema, SandboxOptions, sandboxOptionsSchema, SandboxSale } from "./types"
import { SandboxReturns } from "./returns"
import { SandboxDeliveries } from "./deliveries"

const VENDOR_RATE_KEY = "vendor-rate"
/** Stock changed at runtime (the control route), by SKU, with when: over the `stock` option, and for listing changes. */
const STOCK_CHANGES_KEY = "stock-changes"
type StockChanges = Record<string, { quantity: number; at: string }>
/** How many 429s the simulated vendor limit has answered (for the benchmark). */
export const VENDOR_429S_KEY = "vendor-429s"

const SANDBOX_WORDS: Record<string, string> = {
  testConnection: "test the connection",
  upsertCustomer: "find or create the customer by e-mail",
  deleteCustomer: "remove the customer",
  findSalesOrderByReference: "find the sale by our reference",
  getSalesOrder: "read the sale",
  createSalesOrder: "create and confirm the sale",
  recordPayment: "register the payment on the invoice",
  recordRefund: "credit the refund with a credit note",
  cancelSalesOrder: "cancel the sale",
  getStockLevels: "read stock levels",
  listStockLevels: "list stock levels",
  createReturn: "make the customer return",
  receiveReturn: "take the returned goods into stock",
  cancelReturn: "cancel the customer return",
  recordDelivery: "ship the fulfillment's lines",
}

/**
 * DEVELOPMENT ONLY — an ERP that lives in the store's own database, like Medusa's manual fulfillment and
 * system payment providers. It behaves like a real ERP where the hub can tell (idempotent sales by reference,
 * unknown SKUs refused, customers by e-mail) and can be told to fail its next N calls, so staff can watch a
 * failure, a retry and a recovery. Never point a production store at it.
 */
export class SandboxErpProvider implements ErpProvider {
  static identifier = "sandbox"
  static kind = "erp" as const
  readonly kind = "erp" as const

  private readonly options: SandboxOptions
  private readonly state: ProviderStateStore
  private readonly recorder: CallRecorder
  private readonly connectionId: string
  /** The SKUs of the `stock` option, sorted once (a listing pages through them in order). */
  private readonly seededSkus: string[]
  /** Makes the next `count` calls fail (the admin sandbox-failures route and the demo use this). */
  readonly simulatedFailures: SimulatedFailures
  private readonly returns: SandboxReturns
  private readonly deliveries: SandboxDeliveries

  static optionsSchema: ZodType = sandboxOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(sandboxOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = sandboxOptionsSchema.parse(options)
    this.state = deps.state
    this.recorder = deps.createRecorder([])
    this.connectionId = deps.connection.id
    this.seededSkus = Object.keys(this.options.stock).sort()
    this.simulatedFailures = new SimulatedFailures(deps.state, { connectionId: deps.connection.id, name: "Sandbox ERP" }, this.options.allowFailureInjection)
    this.returns = new SandboxReturns({ state: deps.state, connectionId: deps.connection.id, addStock: (units) => this.addStock(units) })
    this.deliveries = new SandboxDeliveries({ state: deps.state, connectionId: deps.connection.id, addStock: (units) => this.addStock(units) })
    deps.logger.warn(`integration-hub: connection "${deps.connection.id}" uses the sandbox ERP, a development provider; do not use it in production`)
  }

  acceptsWebhooks(): boolean {
    return Boolean(this.options.webhookSecret)
  }

  /** Standard Webhooks signature (webhook-id, webhook-timestamp, webhook-signature; 5 minutes tolerance). */
  verifyWebhook(request: InboundRequest): SignatureVerdict {
    return verifyStandardWebhook({ rawBody: request.rawBody, headers: request.headers, secret: this.options.webhookSecret ?? "" })
  }

  parseWebhook(request: InboundRequest): InboundEvent {
    const event = parseWebhookBody(request.rawBody, sandboxEventSchema, "a sandbox ERP event")
    const id = headerValue(request.headers, "webhook-id")
    if (!id) throw new WebhookPayloadError("webhook-id header missing")
    if (event.type === "stock.changed") {
      return { id, type: event.type, occurredAt: new Date(event.timestamp), subject: { entity_type: "inventory", entity_id: this.connectionId }, data: event.data }
    }
    const orderId = /^medusa:(order_[A-Za-z0-9]+)$/.exec(event.data.reference)?.[1]
    return {
      id,
      type: event.type,
      occurredAt: new Date(event.timestamp),
      subject: orderId ? { entity_type: "order", entity_id: orderId } : null,
      data: event.data,
    }
  }

  testConnection(): Promise<void> {
    return this.call("testConnection", {}, async () => undefined)
  }

  externalUrl(): string | null {
    return null
  }

  upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    return this.call("upsertCustomer", input, async () => {
      const key = `customer:${input.email.toLowerCase()}`
      const existing = await this.state.get<SandboxCustomer>(key)
      const customer = existing ?? { id: `SBXC-${await this.state.next("seq:customer")}`, email: input.email, name: input.name, addresses: [] }
      const ids: string[] = []
      for (const address of [input.shippingAddress, input.billingAddress]) {
        let match = customer.addresses.find((a) => isSamePlace(a, address))
        if (!match) {
          match = { id: `${customer.id}-A${customer.addresses.length + 1}`, street: address.street, city: address.city, postalCode: address.postalCode }
          customer.addresses.push(match)
        }
        ids.push(match.id)
      }
      await this.state.set(key, customer)
      await this.state.set(`customer-id:${customer.id}`, { key })
      return { externalId: customer.id, shippingAddressId: ids[0], billingAddressId: ids[1], created: !existing }
    }, (r) => r.externalId)
  }

  deleteCustomer(externalId: string): Promise<boolean> {
    return this.call("deleteCustomer", { externalId }, async () => {
      if (await this.state.get(`sales-of:${externalId}`)) return false
      const pointer = await this.state.get<{ key: string }>(`customer-id:${externalId}`)
      if (!pointer) return false
      await this.state.delete(pointer.key)
      await this.state.delete(`customer-id:${externalId}`)
      return true
    })
  }

  findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null> {
    return this.call("findSalesOrderByReference", { reference }, () => this.liveSale(reference))
  }

  createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    return this.call("createSalesOrder", input, async () => {
      const existing = await this.liveSale(input.reference)
      if (existing) return { ...existing, created: false }
      const unknown = this.options.knownSkus && input.lines.find((l) => !this.options.knownSkus!.includes(l.sku))
      if (unknown) {
        throw this.permanent(
          `Cannot sync order #${input.orderNumber} to ${this.connectionId}: line item '${unknown.title}' has SKU '${unknown.sku}', which is not a product in the sandbox ERP (knownSkus). Add the SKU to the connection's knownSkus or correct it in Medusa, then retry.`,
          "unknown_sku"
        )
      }
      const seq = await this.state.next("seq:sale")
      const sale: SandboxSale = {
        id: String(seq),
        number: `SBX-${String(seq).padStart(5, "0")}`,
        reference: input.reference,
        customerId: input.customer.externalId,
        state: "processing",
        currencyCode: input.currencyCode,
        lines: input.lines,
        shipping: input.shipping,
        ...(input.credits?.length ? { credits: input.credits } : {}),
        total: input.total,
      }
      await this.state.set(`sale:${sale.id}`, sale)
      await this.state.set(`ref:${input.reference}`, { id: sale.id })
      await this.state.set(`sales-of:${sale.customerId}`, { latest: sale.id })
      return { ...toOrder(sale), created: true }
    }, (r) => r.externalId)
  }

  getSalesOrder(externalId: string): Promise<ErpSaleDetail | null> {
    return this.call("getSalesOrder", { externalId }, async () => {
      const sale = await this.state.get<SandboxSale>(`sale:${externalId}`)
      return sale && { ...toOrder(sale), total: sale.total ?? null, currencyCode: sale.currencyCode, lines: sumBySku(sale.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }))) }
    })
  }

  cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    return this.call("cancelSalesOrder", { externalId }, async () => {
      const sale = await this.state.get<SandboxSale>(`sale:${externalId}`)
      if (!sale) throw this.permanent(`The sandbox ERP has no sale ${externalId}`, "not_found")
      if (sale.state === "cancelled") return { state: "cancelled", summary: `sandbox sale ${sale.number} was already cancelled` }
      await this.state.set(`sale:${externalId}`, { ...sale, state: "cancelled" })
      return { state: "cancelled", summary: `sandbox sale ${sale.number} cancelled` }
    })
  }

  getStockLevels(skus: string[]): Promise<Record<string, { onHand: number; forecast: number }>> {
    return this.call("getStockLevels", { skus }, async () => {
      const changes = await this.stockChanges()
      return Object.fromEntries(skus.flatMap((s) => {
        const quantity = changes[s]?.quantity ?? this.options.stock[s]
        return quantity === undefined ? [] : [[s, { onHand: quantity, forecast: quantity }]]
      }))
    })
  }

  /**
   * Pages through the stock by SKU: every SKU, or (with `changedSince`) those changed since. The cursor is the
   * sandbox's clock when the listing began, less a second (a change made in that instant is listed again, not lost).
   */
  listStockLevels(page: ErpStockPageRequest): Promise<ErpStockPage> {
    return this.call("listStockLevels", { changedSince: page.changedSince, after: page.after, limit: page.limit }, async () => {
      const cursor = new Date(Date.now() - 1_000).toISOString()
      const changes = await this.stockChanges()
      const changed = Object.keys(changes).filter((s) => !page.changedSince || changes[s].at >= page.changedSince)
      const skus = page.changedSince ? changed.sort() : mergeSorted(this.seededSkus, changed.filter((s) => !(s in this.options.stock)).sort())
      const from = page.after === null ? 0 : upperBound(skus, page.after)
      const slice = skus.slice(from, from + page.limit)
      const levels = slice.map((sku) => {
        const quantity = changes[sku]?.quantity ?? this.options.stock[sku]
        return { sku, onHand: quantity, forecast: quantity }
      })
      return { levels, next: from + page.limit < skus.length ? slice[slice.length - 1] : null, cursor }
    })
  }

  /**
   * DEVELOPMENT ONLY (the sandbox-stock control route, the demo): stock received or counted in the ERP. Returns the
   * signed `stock.changed` event the sandbox sends about it (null without a webhookSecret), for the caller to deliver.
   */
  async setStock(levels: Record<string, number>): Promise<{ body: string; headers: Record<string, string> } | null> {
    const at = new Date().toISOString()
    const changes = await this.stockChanges()
    for (const [sku, quantity] of Object.entries(levels)) changes[sku] = { quantity, at }
    await this.state.set(STOCK_CHANGES_KEY, changes)
    if (!this.options.webhookSecret) return null
    const body = JSON.stringify({ type: "stock.changed", timestamp: at, data: { skus: Object.keys(levels) } })
    const id = `sbx_erp_evt_${await this.state.next("event-seq")}_${Date.now().toString(36)}`
    return { body, headers: { "content-type": "application/json", ...signStandardWebhook({ id, timestamp: new Date(), rawBody: body, secret: this.options.webhookSecret }) } }
  }

  /** Whether the control routes may be used: outside production, or when the options allow simulated failures. */
  controlsAllowed(nodeEnv: string | undefined): boolean {
    return this.simulatedFailures.allowed(nodeEnv)
  }

  createReturn(input: ErpReturnInput): Promise<ErpReturn> {
    return this.call("createReturn", input, () => this.returns.createReturn(input), (r) => r.externalId)
  }

  receiveReturn(externalId: string): Promise<ErpReturn> {
    return this.call("receiveReturn", { externalId }, () => this.returns.receiveReturn(externalId), (r) => r.externalId)
  }

  cancelReturn(externalId: string): Promise<ErpReturn> {
    return this.call("cancelReturn", { externalId }, () => this.returns.cancelReturn(externalId), (r) => r.externalId)
  }

  recordDelivery(input: ErpDeliveryInput): Promise<ErpDelivery> {
    return this.call("recordDelivery", input, () => this.deliveries.recordDelivery(input), (r) => r.shipments[0]?.externalId ?? null)
  }

  /** Returned goods on hand again, shipped goods gone: the SKUs the sandbox keeps stock of change by the units. */
  private async addStock(units: Record<string, number>): Promise<void> {
    const at = new Date().toISOString()
    const changes = await this.stockChanges()
    for (const [sku, n] of Object.entries(units)) {
      const now = changes[sku]?.quantity ?? this.options.stock[sku]
      if (now !== undefined) changes[sku] = { quantity: now + n, at }
    }
    await this.state.set(STOCK_CHANGES_KEY, changes)
  }

  private async stockChanges(): Promise<StockChanges> {
    return (await this.state.get<StockChanges>(STOCK_CHANGES_KEY)) ?? {}
  }

  /** Pays the sale's invoice (one per sale, at the sale's total) by the capture's reference, once per reference. */
  recordPayment(input: ErpPaymentInput): Promise<ErpPaymentResult> {
    return this.call("recordPayment", input, async () => {
      const sale = await this.state.get<SandboxSale>(`sale:${input.saleExternalId}`)
      if (!sale) throw this.permanent(`The sandbox ERP has no sale ${input.saleExternalId} (order #${input.orderNumber})`, "not_found")
      const key = `payments:${sale.id}`
      const paid = (await this.state.get<{ byReference: Record<string, string> }>(key))?.byReference ?? {}
      const created = !(input.reference in paid)
      if (created) {
        paid[input.reference] = input.amount
        await this.state.set(key, { byReference: paid })
      }
      const due = Object.values(paid).reduce((left, amount) => MathBN.sub(left, amount), MathBN.convert(sale.total ?? "0"))
      const invoiceNumber = `SBX-INV-${sale.number.slice(4)}`
      return { invoiceExternalId: `inv-${sale.id}`, invoiceNumber, amountDue: due.toFixed(currencyDigits(sale.currencyCode)), created }
    }, (r) => r.invoiceExternalId)
  }

  /** Credits a refund with a credit note of its own (numbered per sale), once per refund reference. */
  recordRefund(input: ErpRefundInput): Promise<ErpRefundResult> {
    return this.call("recordRefund", input, async () => {
      const sale = await this.state.get<SandboxSale>(`sale:${input.saleExternalId}`)
      if (!sale) throw this.permanent(`The sandbox ERP has no sale ${input.saleExternalId} (order #${input.orderNumber})`, "not_found")
      const key = `credit-notes:${sale.id}`
      const notes = (await this.state.get<{ references: string[] }>(key))?.references ?? []
      const created = !notes.includes(input.reference)
      if (created) await this.state.set(key, { references: [...notes, input.reference] })
      const n = notes.indexOf(input.reference) + 1 || notes.length + 1
      return { creditNoteExternalId: `cn-${sale.id}-${n}`, creditNoteNumber: `SBX-CN-${sale.number.slice(4)}-${n}`, created }
    }, (r) => r.creditNoteExternalId)
  }

  private async liveSale(reference: string): Promise<ErpSalesOrder | null> {
    const pointer = await this.state.get<{ id: string }>(`ref:${reference}`)
    const sale = pointer && (await this.state.get<SandboxSale>(`sale:${pointer.id}`))
    return sale && sale.state !== "cancelled" ? toOrder(sale) : null
  }

  describeCall(operation: string): string | null {
    return SANDBOX_WORDS[operation.replace(/^sandbox\./, "")] ?? null
  }

  /** Every operation: consume an injected failure first, then run and log it like an external call. */
  private call<T>(operation: string, request: unknown, fn: () => Promise<T>, externalId?: (r: T) => string | null): Promise<T> {
    return this.recorder.run(`sandbox.${operation}`, request, async () => {
      await this.enforceVendorLimit(operation)
      await this.simulatedFailures.throwIfDue(operation)
      return fn()
    }, externalId)
  }

  /** `vendorRequestsPerSecond`: a call past the limit of its calendar second is answered 429 with Retry-After. */
  private async enforceVendorLimit(operation: string): Promise<void> {
    const limit = this.options.vendorRequestsPerSecond
    if (!limit) return
    const now = Date.now()
    const second = Math.floor(now / 1000)
    const count = await this.state.next(`${VENDOR_RATE_KEY}:${second}`)
    // The first call of a second clears an older second's counter: the table holds a few rows, not one per second.
    if (count === 1) await this.state.delete(`${VENDOR_RATE_KEY}:${second - 2}`)
    if (count <= limit) return
    await this.state.next(VENDOR_429S_KEY)
    const retryAfterMs = (second + 1) * 1000 - now
    throw new IntegrationError(`Sandbox ERP answered 429 to ${operation}: more than ${limit} calls this second (will retry)`, {
      connectionId: this.connectionId, code: "http_429", retryable: true, httpStatus: 429, retryAfterMs,
    })
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}

function toOrder(sale: SandboxSale): ErpSalesOrder {
  return { externalId: sale.id, number: sale.number, reference: sale.reference, state: sale.state }
}

/** Two sorted SKU lists as one sorted list. */
function mergeSorted(a: string[], b: string[]): string[] {
  if (!b.length) return a
  const out: string[] = []
  let i = 0
  let j = 0
  while (i < a.length || j < b.length) out.push(j >= b.length || (i < a.length && a[i] < b[j]) ? a[i++] : b[j++])
  return out
}

/** The index of the first SKU after `sku` in a sorted list. */
function upperBound(sorted: string[], sku: string): number {
  let lo = 0
  let hi = sorted.length
  while (lo < hi) {
    const mid = (lo + hi) >> 1
    if (sorted[mid] <= sku) lo = mid + 1
    else hi = mid
  }
  return lo
}
