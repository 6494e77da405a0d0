import Stripe from "stripe"
import { buildProvider } from "../../src/testing/erp-contract"
import type { IntegrationError } from "../../src/lib/errors"
import { StripePaymentProvider } from "../../src/providers/payment-stripe/service"
import type { InboundRequest } from "../../src/providers/types"
import { StripeTestProviderService } from "./medusa-stripe-provider/service"
import type { PaymentIntent } from "./objects"
import { startStripeTestServer, StripeTestServer, StripeWebhook } from "./server"
import { schemaProblems } from "./spec"

jest.setTimeout(60_000)

const API_KEY = "sk_test_double51ZxQpRrT0a9Vb2C"
const SECRET = "whsec_doubleQ7rTyU3mN8kLpZx0aB"
const now = () => Math.floor(Date.now() / 1000)
const delivery = (w: Pick<StripeWebhook, "body" | "headers">): InboundRequest => ({ rawBody: Buffer.from(w.body), headers: w.headers })
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as IntegrationError)

// Stripe's official API description judges every request (any violation fails the test); a stateful double
// behind it answers. Medusa's own Stripe provider and the hub's adapter both talk to it over HTTP.
describe("Stripe: the hub's adapter and Medusa's provider against Stripe's API description and a stateful double", () => {
  let stripe: StripeTestServer
  let sdk: Stripe
  beforeAll(async () => {
    stripe = await startStripeTestServer({ apiKey: API_KEY, webhookSecret: SECRET })
    sdk = new Stripe(API_KEY, { host: stripe.host, port: stripe.port, protocol: "http", maxNetworkRetries: 0 })
  })
  afterAll(() => stripe?.close())
  afterEach(() => {
    expect(stripe.violations.splice(0)).toEqual([])
  })
  const adapter = (overrides: Record<string, unknown> = {}) => buildProvider(StripePaymentProvider, { apiKey: API_KEY, webhookSecret: SECRET, baseUrl: stripe.url, ...overrides }, { id: "payments" })
  /** A card payment authorised and captured through Stripe's own SDK, as a storefront and Medusa would. */
  async function capturedIntent(amount: number, currency = "usd"): Promise<PaymentIntent> {
    const pi = await sdk.paymentIntents.create({ amount, currency, capture_method: "manual", payment_method: "pm_card_visa", payment_method_types: ["card"], confirm: true, metadata: { session_id: "payses_test" } })
    expect(pi.status).toBe("requires_capture")
    await sdk.paymentIntents.capture(pi.id)
    return stripe.intent(pi.id)
  }

  describe("the double itself", () => {
    it("answers with objects valid by the description's response schemas, expanded ones included", async () => {
      const pi = await capturedIntent(4500)
      const refunded = stripe.dashboardRefund(pi.id, 1000)
      const disputed = stripe.dispute(pi.id, { reason: "fraudulent" })
      const customer = await sdk.customers.create({ email: "jane@example.com", name: "Jane Doe" })
      const read = await sdk.paymentIntents.retrieve(pi.id, { expand: ["latest_charge", "payment_method"] })
      const charge = await sdk.charges.retrieve(pi.latest_charge!, { expand: ["refunds"] })
      const list = await sdk.refunds.list({ payment_intent: pi.id })
      const objects: Array<[string, unknown]> = [
        ["payment_intent", read], ["charge", charge], ["refund", list.data[0]], ["dispute", disputed.event.data.object], ["customer", customer],
        ["balance", await sdk.balance.retrieve()], ["payment_method", read.payment_method], ["event", refunded.event], ["event", disputed.event],
        ["payment_intent", stripe.fail((await sdk.paymentIntents.create({ amount: 900, currency: "usd", payment_method_types: ["card"] })).id, "Your card was declined.", "insufficient_funds").event.data.object],
      ]
      for (const [schema, value] of objects) expect([schema, schemaProblems(schema, value)]).toEqual([schema, []])
      expect(read).toMatchObject({ status: "succeeded", amount: 4500, amount_received: 4500, latest_charge: { id: pi.latest_charge, amount_captured: 4500, amount_refunded: 1000 }, payment_method: { card: { last4: "4242" } } })
      expect(charge.refunds?.data.map((r) => r.amount)).toEqual([1000])
      expect(list.data).toHaveLength(1)
    })

    it("the schema check catches what Stripe would never send", () => {
      const pi = stripe.intents()[0]
      expect(schemaProblems("payment_intent", { ...pi, status: "paid" })).toEqual([
        "payment_intent/status: must be equal to one of the allowed values (canceled,processing,requires_action,requires_capture,requires_confirmation,requires_payment_method,succeeded)",
      ])
      expect(schemaProblems("refund", { id: "re_1", object: "refund", amount: "10", created: 1, currency: "usd" })).toEqual(["refund/amount: must be integer"])
    })

    it("records and refuses, as Stripe would, requests its description rejects; checks the API key", async () => {
      const post = (path: string, body: string, key = API_KEY) =>
        fetch(`${stripe.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/x-www-form-urlencoded" }, body })
      const typo = await post("/v1/payment_intents", "amount=ten&currency=usd")
      expect(await typo.json()).toEqual({ error: { type: "invalid_request_error", message: "requestBody.amount: must be integer" } })
      const bad = await post("/v1/payment_intents", "amount=1000&currency=usd&colour=blue")
      expect(bad.status).toBe(400)
      expect(await bad.json()).toEqual({ error: { type: "invalid_request_error", message: "requestBody: must NOT have additional properties (colour)" } })
      const unknown = await fetch(`${stripe.url}/v1/payment_intent`, { headers: { authorization: `Bearer ${API_KEY}` } })
      expect(unknown.status).toBe(400)
      expect(stripe.violations.splice(0)).toEqual([
        { method: "POST", url: "/v1/payment_intents", messages: ["requestBody.amount: must be integer"] },
        { method: "POST", url: "/v1/payment_intents", messages: ["requestBody: must NOT have additional properties (colour)"] },
        { method: "GET", url: "/v1/payment_intent", messages: ["no such operation in Stripe's description: GET /v1/payment_intent"] },
      ])
      const refused = await post("/v1/customers", "email=a%40example.com", "sk_test_someoneElse")
      expect(refused.status).toBe(401)
      expect(await refused.json()).toEqual({ error: { type: "invalid_request_error", message: "Invalid API Key provided: sk_test_****" } })
    })

    it("replays a request sent again with its Idempotency-Key, and refuses the key for another request", async () => {
      const pi = await capturedIntent(3000)
      const first = await sdk.refunds.create({ payment_intent: pi.id, amount: 500 }, { idempotencyKey: "refund-key-1" })
      const again = await sdk.refunds.create({ payment_intent: pi.id, amount: 500 }, { idempotencyKey: "refund-key-1" })
      expect(again.id).toBe(first.id)
      expect(stripe.refunds().filter((r) => r.payment_intent === pi.id)).toHaveLength(1)
      await expect(sdk.refunds.create({ payment_intent: pi.id, amount: 700 }, { idempotencyKey: "refund-key-1" })).rejects.toMatchObject({ type: "StripeIdempotencyError" })
      await expect(sdk.refunds.create({ payment_intent: pi.id, amount: 2600 })).rejects.toMatchObject({ code: "amount_too_large", statusCode: 400 })
      expect(stripe.charges().find((c) => c.id === pi.latest_charge)).toMatchObject({ amount_refunded: 500, refunded: false })
    })
  })

  describe("the hub's adapter", () => {
    it("proves the API key with GET /v1/balance, and is refused a key Stripe does not know", async () => {
      await expect(adapter().provider.testConnection()).resolves.toBeUndefined()
      expect(stripe.calls.at(-1)).toEqual({ method: "GET", path: "/v1/balance", idempotencyKey: null, body: null, query: {} })
      const err = await failure(adapter({ apiKey: "sk_test_unknown0123456789" }).provider.testConnection())
      expect(err).toMatchObject({ retryable: false, httpStatus: 401 })
    })

    it("reads a captured, a partially refunded and a fully refunded PaymentIntent", async () => {
      const { provider, logs } = adapter()
      const pi = await capturedIntent(4500)
      const state = (status: string, refundedAmount: string) => ({ paymentId: pi.id, status, amount: "45.00", capturedAmount: "45.00", refundedAmount, currencyCode: "USD" })
      expect(await provider.getPaymentState(pi.id)).toEqual(state("captured", "0.00"))
      stripe.dashboardRefund(pi.id, 1500)
      expect(await provider.getPaymentState(pi.id)).toEqual(state("partially_refunded", "15.00"))
      stripe.dashboardRefund(pi.id)
      expect(await provider.getPaymentState(pi.id)).toEqual(state("refunded", "45.00"))
      expect(stripe.calls.at(-1)).toEqual({ method: "GET", path: `/v1/payment_intents/${pi.id}`, idempotencyKey: null, body: null, query: { expand: ["latest_charge"] } })
      expect(logs.map((l) => [l.operation, l.http_status])).toEqual([["payment_intents.retrieve", 200], ["payment_intents.retrieve", 200], ["payment_intents.retrieve", 200]])
    })

    it("reads a partial capture as captured: the released rest Stripe counts as refunded on the charge is no refund", async () => {
      const pi = await sdk.paymentIntents.create({ amount: 4500, currency: "usd", capture_method: "manual", payment_method: "pm_card_visa", payment_method_types: ["card"], confirm: true })
      await sdk.paymentIntents.capture(pi.id, { amount_to_capture: 2000 })
      const { provider } = adapter()
      expect(await provider.getPaymentState(pi.id)).toEqual({ paymentId: pi.id, status: "captured", amount: "45.00", capturedAmount: "20.00", refundedAmount: "0.00", currencyCode: "USD" })
      stripe.dashboardRefund(pi.id, 500)
      expect(await provider.getPaymentState(pi.id)).toMatchObject({ status: "partially_refunded", capturedAmount: "20.00", refundedAmount: "5.00" })
    })

    it("reads a zero-decimal currency in its own unit", async () => {
      const pi = await capturedIntent(5000, "jpy")
      expect(await adapter().provider.getPaymentState(pi.id)).toEqual({ paymentId: pi.id, status: "captured", amount: "5000", capturedAmount: "5000", refundedAmount: "0", currencyCode: "JPY" })
    })
  })

  describe("the hub's adapter on the webhooks Stripe sends", () => {
    const verifiedAndParsed = async (w: StripeWebhook) => {
      const { provider } = adapter()
      expect(await provider.verifyWebhook(delivery(w))).toEqual({ ok: true, id: w.event.id, timestamp: new Date(w.event.created * 1000) })
      return provider.parseWebhook(delivery(w))
    }

    it("takes charge.refunded from the dashboard with every refund the charge has", async () => {
      const pi = await capturedIntent(4500)
      stripe.dashboardRefund(pi.id, 1000)
      const second = stripe.dashboardRefund(pi.id, 500)
      const [newest, oldest] = stripe.refunds().filter((r) => r.payment_intent === pi.id).reverse()
      expect(await verifiedAndParsed(second)).toEqual({
        id: second.event.id, type: "payment.refunded", occurredAt: new Date(second.event.created * 1000), subject: { entity_type: "gateway_payment", entity_id: pi.id },
        data: {
          payment_id: pi.id, currency_code: "USD", amount_refunded: "15.00", requested_with_key: null,
          refunds: [
            { id: newest.id, amount: "5.00", status: "succeeded", created_at: new Date(newest.created * 1000).toISOString() },
            { id: oldest.id, amount: "10.00", status: "succeeded", created_at: new Date(oldest.created * 1000).toISOString() },
          ],
        },
      })
    })

    it("takes a dispute opened, then closed won", async () => {
      const pi = await capturedIntent(4500)
      const opened = stripe.dispute(pi.id, { reason: "fraudulent" })
      const d = stripe.disputes().at(-1)!
      const expected = { payment_id: pi.id, dispute: d.id, amount: "45.00", currency_code: "USD", reason: "fraudulent", due_by: new Date(d.evidence_details.due_by! * 1000).toISOString() }
      expect(await verifiedAndParsed(opened)).toMatchObject({ type: "payment.dispute_opened", subject: { entity_type: "gateway_payment", entity_id: pi.id }, data: { ...expected, status: "needs_response" } })
      const closed = stripe.closeDispute(d.id, "won")
      expect((await verifiedAndParsed(closed)).data).toEqual({ ...expected, status: "won" })
    })

    it("takes a partial dispute closed lost", async () => {
      const pi = await capturedIntent(4500)
      stripe.dispute(pi.id, { reason: "product_not_received", amount: 2000 })
      const closed = stripe.closeDispute(stripe.disputes().at(-1)!.id, "lost")
      expect(await verifiedAndParsed(closed)).toMatchObject({ type: "payment.dispute_closed", data: { payment_id: pi.id, amount: "20.00", reason: "product_not_received", status: "lost" } })
    })

    it("takes a declined payment and a cancelled one", async () => {
      const declined = await sdk.paymentIntents.create({ amount: 1200, currency: "eur", payment_method_types: ["card"] })
      const failed = stripe.fail(declined.id, "Your card has insufficient funds.", "insufficient_funds")
      expect(await verifiedAndParsed(failed)).toMatchObject({ id: failed.event.id, type: "payment.failed", subject: { entity_type: "gateway_payment", entity_id: declined.id } })
      expect((await verifiedAndParsed(failed)).data).toEqual({ payment_id: declined.id, reason: "Your card has insufficient funds. — insufficient_funds" })
      const abandoned = await sdk.paymentIntents.create({ amount: 1200, currency: "eur", payment_method_types: ["card"] })
      const canceled = stripe.cancel(abandoned.id, "abandoned")
      expect(await verifiedAndParsed(canceled)).toMatchObject({ type: "payment.canceled", data: { payment_id: abandoned.id, reason: "abandoned" } })
    })

    it("stores payment_intent.succeeded under Stripe's name, without acting on it", async () => {
      const pi = await capturedIntent(800)
      const succeeded = stripe.succeededEvent(pi.id)
      expect(await verifiedAndParsed(succeeded)).toEqual({ id: succeeded.event.id, type: "payment_intent.succeeded", occurredAt: new Date(succeeded.event.created * 1000), subject: null, data: { object_id: pi.id } })
    })

    it("refuses a tampered body, another endpoint's secret and a timestamp past Stripe's 300 s tolerance", async () => {
      const pi = await capturedIntent(4500)
      const w = stripe.dashboardRefund(pi.id, 100)
      const { provider } = adapter()
      const tampered = w.body.replace('"amount_refunded": 100', '"amount_refunded": 4500')
      expect(tampered).not.toBe(w.body)
      const verdict = (body: string, signature: string) => provider.verifyWebhook({ rawBody: Buffer.from(body), headers: { "stripe-signature": signature } })
      expect(await verdict(tampered, w.headers["stripe-signature"])).toMatchObject({ ok: false, reason: "bad_signature" })
      expect(await verdict(w.body, stripe.sign(w.body, { secret: "whsec_anotherEndpoint0123456789" }))).toMatchObject({ ok: false, reason: "bad_signature" })
      expect(await verdict(w.body, stripe.sign(w.body, { timestamp: now() - 310 }))).toMatchObject({ ok: false, reason: "timestamp_out_of_tolerance" })
      expect(await verdict(w.body, stripe.sign(w.body, { timestamp: now() - 290 }))).toMatchObject({ ok: true, id: w.event.id })
    })
  })

  describe("Medusa's own Stripe provider (subclassed only to point its client here)", () => {
    const medusa = () => new StripeTestProviderService({ logger: console }, { apiKey: API_KEY, webhookSecret: SECRET, capture: false, apiPort: stripe.port })

    it("initiates, is authorised by the customer, authorises, captures and refunds once with Medusa's idempotency key", async () => {
      const provider = medusa()
      const session = await provider.initiatePayment({ amount: 45, currency_code: "usd", data: { session_id: "payses_01TEST" }, context: { idempotency_key: "payses_01TEST" } })
      expect(session).toMatchObject({ id: expect.stringMatching(/^pi_/), status: "pending", data: { status: "requires_payment_method", amount: 4500, capture_method: "manual", metadata: { session_id: "payses_01TEST" } } })
      expect(stripe.calls.at(-1)).toMatchObject({ method: "POST", path: "/v1/payment_intents", idempotencyKey: "payses_01TEST", body: { amount: "4500", currency: "usd", capture_method: "manual", metadata: { session_id: "payses_01TEST" }, expand: ["payment_method"] } })

      stripe.authorize(session.id)
      const authorized = await provider.authorizePayment({ data: session.data })
      expect(authorized).toMatchObject({ status: "authorized", data: { id: session.id, status: "requires_capture", amount_capturable: 4500 } })

      const captured = await provider.capturePayment({ data: authorized.data, context: { idempotency_key: "capture_pay_01TEST" } })
      expect(captured.data).toMatchObject({ id: session.id, status: "succeeded", amount_received: 4500, amount_capturable: 0 })

      const before = stripe.calls.length
      await provider.refundPayment({ amount: 10, data: captured.data, context: { idempotency_key: "ref_01TEST" } })
      expect(stripe.calls.slice(before)).toEqual([{ method: "POST", path: "/v1/refunds", idempotencyKey: "ref_01TEST", body: { amount: "1000", payment_intent: session.id }, query: {} }])
      // A retry of the same refund (Medusa's workflow run again) is the same refund at Stripe, not a second one.
      await provider.refundPayment({ amount: 10, data: captured.data, context: { idempotency_key: "ref_01TEST" } })
      const refunds = stripe.refunds().filter((r) => r.payment_intent === session.id)
      expect(refunds.map((r) => [r.amount, r.status])).toEqual([[1000, "succeeded"]])
      expect(stripe.charges().find((c) => c.id === stripe.intent(session.id).latest_charge)).toMatchObject({ amount_captured: 4500, amount_refunded: 1000, refunded: false })
      // The charge.refunded webhook Stripe sends for it names Medusa's key, so the hub can tell it from a dashboard refund.
      expect(stripe.deliveries.at(-1)?.event).toMatchObject({ type: "charge.refunded", request: { id: expect.stringMatching(/^req_/), idempotency_key: "ref_01TEST" } })
      expect((await adapter().provider.parseWebhook(delivery(stripe.deliveries.at(-1)!))).data).toMatchObject({ payment_id: session.id, amount_refunded: "10.00", requested_with_key: "ref_01TEST" })
    })

    it("creates the customer's account holder, updates the amount, reads the status and cancels", async () => {
      const provider = medusa()
      const holder = await provider.createAccountHolder({ context: { idempotency_key: "acch_01TEST", customer: { id: "cus_medusa", email: "jane@example.com", first_name: "Jane", last_name: "Doe", company_name: null, phone: "+15125550199", billing_address: null } } } as never)
      expect(holder).toMatchObject({ id: expect.stringMatching(/^cus_/), data: { email: "jane@example.com", name: "Jane Doe", phone: "+15125550199" } })
      const session = await provider.initiatePayment({ amount: 20, currency_code: "eur", data: { session_id: "payses_02TEST" }, context: { idempotency_key: "payses_02TEST", account_holder: { id: "acchld_1", data: { id: holder.id } } } as never })
      expect(session.data).toMatchObject({ customer: holder.id, amount: 2000, currency: "eur" })
      const updated = await provider.updatePayment({ amount: 25, currency_code: "eur", data: session.data!, context: { idempotency_key: "upd_02TEST" } })
      expect(updated).toMatchObject({ status: "pending", data: { amount: 2500 } })
      expect(await provider.getPaymentStatus({ data: session.data })).toMatchObject({ status: "pending" })
      expect((await provider.retrievePayment({ data: session.data })).data).toMatchObject({ id: session.id, amount: 25 })
      const canceled = await provider.cancelPayment({ data: session.data, context: { idempotency_key: "cancel_02TEST" } })
      expect(canceled.data).toMatchObject({ id: session.id, status: "canceled" })
      // Cancelling again (a retried compensation) finds it cancelled: Medusa takes Stripe's refusal as done.
      expect((await provider.cancelPayment({ data: session.data, context: { idempotency_key: "cancel_02TEST_again" } })).data).toMatchObject({ id: session.id, status: "canceled" })
    })
  })
})
