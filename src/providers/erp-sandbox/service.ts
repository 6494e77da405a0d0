import { MathBN } from "@medusajs/framework/utils"
import { currencyDigits } from "../../lib/money"
import { IntegrationError } from "../../lib/errors"
import { headerValue, SignatureVerdict, verifyStandardWebhook } from "../../lib/webhooks/signatures"
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
  InboundEvent,
  InboundRequest,
  ProviderDeps,
  ProviderStateStore,
} from "../types"
import { WebhookPayloadError } from "../types"
import { SimulatedFailures } from "../sandbox-failures"
import { SandboxCustomer, sandboxEventSchema, SandboxOptions, sandboxOptionsSchema, SandboxSale } from "./types"

const VENDOR_RATE_KEY = "vendor-rate"
/** How many 429s the simulated vendor limit has answered (for the benchmark). */
export const VENDOR_429S_KEY = "vendor-429s"

const SANDBOX_WORDS: Record<string, string> = {
  testConnection: "test the connection",
  upsertCustomer: "find or create the customer by e-mail",
  deleteCustomer: "remove the customer",
  findSalesOrderByReference: "find the sale by our reference",
  createSalesOrder: "create and confirm the sale",
  recordPayment: "register the payment on the invoice",
  recordRefund: "credit the refund with a credit note",
  cancelSalesOrder: "cancel the sale",
  getStockLevels: "read stock levels",
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
  /** Makes the next `count` calls fail (the admin sandbox-failures route and the demo use this). */
  readonly simulatedFailures: SimulatedFailures

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(sandboxOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = sandboxOptionsSchema.parse(options)
    this.state = deps.state
    this.recorder = deps.createRecorder([])
    this.connectionId = deps.connection.id
    this.simulatedFailures = new SimulatedFailures(deps.state, { connectionId: deps.connection.id, name: "Sandbox ERP" }, this.options.allowFailureInjection)
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
        total: input.total,
      }
      await this.state.set(`sale:${sale.id}`, sale)
      await this.state.set(`ref:${input.reference}`, { id: sale.id })
      await this.state.set(`sales-of:${sale.customerId}`, { latest: sale.id })
      return { ...toOrder(sale), created: true }
    }, (r) => r.externalId)
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
    return this.call("getStockLevels", { skus }, async () =>
      Object.fromEntries(
        skus.filter((s) => s in this.options.stock).map((s) => [s, { onHand: this.options.stock[s], forecast: this.options.stock[s] }])
      )
    )
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
