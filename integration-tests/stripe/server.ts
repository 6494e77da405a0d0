/*
 * Stripe for tests: every request is judged by Stripe's official OpenAPI description (spec.ts; form bodies and
 * query strings parsed with qs as Stripe parses them), and one the description rejects is recorded as a violation
 * (the tests fail on any) and answered 400 as Stripe would. A valid one is answered by a stateful double that keeps
 * PaymentIntents, charges, refunds, disputes and customers, so flows (authorise, capture, refund) hold together.
 * Controls do what the Stripe dashboard or the card network would (a refund made in the dashboard, a dispute, a
 * decline) and hand back the webhook Stripe would send, signed with the official `stripe` package.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import qs from "qs"
import Stripe from "stripe"
import { ApiError, Charge, charge as newCharge, Customer, customer as newCustomer, dispute as newDispute, Dispute, event as newEvent, list, Metadata, now, PaymentIntent, paymentIntent as newIntent, paymentMethod, Refund, refund as newRefund, StripeEvent, stripeId } from "./objects"
import { startRequestValidator } from "./spec"

export type Violation = { method: string; url: string; messages: string[] }
export type StripeCall = { method: string; path: string; idempotencyKey: string | null; body: Record<string, unknown> | null; query: Record<string, unknown> }
/** A webhook delivery as Stripe makes it: POST `body` with `headers` to the endpoint. */
export type StripeWebhook = { body: string; headers: Record<string, string>; event: StripeEvent }

export type StripeTestServer = {
  url: string
  host: string
  port: number
  apiKey: string
  webhookSecret: string
  /** Requests Stripe's description rejects. */
  violations: Violation[]
  /** Every request received, in order (controls are not requests and are not here). */
  calls: StripeCall[]
  /** Webhooks Stripe would send because of API requests (a refund made through the API: `charge.refunded`, with its request). */
  deliveries: StripeWebhook[]
  intents(): PaymentIntent[]
  intent(id: string): PaymentIntent
  charges(): Charge[]
  refunds(): Refund[]
  disputes(): Dispute[]
  customers(): Customer[]
  /** The customer confirms in Stripe.js: requires_capture (manual capture) or succeeded, with its charge. */
  authorize(paymentIntentId: string): PaymentIntent
  /** A refund made in the dashboard; `charge.refunded` with the charge and all its refunds. Default: what is left. */
  dashboardRefund(paymentIntentId: string, amountMinor?: number): StripeWebhook
  /** The cardholder disputes the charge: `charge.dispute.created`. */
  dispute(paymentIntentId: string, input: { reason: string; amount?: number }): StripeWebhook
  closeDispute(disputeId: string, outcome: "won" | "lost"): StripeWebhook
  /** The issuer declines the customer's attempt: `payment_intent.payment_failed` with last_payment_error. */
  fail(paymentIntentId: string, message: string, declineCode: string): StripeWebhook
  /** Cancelled in the dashboard: `payment_intent.canceled`. */
  cancel(paymentIntentId: string, reason: "duplicate" | "fraudulent" | "requested_by_customer" | "abandoned"): StripeWebhook
  /** `payment_intent.succeeded` for the intent as it is now. */
  succeededEvent(paymentIntentId: string): StripeWebhook
  /** A Stripe-Signature header for `payload` (another secret or an old timestamp, in seconds, to test refusals). */
  sign(payload: string, opts?: { secret?: string; timestamp?: number }): string
  close(): Promise<void>
}

type Answer = { status: number; body: unknown }
type Body = Record<string, unknown>
class StripeFailure extends Error {
  constructor(readonly status: number, readonly error: ApiError) {
    super(error.message)
  }
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined)
const int = (v: unknown): number | undefined => (v === undefined || v === "" ? undefined : Number(v))
const bool = (v: unknown): boolean => v === true || v === "true"
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : v === undefined ? [] : [String(v)])
/** Stripe's metadata update: keys merge, an empty value removes its key. */
function mergeMetadata(current: Metadata, update: unknown): Metadata {
  if (update === "") return {}
  if (!update || typeof update !== "object") return current
  const out = { ...current }
  for (const [k, v] of Object.entries(update as Record<string, unknown>)) {
    if (v === "" || v === null) delete out[k]
    else out[k] = String(v)
  }
  return out
}
const missing = (kind: string, id: string, param: string) =>
  new StripeFailure(404, { type: "invalid_request_error", code: "resource_missing", param, message: `No such ${kind}: '${id}'`, doc_url: "https://stripe.com/docs/error-codes/resource-missing" })
