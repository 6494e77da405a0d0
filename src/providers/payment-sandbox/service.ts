import type { ZodType } from "@medusajs/framework/zod"
import { MathBN } from "@medusajs/framework/utils"
import { IntegrationError } from "../../lib/errors"
import type { CallRecorder } from "../../lib/http/call-recorder"
import { currencyDigits } from "../../lib/money"
import { headerValue, SignatureVerdict, signStandardWebhook, verifyStandardWebhook } from "../../lib/webhooks/signatures"
import type { GatewayPaymentEvents, GatewayPaymentState, InboundEvent, InboundRequest, MedusaPaymentRef, PaymentGatewayProvider, ProviderDeps, ProviderStateStore } from "../types"
import { WebhookPayloadError } from "../types"
import { assertProviderOptions } from "../validate-options"
import { parseWebhookBody } from "../webhook-body"
import {
  Ledger, LedgerDispute, LedgerPatch, LedgerRefund, SandboxGatewayEvent, sandboxGatewayEventSchema, SandboxGatewayOptions, sandboxGatewayOptionsSchema, SignedWebhook,
} from "./types"

/** Medusa's payment provider id of the sandbox checkout provider: `pp_sandbox-gateway_<id in medusa-config>`. */
export const SANDBOX_MEDUSA_PROVIDER_PREFIX = "pp_sandbox-gateway_"

/** The sandbox's event types and the hub's name for each. */
const EVENT_TYPES: Record<SandboxGatewayEvent["type"], keyof GatewayPaymentEvents> = {
  "refund.updated": "payment.refunded",
  "dispute.opened": "payment.dispute_opened",
  "dispute.closed": "payment.dispute_closed",
  "payment.failed": "payment.failed",
  "payment.canceled": "payment.canceled",
}

const WORDS: Record<string, string> = {
  testConnection: "test the connection",
  getPaymentState: "read the payment at the gateway",
  create: "create the payment at the gateway",
  authorize: "authorize the payment",
  update: "change the payment's amount",
  capture: "capture the payment",
  refund: "refund the payment",
  cancel: "cancel the payment",
  retrieve: "read the payment at the gateway",
}

/**
 * DEVELOPMENT ONLY — a payment gateway that lives in the store's own database (the connection's provider state),
 * for the demo and tests. Its ledger is filled by Medusa itself through the sandbox checkout provider
 * (`providers/payment-sandbox-checkout`: create, authorize, capture, refund, cancel — the gateway's "API"), and
 * its controls do what a person or the card network does in a real gateway (a refund in the dashboard, a dispute,
 * a failure), each returning the signed webhook the gateway sends about it. Never point a production store at it.
 */
export class SandboxGatewayProvider implements PaymentGatewayProvider {
  static identifier = "sandbox-gateway"
  static kind = "payment" as const
  readonly kind = "payment" as const

  private readonly options: SandboxGatewayOptions
  private readonly state: ProviderStateStore
  private readonly recorder: CallRecorder
  private readonly connectionId: string

