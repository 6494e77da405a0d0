import type { ZodType } from "@medusajs/framework/zod"
import type { z } from "@medusajs/framework/zod"
import Stripe from "stripe"
import type { HttpClient } from "../../lib/http/client"
import { headerValue, SignatureVerdict } from "../../lib/webhooks/signatures"
import type { GatewayPaymentEvents, GatewayPaymentState, GatewayRefund, InboundEvent, InboundRequest, MedusaPaymentRef, PaymentGatewayProvider, ProviderDeps } from "../types"
import { WebhookPayloadError } from "../types"
import { assertProviderOptions } from "../validate-options"
import { parseWebhookBody } from "../webhook-body"
import { toMajor } from "./currency-units"
import { chargeSchema, disputeSchema, eventSchema, failedIntentSchema, paymentIntentSchema, StripeOptions, stripeOptionsSchema } from "./types"

/** Stripe's tolerance between its signature's timestamp and our clock, as its libraries default to. */
export const STRIPE_TOLERANCE_S = 300

/** The Stripe events the hub takes, and the hub's name for each. */
const EVENT_TYPES: Record<string, string> = {
  "charge.refunded": "payment.refunded",
  "charge.dispute.created": "payment.dispute_opened",
  "charge.dispute.closed": "payment.dispute_closed",
  "payment_intent.payment_failed": "payment.failed",
  "payment_intent.canceled": "payment.canceled",
}

const DESCRIPTIONS: Record<string, string> = {
  "balance.retrieve": "read the account balance (checks the API key)",
  "payment_intents.retrieve": "read the payment at Stripe",
}

/**
 * Stripe next to Medusa's own Stripe payment provider, never instead of it: Medusa's provider authorises and
 * captures; this connection takes what happens in Stripe's dashboard afterwards (refunds, disputes, failures) and
 * reads a payment's state for reconciliation. Webhooks are verified with the official `stripe` package
 * (Stripe-Signature, 300 s tolerance); every API call goes through the hub's HTTP layer and log.
 */
export class StripePaymentProvider implements PaymentGatewayProvider {
  static identifier = "stripe"
  static kind = "payment" as const
  /** Stripe allows about 100 read requests per second in live mode. */
  static defaultRateLimit = { requests: 100, perSeconds: 1 }
  readonly kind = "payment" as const

  private readonly options: StripeOptions
  private readonly http: HttpClient
  private readonly stripe: Stripe

  static optionsSchema: ZodType = stripeOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(stripeOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = stripeOptionsSchema.parse(options)
    this.http = deps.createHttpClient(this.options.baseUrl.replace(/\/+$/, ""), [this.options.apiKey, this.options.webhookSecret])
    // Only for its webhook signature check: the package makes no call here.
    this.stripe = new Stripe(this.options.apiKey)
  }

  async testConnection(): Promise<void> {
    await this.get("/v1/balance", "balance.retrieve")
  }

  externalUrl(entityType: string, externalId: string): string | null {
    // By the key's prefix: the rest of a key may contain "_test_" too.
    const mode = /^(sk|rk)_test_/.test(this.options.apiKey) ? "test/" : ""
    return entityType === "payment" ? `https://dashboard.stripe.com/${mode}payments/${encodeURIComponent(externalId)}` : null
  }

  describeCall(operation: string): string | null {
    return DESCRIPTIONS[operation] ?? null
  }

  verifyWebhook(request: InboundRequest): SignatureVerdict {
    const header = headerValue(request.headers, "stripe-signature")
    if (!header) return { ok: false, reason: "missing_signature", message: "Stripe-Signature header missing" }
    try {
      const event = this.stripe.webhooks.constructEvent(request.rawBody, header, this.options.webhookSecret, STRIPE_TOLERANCE_S)
      return { ok: true, id: event.id, timestamp: new Date(event.created * 1000) }
    } catch (err) {
      const message = (err as Error).message
      if (/tolerance/i.test(message)) return { ok: false, reason: "timestamp_out_of_tolerance", message: `the Stripe-Signature timestamp is more than ${STRIPE_TOLERANCE_S} s from now` }
      return { ok: false, reason: "bad_signature", message: "the Stripe-Signature does not match the body for options.webhookSecret" }
    }
  }

  parseWebhook(request: InboundRequest): InboundEvent {
    const event = parseWebhookBody(request.rawBody, eventSchema, "a Stripe event")
    const type = EVENT_TYPES[event.type]
    const occurredAt = new Date(event.created * 1000)
    // Events the hub does not act on are stored as Stripe named them (and skipped, saying so).
    if (!type) return { id: event.id, type: event.type, occurredAt, subject: null, data: { object_id: String(event.data.object.id ?? "") } }
    const data = this.eventData(event.type, event.data.object, event.request?.idempotency_key ?? null)
    return { id: event.id, type, occurredAt, subject: { entity_type: "gateway_payment", entity_id: data.payment_id }, data }
  }

