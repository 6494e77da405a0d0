import { z, ZodType } from "@medusajs/framework/zod"
import type { CallRecorder } from "../../lib/http/call-recorder"
import { headerValue, SignatureVerdict, verifyStandardWebhook } from "../../lib/webhooks/signatures"
import { LabelSubject, requireLabelSubject, requireSameKindOfLabel, requireShippableAddress } from "../shipping-address"
import type { InboundEvent, InboundRequest, LabelRequest, ProviderDeps, ProviderStateStore, ShipmentRequest, ShippingLabel, ShippingProvider, ShippingRate, TrackingStatus } from "../types"
import { WebhookPayloadError } from "../types"
import { parseWebhookBody } from "../webhook-body"
import { assertProviderOptions } from "../validate-options"

export const sandboxCarrierOptionsSchema = z.object({
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a Standard Webhooks secret: "whsec_" followed by base64')
    .optional()
    .meta({ title: "Webhook secret", description: 'The Standard Webhooks secret ("whsec_…") the sandbox carrier signs its tracking events with; without it, no webhooks.', secret: true }),
  carrier: z.string().min(1).default("sandbox-post").meta({ title: "Carrier name", description: "The carrier's name on its rates and labels (two sandbox connections can play two carriers)." }),
  services: z
    .array(z.object({ code: z.string().min(1), name: z.string().min(1), base: z.number().min(0), perKg: z.number().min(0), days: z.number().int().min(1) }))
    .min(1)
    .default([
      { code: "standard", name: "Standard", base: 4.5, perKg: 1.2, days: 4 },
      { code: "express", name: "Express", base: 9.9, perKg: 2.5, days: 1 },
    ])
    .meta({ title: "Services", description: "Price of a parcel per service: base + per started kilogram, and the days it takes." }),
})
type SandboxCarrierOptions = z.output<typeof sandboxCarrierOptionsSchema>

const eventSchema = z.object({ type: z.literal("label.tracking"), timestamp: z.string(), data: z.object({ label_id: z.string().min(1), status: z.enum(["pending", "in_transit", "delivered", "exception"]) }) })

type SandboxLabel = {
  id: string
  tracking: string
  reference: string
  order_id: string
  /** The fulfillment an outbound label ships; null on a return label. */
  fulfillment_id: string | null
  /** The Medusa return a return label brings back. Absent, like `is_return`, on labels bought before return labels. */
  return_id?: string | null
  is_return?: boolean
  status: TrackingStatus["status"]
  voided: boolean
  service: string
}

const WORDS: Record<string, string> = {
  testConnection: "test the connection",
  getRates: "ask the carrier for rates",
  createLabel: "buy the shipping label",
  voidLabel: "void the label",
  getTracking: "read the label's tracking",
}

/**
 * DEVELOPMENT ONLY — a carrier that lives in the store's own database: rates by weight, labels idempotent by
 * reference, voids, and tracking that moves when the carrier's signed event says so (the demo sends them). It
 * checks addresses as ShipStation does. Never point a production store at it.
 */
export class SandboxCarrierProvider implements ShippingProvider {
  static identifier = "sandbox-carrier"
  static kind = "shipping" as const
  readonly kind = "shipping" as const

  private readonly options: SandboxCarrierOptions
  private readonly state: ProviderStateStore
  private readonly recorder: CallRecorder
  /** Who checks, in the shared checks' messages. */
  private readonly checker: { connectionId: string; carrier: string }

  static optionsSchema: ZodType = sandboxCarrierOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(sandboxCarrierOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = sandboxCarrierOptionsSchema.parse(options)
    this.state = deps.state
    this.recorder = deps.createRecorder([])
    this.checker = { connectionId: deps.connection.id, carrier: "the sandbox carrier" }
    deps.logger.warn(`integration-hub: connection "${deps.connection.id}" uses the sandbox carrier, a development provider; do not use it in production`)
  }

  testConnection(): Promise<void> {
    return this.recorder.run("sandbox.testConnection", {}, async () => undefined)
  }

  externalUrl(): string | null {
    return null
  }

  describeCall(operation: string): string | null {
    return WORDS[operation.replace(/^sandbox\./, "")] ?? null
  }

  getRates(input: ShipmentRequest): Promise<ShippingRate[]> {
    return this.recorder.run("sandbox.getRates", input, async () => {
      this.check(input)
      const kg = Math.max(1, Math.ceil(input.parcels.reduce((g, p) => g + p.weightGrams, 0) / 1000))
      return this.options.services
        .map((s) => ({ carrierId: `se-${this.options.carrier}`, carrier: this.options.carrier, serviceCode: s.code, serviceName: s.name, amount: (s.base + s.perKg * kg).toFixed(2), currencyCode: input.currencyCode, deliveryDays: s.days }))
        .sort((a, b) => Number(a.amount) - Number(b.amount))
    })
  }