  static optionsSchema: ZodType = sandboxGatewayOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(sandboxGatewayOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = sandboxGatewayOptionsSchema.parse(options)
    this.state = deps.state
    this.recorder = deps.createRecorder([this.options.webhookSecret])
    this.connectionId = deps.connection.id
    deps.logger.warn(`integration-hub: connection "${deps.connection.id}" uses the sandbox payment gateway, a development provider; do not use it in production`)
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

  /** The controls (dashboard refunds, disputes, failures) outside production, or when the options allow them. */
  controlsAllowed(nodeEnv: string | undefined): boolean {
    return nodeEnv !== "production" || this.options.allowControls
  }

  // --- inbound ------------------------------------------------------------------------------------------------

  verifyWebhook(request: InboundRequest): SignatureVerdict {
    return verifyStandardWebhook({ rawBody: request.rawBody, headers: request.headers, secret: this.options.webhookSecret })
  }

  parseWebhook(request: InboundRequest): InboundEvent {
    const event = parseWebhookBody(request.rawBody, sandboxGatewayEventSchema, "a sandbox gateway event")
    const id = headerValue(request.headers, "webhook-id")
    if (!id) throw new WebhookPayloadError("webhook-id header missing")
    const data = eventData(event)
    return { id, type: EVENT_TYPES[event.type], occurredAt: new Date(event.created_at), subject: { entity_type: "gateway_payment", entity_id: data.payment_id }, data }
  }

  // --- reconciliation -----------------------------------------------------------------------------------------

  /** Payments of the sandbox checkout provider keep the gateway's id as `data.id`. */
  gatewayPaymentId(payment: MedusaPaymentRef): string | null {
    const id = payment.data?.id
    return payment.provider_id.startsWith(SANDBOX_MEDUSA_PROVIDER_PREFIX) && typeof id === "string" && id.length > 0 ? id : null
  }

  medusaPaymentFilter(gatewayPaymentId: string): Record<string, unknown> {
    return { data: { id: gatewayPaymentId } }
  }

  /** The payment as the gateway sees it; a payment it never saw is an error naming it (code payment_not_found, 404). */
  getPaymentState(paymentId: string): Promise<GatewayPaymentState> {
    return this.recorder.run("sandbox.getPaymentState", { paymentId }, async () => gatewayState(await this.requireLedger(paymentId)), (s) => s.paymentId, { safe: true })
  }

  // --- the gateway's API, as the sandbox checkout provider calls it ----------------------------------------------

  /** A new payment of `amount`; the same idempotency key (Medusa's payment session id) gives the same payment. */
  apiCreate(input: { amount: string; currency?: string; idempotencyKey?: string }): Promise<Ledger> {
    return this.recorder.run("sandbox.create", input, async () => {
      const key = input.idempotencyKey ? `key:${input.idempotencyKey}` : null
      const known = key ? await this.state.get<{ id: string }>(key) : null
      const existing = known ? await this.state.get<Ledger>(ledgerKey(known.id)) : null
      if (existing) return existing
      const currency = (input.currency ?? this.options.currency).toUpperCase()
      const ledger: Ledger = {
        id: `sbx_pay_${await this.state.next("payment-seq")}`, amount: money(input.amount, currency), currency, captured: money(0, currency),
        status: "requires_action", refunds: [], disputes: [], reason: null, api_refund_calls: 0, capture_key: null, refunded_override: null, missing: false,
        created_at: new Date().toISOString(),
      }
      await this.save(ledger)
      if (key) await this.state.set(key, { id: ledger.id })
      return ledger
    }, (l) => l.id)
  }

  /** Authorized at once, as a test card is; a payment already past it is left as it is. */
  apiAuthorize(paymentId: string): Promise<Ledger> {
    return this.apiChange("authorize", paymentId, {}, (l) => {
      if (l.status === "requires_action") l.status = "authorized"
      if (l.status === "canceled" || l.status === "failed") throw this.refused(`payment ${l.id} is ${l.status}: it cannot be authorized`)
    })
  }

  apiUpdate(paymentId: string, amount: string): Promise<Ledger> {
    return this.apiChange("update", paymentId, { amount }, (l) => {
      if (l.status !== "requires_action" && l.status !== "authorized") throw this.refused(`payment ${l.id} is ${l.status}: its amount cannot change`)
      l.amount = money(amount, l.currency)
    })
  }

  /** Captures the whole authorized amount (as Stripe does), once; the same idempotency key again changes nothing. */
  apiCapture(paymentId: string, idempotencyKey?: string): Promise<Ledger> {
    return this.apiChange("capture", paymentId, { idempotencyKey }, (l) => {
      if (l.status === "captured") return
      if (l.status !== "authorized") throw this.refused(`payment ${l.id} is ${l.status}: only an authorized payment can be captured`)
      l.status = "captured"
      l.captured = l.amount
      l.capture_key = idempotencyKey ?? null
    })
  }

  /** A refund asked for through the API (Medusa's), once per idempotency key (Medusa's refund id); every call is counted. */
  apiRefund(paymentId: string, amount: string, idempotencyKey?: string): Promise<Ledger> {
    return this.apiChange("refund", paymentId, { amount, idempotencyKey }, async (l) => {
      l.api_refund_calls += 1
      if (idempotencyKey && l.refunds.some((r) => r.idempotency_key === idempotencyKey)) return
      l.refunds.push(await this.newRefund(l, amount, "api", idempotencyKey ?? null))
    })
  }

  /** Cancels a payment not captured yet; already canceled is success. */
  apiCancel(paymentId: string): Promise<Ledger> {
    return this.apiChange("cancel", paymentId, {}, (l) => {
      if (l.status === "canceled") return
      if (l.status === "captured") throw this.refused(`payment ${l.id} is captured: refund it instead of canceling it`)
      l.status = "canceled"
      l.reason = "requested_by_customer"
    })
  }

  apiRetrieve(paymentId: string): Promise<Ledger> {
    return this.recorder.run("sandbox.retrieve", { paymentId }, () => this.requireLedger(paymentId), (l) => l.id, { safe: true })
  }

  // --- controls: what happens at the gateway without Medusa (the demo, tests, the sandbox-payments route) ----------

  /** The payment's ledger as the gateway keeps it, or null for a payment it never saw. */
  ledger(paymentId: string): Promise<Ledger | null> {
    return this.state.get<Ledger>(ledgerKey(paymentId))
  }

  /** How many refund calls the gateway's API received for the payment (0 for a payment it never saw). */
  async apiRefundCalls(paymentId: string): Promise<number> {
    return (await this.ledger(paymentId))?.api_refund_calls ?? 0
  }

  /** A refund made by a person in the gateway's dashboard (the rest of the captured amount when no amount is given). */
  async dashboardRefund(paymentId: string, amount?: string): Promise<SignedWebhook> {
    const ledger = await this.controlLedger(paymentId)
    const refund = await this.newRefund(ledger, amount ?? MathBN.sub(ledger.captured, refundedOf(ledger)).toFixed(currencyDigits(ledger.currency)), "dashboard", null)
    ledger.refunds.push(refund)
    await this.save(ledger)
    return this.refundEvent(ledger)
  }

  /**
   * The gateway's "refunds changed" event for the payment as it stands, as a real gateway also sends it after an API
   * refund (Medusa's): it names the idempotency key of the newest refund's call.
   */
  async refundWebhook(paymentId: string): Promise<SignedWebhook> {
    return this.refundEvent(await this.controlLedger(paymentId))
  }

  /** The card holder disputes the payment (the whole captured amount unless given); answer by `dueBy`, default in 7 days. */
  async openDispute(paymentId: string, input: { reason: string; amount?: string; dueBy?: Date }): Promise<SignedWebhook> {
    const ledger = await this.controlLedger(paymentId)
    const dispute: LedgerDispute = {
      id: `sbx_dp_${await this.state.next("dispute-seq")}`, amount: money(input.amount ?? ledger.captured, ledger.currency), reason: input.reason, status: "needs_response",
      due_by: (input.dueBy ?? new Date(Date.now() + 7 * 24 * 3600_000)).toISOString(), created_at: new Date().toISOString(),
    }
    ledger.disputes.push(dispute)
    await this.save(ledger)
    await this.state.set(`dispute:${dispute.id}`, { payment_id: ledger.id })
    return this.signed({ type: "dispute.opened", created_at: dispute.created_at, data: { payment: snapshot(ledger), dispute: publicDispute(dispute) } })
  }

  /** The card network decides the dispute. */
  async closeDispute(disputeId: string, outcome: "won" | "lost"): Promise<SignedWebhook> {
    const ref = await this.state.get<{ payment_id: string }>(`dispute:${disputeId}`)
    if (!ref) throw this.notFound(`dispute "${disputeId}"`)
    const ledger = await this.controlLedger(ref.payment_id)
    const dispute = ledger.disputes.find((d) => d.id === disputeId)
    if (!dispute) throw this.notFound(`dispute "${disputeId}"`)
    if (dispute.status !== "needs_response") throw this.refused(`dispute ${disputeId} is already closed (${dispute.status})`)
    dispute.status = outcome
    await this.save(ledger)
    return this.signed({ type: "dispute.closed", created_at: new Date().toISOString(), data: { payment: snapshot(ledger), dispute: publicDispute(dispute) } })
  }

  /** The open dispute of a payment (the newest), for callers that know only the payment. */
  async openDisputeOf(paymentId: string): Promise<string | null> {
    const ledger = await this.controlLedger(paymentId)
    return [...ledger.disputes].reverse().find((d) => d.status === "needs_response")?.id ?? null
  }

  async failPayment(paymentId: string, reason: string): Promise<SignedWebhook> {
    const ledger = await this.controlLedger(paymentId)
    ledger.status = "failed"
    ledger.reason = reason
    await this.save(ledger)
    return this.signed({ type: "payment.failed", created_at: new Date().toISOString(), data: { payment: snapshot(ledger), reason } })
  }

  async cancelPayment(paymentId: string, reason: string): Promise<SignedWebhook> {
    const ledger = await this.controlLedger(paymentId)
    ledger.status = "canceled"
    ledger.reason = reason
    await this.save(ledger)
    return this.signed({ type: "payment.canceled", created_at: new Date().toISOString(), data: { payment: snapshot(ledger), reason } })
  }

  /** Makes the gateway disagree with Medusa, silently (no webhook): what a missed event or a manual change leaves behind. */
  async setLedger(paymentId: string, patch: LedgerPatch): Promise<Ledger> {
    const ledger = await this.controlLedger(paymentId)
    const { refunded, ...rest } = patch
    const currency = (rest.currency ?? ledger.currency).toUpperCase()
    Object.assign(ledger, rest, { currency })
    if (rest.amount !== undefined) ledger.amount = money(rest.amount, currency)
    if (rest.captured !== undefined) ledger.captured = money(rest.captured, currency)
    if (refunded !== undefined) ledger.refunded_override = refunded === null ? null : money(refunded, currency)
    await this.save(ledger)
    return ledger
  }

  // --- internals ------------------------------------------------------------------------------------------------

  private apiChange(operation: string, paymentId: string, request: Record<string, unknown>, change: (l: Ledger) => void | Promise<void>): Promise<Ledger> {
    return this.recorder.run(`sandbox.${operation}`, { paymentId, ...request }, async () => {
      const ledger = await this.requireLedger(paymentId)
      await change(ledger)
      await this.save(ledger)
      return ledger
    }, (l) => l.id)
  }

  private async newRefund(ledger: Ledger, amount: string, source: LedgerRefund["source"], idempotencyKey: string | null): Promise<LedgerRefund> {
    const value = money(amount, ledger.currency)
    if (!MathBN.gt(value, 0)) throw this.refused(`a refund of payment ${ledger.id} must be more than 0 (got ${value})`)
    const left = MathBN.sub(ledger.captured, refundedOf(ledger))
    if (MathBN.gt(value, left)) {
      throw this.refused(`payment ${ledger.id} has ${left.toFixed(currencyDigits(ledger.currency))} ${ledger.currency} left to refund; a refund of ${value} is refused`)
    }
    return { id: `sbx_re_${await this.state.next("refund-seq")}`, amount: value, status: "succeeded", created_at: new Date().toISOString(), source, idempotency_key: idempotencyKey }
  }

  private async requireLedger(paymentId: string): Promise<Ledger> {
    const ledger = await this.ledger(paymentId)
    if (!ledger || ledger.missing) throw this.notFound(`payment "${paymentId}"`)
    return ledger
  }

  /** Controls act on what the gateway holds, even a payment `setLedger` made it forget. */
  private async controlLedger(paymentId: string): Promise<Ledger> {
    const ledger = await this.ledger(paymentId)
    if (!ledger) throw this.notFound(`payment "${paymentId}"`)
    return ledger
  }

  private save(ledger: Ledger): Promise<void> {
    return this.state.set(ledgerKey(ledger.id), ledger)
  }

  private refundEvent(ledger: Ledger): Promise<SignedWebhook> {
    const newest = ledger.refunds[ledger.refunds.length - 1]
    return this.signed({
      type: "refund.updated", created_at: newest?.created_at ?? new Date().toISOString(), request: { idempotency_key: newest?.idempotency_key ?? null },
      data: { payment: snapshot(ledger), refunds: ledger.refunds.map(publicRefund) },
    })
  }

  private async signed(event: SandboxGatewayEvent): Promise<SignedWebhook> {
    const body = JSON.stringify(event)
    const id = `sbx_evt_${await this.state.next("event-seq")}_${Date.now().toString(36)}`
    return { body, headers: { "content-type": "application/json", ...signStandardWebhook({ id, timestamp: new Date(), rawBody: body, secret: this.options.webhookSecret }) } }
  }

  private notFound(what: string): IntegrationError {
    return new IntegrationError(`The sandbox gateway (connection "${this.connectionId}") has no ${what}`, { connectionId: this.connectionId, code: "payment_not_found", retryable: false, httpStatus: 404 })
  }

  private refused(message: string): IntegrationError {
    return new IntegrationError(`The sandbox gateway (connection "${this.connectionId}") refused: ${message}`, { connectionId: this.connectionId, code: "sandbox_refused", retryable: false, httpStatus: 400 })
  }
}

const ledgerKey = (paymentId: string) => `payment:${paymentId}`

/** A decimal string with the currency's precision ("3" USD → "3.00"). */
export function money(value: string | number, currency: string): string {
  return MathBN.convert(value).toFixed(currencyDigits(currency))
}

/** What the gateway has refunded: its succeeded refunds, or what `setLedger` told it to report. */
export function refundedOf(ledger: Ledger): string {
  if (ledger.refunded_override !== null) return ledger.refunded_override
  const sum = ledger.refunds.filter((r) => r.status === "succeeded").reduce((total, r) => MathBN.add(total, r.amount), MathBN.convert(0))
  return sum.toFixed(currencyDigits(ledger.currency))
}

/** The ledger in the hub's words: a captured payment with refunds is partially refunded, or refunded once they reach the capture. */
export function gatewayState(ledger: Ledger): GatewayPaymentState {
  const refunded = refundedOf(ledger)
  let status: GatewayPaymentState["status"] = ledger.status
  if (ledger.status === "captured" && MathBN.gt(refunded, 0)) status = MathBN.gte(refunded, ledger.captured) ? "refunded" : "partially_refunded"
  return { paymentId: ledger.id, status, amount: ledger.amount, capturedAmount: ledger.captured, refundedAmount: refunded, currencyCode: ledger.currency }
}

const snapshot = (l: Ledger) => ({ id: l.id, currency: l.currency, amount: l.amount, captured: l.captured, refunded: refundedOf(l) })
const publicRefund = (r: LedgerRefund) => ({ id: r.id, amount: r.amount, status: r.status, created_at: r.created_at, source: r.source })
const publicDispute = (d: LedgerDispute) => ({ id: d.id, amount: d.amount, reason: d.reason, status: d.status, due_by: d.due_by })

/** The hub's event data (GatewayPaymentEvents) of a sandbox event: the same shapes the Stripe provider produces. */
export function eventData(event: SandboxGatewayEvent): { payment_id: string } & Record<string, unknown> {
  const { payment } = event.data
  if (event.type === "refund.updated") {
    const data: GatewayPaymentEvents["payment.refunded"] = {
      payment_id: payment.id, currency_code: payment.currency, amount_refunded: payment.refunded,
      refunds: event.data.refunds.map((r) => ({ id: r.id, amount: r.amount, status: r.status, created_at: r.created_at })),
      requested_with_key: event.request.idempotency_key,
    }
    return data
  }
  if (event.type === "dispute.opened" || event.type === "dispute.closed") {
    const d = event.data.dispute
    const data: GatewayPaymentEvents["payment.dispute_opened"] = {
      payment_id: payment.id, dispute: d.id, amount: d.amount, currency_code: payment.currency, reason: d.reason, status: d.status, due_by: d.due_by,
    }
    return data
  }
  const data: GatewayPaymentEvents["payment.failed"] = { payment_id: payment.id, reason: event.data.reason }
  return data
}
