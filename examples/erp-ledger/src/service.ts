import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "medusa-integration-hub/lib/errors"
import type {
  ErpCancelResult,
  ErpCustomerInput,
  ErpCustomerRef,
  ErpProvider,
  ErpSalesOrder,
  ErpSalesOrderInput,
  InboundEvent,
  InboundRequest,
  ProviderDeps,
  ProviderStateStore,
} from "medusa-integration-hub/providers/types"
import { WebhookPayloadError } from "medusa-integration-hub/providers/types"
import { assertProviderOptions } from "medusa-integration-hub/providers/validate-options"
import { headerValue, SignatureVerdict, verifyHmacSha256 } from "medusa-integration-hub/lib/webhooks/signatures"

const optionsSchema = z.object({
  /** Shared secret of the ledger's webhooks (HMAC-SHA256 over the body). */
  webhookSecret: z.string().min(16),
})

const eventSchema = z.object({
  id: z.string().min(1),
  type: z.literal("sale.updated"),
  at: z.iso.datetime(),
  sale: z.object({ reference: z.string(), number: z.string(), state: z.enum(["processing", "done", "cancelled"]) }),
})

type Sale = { id: string; number: string; reference: string; state: "processing" | "done" | "cancelled" }

/** An ERP that keeps its sales in the connection's durable state: a complete provider in one file. */
export class LedgerErpProvider implements ErpProvider {
  static identifier = "ledger"
  static kind = "erp" as const
  readonly kind = "erp" as const

  private readonly options: z.infer<typeof optionsSchema>
  private readonly state: ProviderStateStore
  private readonly recorder: ReturnType<ProviderDeps["createRecorder"]>

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(optionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = optionsSchema.parse(options)
    this.state = deps.state
    this.recorder = deps.createRecorder([this.options.webhookSecret])
  }

  testConnection(): Promise<void> {
    return this.recorder.run("ledger.ping", {}, async () => undefined)
  }

  externalUrl(): string | null {
    return null
  }

  upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    return this.recorder.run("ledger.customer.upsert", input, async () => {
      const key = `customer:${input.email.toLowerCase()}`
      const existing = await this.state.get<{ id: string }>(key)
      const id = existing?.id ?? `LC-${await this.state.next("seq:customer")}`
      if (!existing) await this.state.set(key, { id })
      return { externalId: id, shippingAddressId: `${id}-S`, billingAddressId: `${id}-B`, created: !existing }
    })
  }

  async deleteCustomer(): Promise<boolean> {
    return false
  }

  createSalesOrder(input: ErpSalesOrderInput): Promise<ErpSalesOrder & { created: boolean }> {
    return this.recorder.run("ledger.sale.create", input, async () => {
      const found = await this.findLive(input.reference)
      if (found) return { ...found, created: false }
      if (!input.lines.length) {
        throw new IntegrationError(`Order #${input.orderNumber} has no lines; the ledger refuses empty sales`, { connectionId: "ledger", code: "empty_sale", retryable: false })
      }
      const seq = await this.state.next("seq:sale")
      const sale: Sale = { id: String(seq), number: `LEDGER-${seq}`, reference: input.reference, state: "processing" }
      await this.state.set(`sale:${sale.id}`, sale)
      await this.state.set(`ref:${input.reference}`, { id: sale.id })
      return { externalId: sale.id, number: sale.number, reference: sale.reference, state: sale.state, created: true }
    }, (r) => r.externalId)
  }

  cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    return this.recorder.run("ledger.sale.cancel", { externalId }, async () => {
      const sale = await this.state.get<Sale>(`sale:${externalId}`)
      if (!sale) throw new IntegrationError(`The ledger has no sale ${externalId}`, { connectionId: "ledger", code: "not_found", retryable: false })
      if (sale.state !== "cancelled") await this.state.set(`sale:${externalId}`, { ...sale, state: "cancelled" })
      return { state: "cancelled" as const, summary: `ledger sale ${sale.number} cancelled` }
    })
  }

  findSalesOrderByReference(reference: string): Promise<ErpSalesOrder | null> {
    return this.recorder.run("ledger.sale.find", { reference }, () => this.findLive(reference))
  }

  async getStockLevels(): Promise<Record<string, { onHand: number; forecast: number }>> {
    return {}
  }

  verifyWebhook(request: InboundRequest): SignatureVerdict {
    return verifyHmacSha256({
      rawBody: request.rawBody,
      signature: headerValue(request.headers, "x-ledger-signature"),
      secret: this.options.webhookSecret,
      prefix: "sha256=",
    })
  }

  parseWebhook(request: InboundRequest): InboundEvent {
    let parsed
    try {
      parsed = eventSchema.safeParse(JSON.parse(request.rawBody.toString("utf8")))
    } catch {
      throw new WebhookPayloadError("body is not JSON")
    }
    if (!parsed.success) throw new WebhookPayloadError(`not a ledger event: ${parsed.error.issues[0].message}`)
    const { id, at, sale } = parsed.data
    const orderId = /^medusa:(order_\w+)$/.exec(sale.reference)?.[1]
    return {
      id,
      type: "sale.updated",
      occurredAt: new Date(at),
      subject: orderId ? { entity_type: "order", entity_id: orderId } : null,
      data: { reference: sale.reference, number: sale.number, state: sale.state },
    }
  }

  private async findLive(reference: string): Promise<ErpSalesOrder | null> {
    const pointer = await this.state.get<{ id: string }>(`ref:${reference}`)
    const sale = pointer && (await this.state.get<Sale>(`sale:${pointer.id}`))
    return sale && sale.state !== "cancelled" ? { externalId: sale.id, number: sale.number, reference: sale.reference, state: sale.state } : null
  }
}