  /** A return label (`isReturn`) is bought and kept like an outbound one; its id and tracking number say "return" (sbx-ret-…, SBR…). */
  createLabel(input: LabelRequest): Promise<ShippingLabel> {
    return this.recorder.run("sandbox.createLabel", input, async () => {
      const subject = requireLabelSubject(input, this.checker)
      this.check(input, subject.isReturn)
      const found = await this.state.get<{ id: string }>(`ref:${input.reference}`)
      const existing = found && (await this.state.get<SandboxLabel>(`label:${found.id}`))
      if (existing && !existing.voided) {
        requireSameKindOfLabel({ labelId: existing.id, isReturn: existing.is_return ?? false }, subject, input.reference, this.checker)
        return this.toLabel(existing, false)
      }
      const label = this.newLabel(await this.state.next("label-seq"), input, subject)
      await this.state.set(`label:${label.id}`, label)
      await this.state.set(`ref:${input.reference}`, { id: label.id })
      return this.toLabel(label, true)
    }, (l) => l.labelId)
  }

  voidLabel(labelId: string): Promise<{ voided: boolean; summary: string }> {
    return this.recorder.run("sandbox.voidLabel", { labelId }, async () => {
      const label = await this.state.get<SandboxLabel>(`label:${labelId}`)
      if (!label) return { voided: false, summary: `the sandbox carrier has no label ${labelId}` }
      if (label.status === "in_transit" || label.status === "delivered") return { voided: false, summary: `label ${labelId} was already scanned (${label.status}): it cannot be voided` }
      await this.state.set(`label:${labelId}`, { ...label, voided: true })
      return { voided: true, summary: `label ${labelId} voided${label.voided ? " before" : ""}` }
    })
  }

  getTracking(labelId: string): Promise<TrackingStatus> {
    return this.recorder.run("sandbox.getTracking", { labelId }, async () => {
      const label = await this.state.get<SandboxLabel>(`label:${labelId}`)
      if (!label) return { trackingNumber: "", status: "unknown" as const, occurredAt: null, description: `no label ${labelId}` }
      return { trackingNumber: label.tracking, status: label.status, occurredAt: new Date(), description: label.status.replace("_", " ") }
    })
  }

  acceptsWebhooks(): boolean {
    return Boolean(this.options.webhookSecret)
  }

  verifyWebhook(request: InboundRequest): SignatureVerdict {
    return verifyStandardWebhook({ rawBody: request.rawBody, headers: request.headers, secret: this.options.webhookSecret ?? "" })
  }

  /** The sandbox carrier's signed event is its scan: the label moves to that status, then the hub applies it. */
  async parseWebhook(request: InboundRequest): Promise<InboundEvent> {
    const event = parseWebhookBody(request.rawBody, eventSchema, "a sandbox carrier event")
    const id = headerValue(request.headers, "webhook-id")
    if (!id) throw new WebhookPayloadError("webhook-id header missing")
    const { label_id, status } = event.data
    const label = await this.state.get<SandboxLabel>(`label:${label_id}`)
    if (label) await this.state.set(`label:${label_id}`, { ...label, status })
    return {
      id,
      type: "shipment.tracking",
      occurredAt: new Date(event.timestamp),
      subject: label ? { entity_type: "order", entity_id: label.order_id } : null,
      data: {
        label_id, fulfillment_id: label?.fulfillment_id ?? null, return_id: label?.return_id ?? null, is_return: label?.is_return ?? false,
        tracking_number: label?.tracking ?? null, claimed_status: status,
      },
    }
  }

  /** The same address and parcel checks a real carrier makes, so the demo fails where production would. */
  private check(input: ShipmentRequest, isReturn = false): void {
    requireShippableAddress(input.to, "ship_to", { ...this.checker, isReturn })
    requireShippableAddress(input.from, "ship_from", { ...this.checker, isReturn })
  }

  private newLabel(n: number, input: LabelRequest, subject: LabelSubject): SandboxLabel {
    const [id, tracking] = subject.isReturn ? [`sbx-ret-${n}`, `SBR${String(n).padStart(9, "0")}`] : [`sbx-lbl-${n}`, `SBX${String(n).padStart(9, "0")}`]
    return {
      id, tracking, reference: input.reference, order_id: subject.orderId, fulfillment_id: subject.fulfillmentId, return_id: subject.returnId,
      is_return: subject.isReturn, status: "pending", voided: false, service: input.serviceCode,
    }
  }

  private toLabel(l: SandboxLabel, created: boolean): ShippingLabel {
    return { labelId: l.id, trackingNumber: l.tracking, trackingUrl: `https://sandbox-carrier.invalid/track/${l.tracking}`, carrier: this.options.carrier, labelUrl: `https://sandbox-carrier.invalid/labels/${l.id}.pdf`, created }
  }
}