  /** The fields of each event the hub needs (GatewayPaymentEvents), amounts in major units as Stripe counts the currency. */
  private eventData(type: string, object: Record<string, unknown>, idempotencyKey: string | null): { payment_id: string } & Record<string, unknown> {
    const parse = <S extends z.ZodType>(schema: S): z.output<S> => {
      const parsed = schema.safeParse(object)
      if (!parsed.success) throw new WebhookPayloadError(`not a Stripe ${type} event: data.object.${parsed.error.issues[0].path.map(String).join(".")}: ${parsed.error.issues[0].message}`)
      return parsed.data
    }
    if (type === "charge.refunded") {
      const charge = parse(chargeSchema)
      const data: GatewayPaymentEvents["payment.refunded"] = {
        payment_id: charge.payment_intent ?? charge.id,
        currency_code: charge.currency.toUpperCase(),
        amount_refunded: toMajor(charge.amount_refunded, charge.currency),
        refunds: (charge.refunds?.data ?? []).map((r) => ({
          id: r.id, amount: toMajor(r.amount, charge.currency), status: refundStatus(r.status), created_at: new Date(r.created * 1000).toISOString(),
        })),
        // Medusa's Stripe provider refunds with its refund id as the idempotency key.
        requested_with_key: idempotencyKey,
      }
      return data
    }
    if (type.startsWith("charge.dispute.")) {
      const dispute = parse(disputeSchema)
      const dueBy = dispute.evidence_details?.due_by
      const data: GatewayPaymentEvents["payment.dispute_opened"] = {
        payment_id: dispute.payment_intent ?? dispute.charge ?? dispute.id, dispute: dispute.id, amount: toMajor(dispute.amount, dispute.currency),
        currency_code: dispute.currency.toUpperCase(), reason: dispute.reason, status: dispute.status, due_by: dueBy ? new Date(dueBy * 1000).toISOString() : null,
      }
      return data
    }
    const intent = parse(failedIntentSchema)
    const error = intent.last_payment_error
    const data: GatewayPaymentEvents["payment.failed"] = {
      payment_id: intent.id,
      reason: type === "payment_intent.canceled" ? (intent.cancellation_reason ?? "canceled") : ([error?.message, error?.decline_code ?? error?.code].filter(Boolean).join(" — ") || "payment failed"),
    }
    return data
  }

  /** Medusa's own Stripe providers (pp_stripe_…, pp_stripe-ideal_…) keep the PaymentIntent as the payment's data. */
  gatewayPaymentId(payment: MedusaPaymentRef): string | null {
    const id = payment.data?.id
    return /^pp_stripe(-[a-z0-9]+)?_/.test(payment.provider_id) && typeof id === "string" && id.startsWith("pi_") ? id : null
  }

  medusaPaymentFilter(gatewayPaymentId: string): Record<string, unknown> {
    return { data: { id: gatewayPaymentId } }
  }

  async getPaymentState(paymentIntentId: string): Promise<GatewayPaymentState> {
    const intent = paymentIntentSchema.parse(await this.get(`/v1/payment_intents/${encodeURIComponent(paymentIntentId)}?expand[]=latest_charge`, "payment_intents.retrieve"))
    const charge = typeof intent.latest_charge === "object" ? intent.latest_charge : null
    // A partial capture releases the rest, which Stripe counts in the charge's amount_refunded: not a refund.
    const released = charge?.captured ? charge.amount - charge.amount_captured : 0
    const refunded = charge ? Math.max(0, charge.amount_refunded - released) : 0
    return {
      paymentId: intent.id,
      status: gatewayStatus(intent.status, intent.amount_received, refunded),
      amount: toMajor(intent.amount, intent.currency),
      capturedAmount: toMajor(intent.amount_received, intent.currency),
      refundedAmount: toMajor(refunded, intent.currency),
      currencyCode: intent.currency.toUpperCase(),
    }
  }

  private async get(url: string, operation: string): Promise<unknown> {
    const res = await this.http.request<unknown>({ method: "GET", url, operation, headers: { authorization: `Bearer ${this.options.apiKey}` }, safe: true })
    return res.data
  }
}

/** A refund's status in the hub's words: Stripe's "requires_action" is still pending. */
function refundStatus(status: string | null | undefined): GatewayRefund["status"] {
  if (status === "succeeded" || status === "failed" || status === "canceled") return status
  return "pending"
}

/** A PaymentIntent's status in the hub's words, refunds taken into account. */
export function gatewayStatus(status: string, received: number, refunded: number): GatewayPaymentState["status"] {
  if (status === "succeeded") return refunded <= 0 ? "captured" : refunded >= received ? "refunded" : "partially_refunded"
  if (status === "requires_capture") return "authorized"
  if (status === "canceled") return "canceled"
  if (status === "requires_payment_method" && received === 0) return "failed"
  return "requires_action"
}