const unexpected = (message: string, intent?: PaymentIntent) =>
  new StripeFailure(400, { type: "invalid_request_error", code: "payment_intent_unexpected_state", message, doc_url: "https://stripe.com/docs/error-codes/payment-intent-unexpected-state", ...(intent ? { payment_intent: structuredClone(intent) } : {}) })
const money = (minor: number, currency: string) => `${(minor / 100).toFixed(2)} ${currency.toUpperCase()}`

export async function startStripeTestServer(opts: { apiKey: string; webhookSecret: string; port?: number }): Promise<StripeTestServer> {
  const { apiKey, webhookSecret } = opts
  const validator = await startRequestValidator()
  const violations: Violation[] = []
  const calls: StripeCall[] = []
  const intents = new Map<string, PaymentIntent>()
  const charges = new Map<string, Charge>()
  const refunds = new Map<string, Refund>()
  const disputes = new Map<string, Dispute>()
  const customers = new Map<string, Customer | { id: string; object: "customer"; deleted: true }>()
  const methods = new Map<string, ReturnType<typeof paymentMethod>>()
  const events = new Map<string, StripeEvent>()
  /** What the uncaptured part of a partially captured charge released (Stripe counts it in amount_refunded). */
  const released = new Map<string, number>()
  const replies = new Map<string, { fingerprint: string; answer: Answer }>()
  const deliveries: StripeWebhook[] = []
  /** The API request being answered: events it causes name it, as Stripe's do. */
  let current: StripeEvent["request"] = { id: null, idempotency_key: null }

  const getIntent = (id: string) => intents.get(id) ?? fail(missing("payment_intent", id, "intent"))
  const getCharge = (id: string) => charges.get(id) ?? fail(missing("charge", id, "charge"))
  const refundsOf = (chargeId: string) => [...refunds.values()].filter((r) => r.charge === chargeId).reverse()
  function fail(f: StripeFailure): never {
    throw f
  }

  /** A test token (pm_card_visa) becomes a new card PaymentMethod, as Stripe does; a pm_ id must exist. */
  function usePaymentMethod(id: string, customer: string | null): string {
    if (methods.has(id)) return id
    if (!/^pm_card_/.test(id)) fail(missing("PaymentMethod", id, "payment_method"))
    const created = paymentMethod(stripeId("pm"), customer)
    methods.set(created.id, created)
    return created.id
  }

  function authorizeIntent(pi: PaymentIntent): PaymentIntent {
    if (!["requires_payment_method", "requires_confirmation", "requires_action"].includes(pi.status)) {
      fail(unexpected(`You cannot confirm this PaymentIntent because it has a status of ${pi.status}.`, pi))
    }
    pi.payment_method = usePaymentMethod(pi.payment_method ?? "pm_card_visa", pi.customer)
    const automatic = pi.capture_method !== "manual"
    const ch = newCharge(pi, { captured: automatic })
    charges.set(ch.id, ch)
    Object.assign(pi, { latest_charge: ch.id, last_payment_error: null })
    if (automatic) Object.assign(pi, { status: "succeeded", amount_received: pi.amount, amount_capturable: 0 })
    else Object.assign(pi, { status: "requires_capture", amount_capturable: pi.amount })
    return pi
  }

  function cancelIntent(pi: PaymentIntent, reason: string | undefined): PaymentIntent {
    const cancellable = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action", "processing"]
    if (!cancellable.includes(pi.status)) {
      fail(unexpected(`You cannot cancel this PaymentIntent because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancellable.join(", ")}.`, pi))
    }
    const ch = pi.latest_charge ? charges.get(pi.latest_charge) : undefined
    // An authorisation cancelled is released: its whole amount counts as refunded on the charge.
    if (ch && pi.status === "requires_capture") {
      released.set(ch.id, ch.amount)
      Object.assign(ch, { amount_refunded: ch.amount, refunded: true })
    }
    return Object.assign(pi, { status: "canceled", canceled_at: now(), cancellation_reason: reason ?? null, amount_capturable: 0 })
  }

  function refundCharge(ch: Charge, amount: number | undefined, input: { metadata?: Metadata; reason?: string }): Refund {
    const refunded = refundsOf(ch.id).reduce((s, r) => s + r.amount, 0)
    const left = ch.amount_captured - refunded
    if (!ch.captured || ch.status !== "succeeded") fail(new StripeFailure(400, { type: "invalid_request_error", code: "charge_not_refundable", message: `Charge ${ch.id} has not been captured and cannot be refunded.` }))
    if (left <= 0) fail(new StripeFailure(400, { type: "invalid_request_error", code: "charge_already_refunded", message: `Charge ${ch.id} has already been refunded.`, charge: ch.id }))
    const wanted = amount ?? left
    if (wanted > left) {
      fail(new StripeFailure(400, { type: "invalid_request_error", code: "amount_too_large", param: "amount", message: `Refund amount (${money(wanted, ch.currency)}) is greater than unrefunded amount on charge (${money(left, ch.currency)})` }))
    }
    const r = newRefund(ch, wanted, input)
    refunds.set(r.id, r)
    ch.amount_refunded = (released.get(ch.id) ?? 0) + refunded + wanted
    ch.refunded = ch.amount_refunded >= ch.amount
    return r
  }

  const chargeOfIntent = (pi: PaymentIntent): Charge => {
    const ch = pi.latest_charge ? charges.get(pi.latest_charge) : undefined
    if (!ch || ch.status !== "succeeded") fail(new StripeFailure(400, { type: "invalid_request_error", code: "charge_not_refundable", message: `This PaymentIntent (${pi.id}) does not have a successful charge to refund.` }))
    return ch
  }

  /** A charge as the API renders it; `refunds` (not included by default since 2022-11-15) only when asked for. */
  const renderCharge = (ch: Charge, withRefunds: boolean) => (withRefunds ? { ...ch, refunds: list(`/v1/charges/${ch.id}/refunds`, refundsOf(ch.id)) } : { ...ch })

  function resolve(id: string): Record<string, unknown> | undefined {
    const found = intents.get(id) ?? (charges.has(id) ? renderCharge(charges.get(id)!, false) : undefined) ?? methods.get(id) ?? customers.get(id) ?? refunds.get(id) ?? disputes.get(id)
    return found ? { ...found } : undefined
  }

  /** Stripe's `expand[]`: ids replaced by their objects, dotted paths followed; paths the double does not know are left as they are. */
  function expand(value: Record<string, unknown>, paths: string[]): Record<string, unknown> {
    const out = { ...value }
    const groups = new Map<string, string[]>()
    for (const p of paths) {
      const [head, ...rest] = p.split(".")
      groups.set(head, [...(groups.get(head) ?? []), ...(rest.length ? [rest.join(".")] : [])])
    }
    for (const [key, rest] of groups) {
      if (out.object === "charge" && key === "refunds") out.refunds = expand(list(`/v1/charges/${String(out.id)}/refunds`, refundsOf(String(out.id))), rest)
      else if (out.object === "list" && key === "data") out.data = (out.data as Array<Record<string, unknown>>).map((d) => expand(d, rest))
      else if (typeof out[key] === "string") out[key] = expand(resolve(out[key] as string) ?? { id: out[key] }, rest)
      else if (out[key] && typeof out[key] === "object") out[key] = expand(out[key] as Record<string, unknown>, rest)
    }
    return structuredClone(out)
  }

  function handle(operationId: string, params: Record<string, string>, body: Body, query: Record<string, unknown>): Answer {
    const paths = strings(body.expand ?? query.expand)
    const ok = (object: Record<string, unknown>) => ({ status: 200, body: expand(object, paths) })
    switch (operationId) {
      case "GetBalance": {
        const available = new Map<string, number>()
        for (const ch of charges.values()) {
          if (ch.captured) available.set(ch.currency, (available.get(ch.currency) ?? 0) + ch.amount_captured - refundsOf(ch.id).reduce((s, r) => s + r.amount, 0))
        }
        if (!available.size) available.set("usd", 0)
        const amounts = [...available].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }))
        return ok({ object: "balance", available: amounts, livemode: false, pending: amounts.map((a) => ({ ...a, amount: 0, source_types: { card: 0 } })) })
      }
      case "PostPaymentIntents": {
        const customer = str(body.customer) ?? null
        if (customer && !customers.has(customer)) fail(missing("customer", customer, "customer"))
        const pi = newIntent({
          amount: int(body.amount)!, currency: String(body.currency).toLowerCase(), capture_method: (str(body.capture_method) as PaymentIntent["capture_method"]) ?? "automatic",
          customer, description: str(body.description) ?? null, metadata: mergeMetadata({}, body.metadata), payment_method_types: strings(body.payment_method_types),
          payment_method: str(body.payment_method) ? usePaymentMethod(String(body.payment_method), customer) : null,
        })
        intents.set(pi.id, pi)
        if (bool(body.confirm)) {
          if (!pi.payment_method) fail(new StripeFailure(400, { type: "invalid_request_error", code: "parameter_missing", param: "payment_method", message: "You cannot confirm this PaymentIntent because it's missing a payment method." }))
          authorizeIntent(pi)
        }
        return ok(pi)
      }
      case "GetPaymentIntents":
        return ok(list("/v1/payment_intents", [...intents.values()].reverse().filter((p) => !str(query.customer) || p.customer === query.customer)))
      case "GetPaymentIntentsIntent":
        return ok(getIntent(params.intent))
      case "PostPaymentIntentsIntent": {
        const pi = getIntent(params.intent)
        const changesPayment = ["amount", "currency", "payment_method", "capture_method", "payment_method_types"].some((k) => body[k] !== undefined)
        if (changesPayment && !["requires_payment_method", "requires_confirmation", "requires_action"].includes(pi.status)) {
          fail(unexpected(`You cannot update this PaymentIntent because it has a status of ${pi.status}.`, pi))
        }
        if (body.amount !== undefined) pi.amount = int(body.amount)!
        if (str(body.currency)) pi.currency = String(body.currency).toLowerCase()
        if (str(body.capture_method)) pi.capture_method = body.capture_method as PaymentIntent["capture_method"]
        if (body.description !== undefined) pi.description = str(body.description) ?? null
        if (body.customer !== undefined) pi.customer = str(body.customer) ?? null
        if (str(body.payment_method)) Object.assign(pi, { payment_method: usePaymentMethod(String(body.payment_method), pi.customer), status: "requires_confirmation" })
        pi.metadata = mergeMetadata(pi.metadata, body.metadata)
        return ok(pi)
      }
      case "PostPaymentIntentsIntentConfirm": {
        const pi = getIntent(params.intent)
        if (str(body.payment_method)) pi.payment_method = usePaymentMethod(String(body.payment_method), pi.customer)
        if (!pi.payment_method) fail(new StripeFailure(400, { type: "invalid_request_error", code: "parameter_missing", param: "payment_method", message: "You cannot confirm this PaymentIntent because it's missing a payment method." }))
        return ok(authorizeIntent(pi))
      }
      case "PostPaymentIntentsIntentCapture": {
        const pi = getIntent(params.intent)
        if (pi.status !== "requires_capture") {
          fail(unexpected(`This PaymentIntent could not be captured because it has a status of ${pi.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`, pi))
        }
        const amount = int(body.amount_to_capture) ?? pi.amount_capturable
        if (amount > pi.amount_capturable) {
          fail(new StripeFailure(400, { type: "invalid_request_error", code: "amount_too_large", param: "amount_to_capture", message: `The amount to capture (${amount}) is greater than the amount capturable (${pi.amount_capturable}).` }))
        }
        const ch = getCharge(pi.latest_charge!)
        // The part not captured is released, and Stripe shows it as refunded on the charge.
        released.set(ch.id, ch.amount - amount)
        Object.assign(ch, { captured: true, amount_captured: amount, amount_refunded: ch.amount - amount, balance_transaction: stripeId("txn") })
        Object.assign(pi, { status: "succeeded", amount_received: amount, amount_capturable: 0 })
        pi.metadata = mergeMetadata(pi.metadata, body.metadata)
        return ok(pi)
      }
      case "PostPaymentIntentsIntentCancel":
        return ok(cancelIntent(getIntent(params.intent), str(body.cancellation_reason)))
      case "PostRefunds": {
        const chargeId = str(body.charge)
        const intentId = str(body.payment_intent)
        if (!chargeId && !intentId) fail(new StripeFailure(400, { type: "invalid_request_error", code: "parameter_missing", message: "One of the following params should be provided for this request: payment_intent or charge." }))
        const ch = chargeId ? getCharge(chargeId) : chargeOfIntent(getIntent(intentId!))
        const before = { amount_refunded: ch.amount_refunded, refunded: ch.refunded }
        const made = refundCharge(ch, int(body.amount), { metadata: mergeMetadata({}, body.metadata), reason: str(body.reason) })
        deliveries.push(webhook("charge.refunded", renderCharge(ch, true), before, current))
        return ok(made)
      }
      case "GetRefunds": {
        const matches = [...refunds.values()].reverse().filter((r) => (!str(query.payment_intent) || r.payment_intent === query.payment_intent) && (!str(query.charge) || r.charge === query.charge))
        return ok(list("/v1/refunds", matches.slice(0, int(query.limit) ?? 10)))
      }
      case "GetRefundsRefund":
        return ok(refunds.get(params.refund) ?? fail(missing("refund", params.refund, "id")))
      case "GetCharges":
        return ok(list("/v1/charges", [...charges.values()].reverse().filter((c) => !str(query.payment_intent) || c.payment_intent === query.payment_intent).map((c) => renderCharge(c, false))))
      case "GetChargesCharge":
        return ok(renderCharge(getCharge(params.charge), false))
      case "GetDisputesDispute":
        return ok(disputes.get(params.dispute) ?? fail(missing("dispute", params.dispute, "dispute")))
      case "GetEventsId":
        return ok(events.get(params.id) ?? fail(missing("event", params.id, "id")))
      case "PostCustomers": {
        const c = newCustomer({ email: str(body.email), name: str(body.name), phone: str(body.phone), description: str(body.description), metadata: mergeMetadata({}, body.metadata), address: body.address as Record<string, string> | undefined })
        customers.set(c.id, c)
        return ok(c)
      }
      case "GetCustomers":
        return ok(list("/v1/customers", [...customers.values()].filter((c): c is Customer => !("deleted" in c)).reverse().filter((c) => !str(query.email) || c.email === query.email)))
      case "GetCustomersCustomer":
        return ok(customers.get(params.customer) ?? fail(missing("customer", params.customer, "id")))
      case "PostCustomersCustomer": {
        const c = customers.get(params.customer)
        if (!c || "deleted" in c) fail(missing("customer", params.customer, "id"))
        for (const k of ["email", "name", "phone", "description"] as const) if (body[k] !== undefined) c[k] = str(body[k]) ?? null
        if (body.address && typeof body.address === "object") c.address = { city: null, country: null, line1: null, line2: null, postal_code: null, state: null, ...(body.address as object) }
        c.metadata = mergeMetadata((c.metadata as Metadata) ?? {}, body.metadata)
        return ok(c)
      }
      case "DeleteCustomersCustomer": {
        if (!customers.has(params.customer)) fail(missing("customer", params.customer, "id"))
        customers.set(params.customer, { id: params.customer, object: "customer", deleted: true })
        return ok({ id: params.customer, object: "customer", deleted: true })
      }
      case "GetCustomersCustomerPaymentMethods":
        return ok(list(`/v1/customers/${params.customer}/payment_methods`, [...methods.values()].filter((m) => m.customer === params.customer)))
      case "GetPaymentMethodsPaymentMethod":
        return ok(methods.get(params.payment_method) ?? fail(missing("PaymentMethod", params.payment_method, "payment_method")))
      case "PostPaymentMethodsPaymentMethodDetach": {
        const m = methods.get(params.payment_method) ?? fail(missing("PaymentMethod", params.payment_method, "payment_method"))
        m.customer = null
        return ok(m)
      }
      default:
        return { status: 501, body: { error: { type: "api_error", message: `${operationId} is valid by Stripe's description but this test double does not implement it` } } }
    }
  }

  const send = (res: ServerResponse, answer: Answer, headers: Record<string, string> = {}) =>
    res.writeHead(answer.status, { "content-type": "application/json", "request-id": stripeId("req"), "stripe-version": "2023-08-16", ...headers }).end(JSON.stringify(answer.body, null, 2))
  const error = (status: number, message: string, type = "invalid_request_error"): Answer => ({ status, body: { error: { type, message } } })

  function authorized(header: string | undefined): boolean {
    if (!header) return false
    const [scheme, value = ""] = header.split(" ")
    if (/^bearer$/i.test(scheme)) return value === apiKey
    if (/^basic$/i.test(scheme)) return Buffer.from(value, "base64").toString().replace(/:$/, "") === apiKey
    return false
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString()
    const method = (req.method ?? "GET").toUpperCase()
    const url = new URL(req.url ?? "/", "http://x")
    const query = qs.parse(url.search.slice(1), { depth: 20, arrayLimit: 100 }) as Record<string, unknown>
    const body = method === "POST" ? (qs.parse(raw, { depth: 20, arrayLimit: 100 }) as Body) : undefined
    const idempotencyKey = typeof req.headers["idempotency-key"] === "string" ? req.headers["idempotency-key"] : null
    calls.push({ method, path: url.pathname, idempotencyKey, body: body ?? null, query })
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]))
    const verdict = await validator.validate({ method, path: url.pathname, query, body: body ? structuredClone(body) : undefined, headers })
    if (!verdict.ok) {
      violations.push({ method, url: req.url ?? "/", messages: verdict.messages })
      return send(res, error(400, verdict.messages.join("; ")))
    }
    if (!req.headers.authorization) {
      return send(res, error(401, "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."))
    }
    if (!authorized(req.headers.authorization)) return send(res, error(401, `Invalid API Key provided: ${String(req.headers.authorization).replace(/^\S+\s+/, "").slice(0, 8)}****`))
    // Stripe's idempotency: the same key with the same request replays the first answer; with another request it is refused.
    const fingerprint = JSON.stringify([verdict.operationId, verdict.params, body])
    const stored = method === "POST" && idempotencyKey ? replies.get(idempotencyKey) : undefined
    if (stored) {
      if (stored.fingerprint !== fingerprint) {
        return send(res, error(400, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${idempotencyKey}' if you meant to execute a different request.`, "idempotency_error"))
      }
      return send(res, stored.answer, { "idempotent-replayed": "true", "idempotency-key": idempotencyKey! })
    }
    let answer: Answer
    // handle() runs synchronously: nothing else changes `current` before it returns.
    current = { id: stripeId("req"), idempotency_key: idempotencyKey }
    try {
      answer = handle(verdict.operationId, verdict.params, body ?? {}, query)
    } catch (err) {
      if (!(err instanceof StripeFailure)) throw err
      answer = { status: err.status, body: { error: err.error } }
    }
    if (method === "POST" && idempotencyKey) replies.set(idempotencyKey, { fingerprint, answer })
    send(res, answer, { "request-id": current.id!, ...(idempotencyKey ? { "idempotency-key": idempotencyKey } : {}) })
  })
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(opts.port ?? 0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo

  function sign(payload: string, o: { secret?: string; timestamp?: number } = {}): string {
    return Stripe.webhooks.generateTestHeaderString({ payload, secret: o.secret ?? webhookSecret, timestamp: o.timestamp ?? now() })
  }
  function webhook(type: string, object: Record<string, unknown>, previous?: Record<string, unknown>, request?: StripeEvent["request"]): StripeWebhook {
    const event = newEvent(type, structuredClone(object), previous, request)
    events.set(event.id, event)
    const body = JSON.stringify(event, null, 2)
    return { body, headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": sign(body), "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" }, event }
  }
  const controlled = <T>(run: () => T): T => {
    try {
      return run()
    } catch (err) {
      if (err instanceof StripeFailure) throw new Error(`Stripe would refuse this: ${err.message}`)
      throw err
    }
  }
  const capturedCharge = (piId: string) => controlled(() => {
    const pi = getIntent(piId)
    if (pi.status !== "succeeded") throw new Error(`${piId} is ${pi.status}: only a captured payment has a charge to refund or dispute`)
    return getCharge(pi.latest_charge!)
  })
  const declinable = ["requires_payment_method", "requires_confirmation", "requires_action"]

  return {
    url: `http://127.0.0.1:${port}`,
    host: "127.0.0.1",
    port,
    apiKey,
    webhookSecret,
    violations,
    calls,
    deliveries,
    intents: () => [...intents.values()],
    intent: (id) => controlled(() => getIntent(id)),
    charges: () => [...charges.values()],
    refunds: () => [...refunds.values()],
    disputes: () => [...disputes.values()],
    customers: () => [...customers.values()].filter((c): c is Customer => !("deleted" in c)),
    authorize: (id) => controlled(() => authorizeIntent(getIntent(id))),
    dashboardRefund(piId, amountMinor) {
      const ch = capturedCharge(piId)
      const before = { amount_refunded: ch.amount_refunded, refunded: ch.refunded }
      controlled(() => refundCharge(ch, amountMinor, { reason: "requested_by_customer" }))
      return webhook("charge.refunded", renderCharge(ch, true), before)
    },
    dispute(piId, input) {
      const ch = capturedCharge(piId)
      const d = newDispute(ch, input)
      disputes.set(d.id, d)
      ch.disputed = true
      return webhook("charge.dispute.created", d)
    },
    closeDispute(disputeId, outcome) {
      const d = disputes.get(disputeId)
      if (!d) throw new Error(`no dispute ${disputeId}`)
      if (!["needs_response", "under_review", "warning_needs_response", "warning_under_review"].includes(d.status)) throw new Error(`${disputeId} is already closed (${d.status})`)
      const previous = { status: d.status }
      d.status = outcome
      return webhook("charge.dispute.closed", d, previous)
    },
    fail(piId, message, declineCode) {
      const pi = controlled(() => getIntent(piId))
      if (!declinable.includes(pi.status)) throw new Error(`${piId} is ${pi.status}: only a payment awaiting confirmation can be declined`)
      const pmId = usePaymentMethod(pi.payment_method ?? "pm_card_visa", pi.customer)
      pi.payment_method = pmId
      const ch = newCharge(pi, { declined: { code: "card_declined", decline_code: declineCode, message } })
      charges.set(ch.id, ch)
      Object.assign(pi, {
        status: "requires_payment_method", latest_charge: ch.id, payment_method: null,
        last_payment_error: { type: "card_error", code: "card_declined", decline_code: declineCode, message, charge: ch.id, doc_url: "https://stripe.com/docs/error-codes/card-declined", payment_method: structuredClone(methods.get(pmId)) },
      })
      return webhook("payment_intent.payment_failed", pi)
    },
    cancel: (piId, reason) => webhook("payment_intent.canceled", controlled(() => cancelIntent(getIntent(piId), reason))),
    succeededEvent: (piId) => webhook("payment_intent.succeeded", controlled(() => getIntent(piId))),
    sign,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await validator.close()
    },
  }
}
