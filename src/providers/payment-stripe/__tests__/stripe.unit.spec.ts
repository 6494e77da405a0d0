import Stripe from "stripe"
import { buildProvider } from "../../../testing/erp-contract"
import type { InboundRequest } from "../../types"
import { gatewayStatus, StripePaymentProvider } from "../service"

const SECRET = "whsec_unitTestSecret0123456789"
const OPTIONS = { apiKey: "sk_test_unit0123456789", webhookSecret: SECRET }
const stripe = new Stripe(OPTIONS.apiKey)
const provider = () => buildProvider(StripePaymentProvider, OPTIONS, { id: "payments" }).provider

/** A delivery exactly as Stripe signs it (the official package's test header). */
function delivery(event: Record<string, unknown>, opts: { secret?: string; timestamp?: number } = {}) {
  const payload = JSON.stringify(event)
  const header = stripe.webhooks.generateTestHeaderString({ payload, secret: opts.secret ?? SECRET, timestamp: opts.timestamp })
  return { rawBody: Buffer.from(payload), headers: { "stripe-signature": header } }
}
const now = () => Math.floor(Date.now() / 1000)
const refundedCharge = {
  id: "evt_refund_1", type: "charge.refunded", created: now(),
  data: { object: { id: "ch_1", payment_intent: "pi_1", currency: "usd", amount: 4500, amount_refunded: 1500, refunds: { data: [
    { id: "re_1", amount: 1000, status: "succeeded", created: now() - 60 },
    { id: "re_2", amount: 500, status: "succeeded", created: now() },
  ] } } },
}

describe("Stripe webhooks, verified with the official stripe package", () => {
  it("accepts Stripe's signature and names the event", async () => {
    expect(await provider().verifyWebhook(delivery(refundedCharge))).toMatchObject({ ok: true, id: "evt_refund_1" })
  })

  it.each<[string, InboundRequest, string]>([
    ["another secret", delivery(refundedCharge, { secret: "whsec_someoneElse0123456789" }), "bad_signature"],
    ["a timestamp 10 minutes old", delivery(refundedCharge, { timestamp: now() - 600 }), "timestamp_out_of_tolerance"],
    ["no header", { rawBody: Buffer.from(JSON.stringify(refundedCharge)), headers: {} }, "missing_signature"],
  ])("refuses %s", async (_, request, reason) => {
    const verdict = await provider().verifyWebhook(request)
    expect(verdict).toMatchObject({ ok: false, reason })
    expect(JSON.stringify(verdict)).not.toContain(SECRET)
  })

  it("reads a charge refunded twice (partial refunds) with every refund, in major units", async () => {
    expect(await provider().parseWebhook(delivery(refundedCharge))).toMatchObject({
      id: "evt_refund_1", type: "payment.refunded", subject: { entity_type: "gateway_payment", entity_id: "pi_1" },
      data: { payment_id: "pi_1", currency_code: "USD", amount_refunded: "15.00", refunds: [{ id: "re_1", amount: "10.00", status: "succeeded" }, { id: "re_2", amount: "5.00", status: "succeeded" }] },
    })
  })

  it("reads a refund still waiting at Stripe (requires_action) as pending, and a charge without a PaymentIntent by the charge", async () => {
    const object = { ...refundedCharge.data.object, payment_intent: null, refunds: { data: [{ id: "re_3", amount: 500, status: "requires_action", created: now() }] } }
    const parsed = await provider().parseWebhook(delivery({ ...refundedCharge, id: "evt_refund_2", data: { object } }))
    expect(parsed.subject).toEqual({ entity_type: "gateway_payment", entity_id: "ch_1" })
    expect(parsed.data).toMatchObject({ payment_id: "ch_1", refunds: [{ id: "re_3", status: "pending" }] })
  })

  it.each<[string, Record<string, unknown>, string, Record<string, unknown>]>([
    ["a dispute", { id: "dp_1", payment_intent: "pi_1", charge: "ch_1", amount: 4500, currency: "usd", reason: "fraudulent", status: "needs_response", evidence_details: { due_by: 1_800_000_000 } }, "charge.dispute.created",
      { payment_id: "pi_1", dispute: "dp_1", amount: "45.00", currency_code: "USD", reason: "fraudulent", status: "needs_response", due_by: "2027-01-15T08:00:00.000Z" }],
    ["a dispute closed", { id: "dp_1", payment_intent: "pi_1", charge: "ch_1", amount: 4500, currency: "usd", reason: "fraudulent", status: "won" }, "charge.dispute.closed", { payment_id: "pi_1", status: "won", due_by: null }],
    ["a failed payment", { id: "pi_2", status: "requires_payment_method", last_payment_error: { message: "Your card was declined.", decline_code: "insufficient_funds" } }, "payment_intent.payment_failed",
      { payment_id: "pi_2", reason: "Your card was declined. — insufficient_funds" }],
    ["a cancelled payment", { id: "pi_3", status: "canceled", cancellation_reason: "abandoned" }, "payment_intent.canceled", { payment_id: "pi_3", reason: "abandoned" }],
    // Stripe counts COP in hundredths though ISO 4217 gives it none, and VUV in whole vatu.
    ["a COP refund", { id: "ch_2", payment_intent: "pi_4", currency: "cop", amount: 500000, amount_refunded: 500000, refunds: { data: [{ id: "re_4", amount: 500000, status: "succeeded", created: 1_800_000_000 }] } }, "charge.refunded",
      { payment_id: "pi_4", currency_code: "COP", amount_refunded: "5000.00", refunds: [{ id: "re_4", amount: "5000.00", status: "succeeded", created_at: "2027-01-15T08:00:00.000Z" }] }],
    ["a VUV dispute", { id: "dp_2", payment_intent: "pi_5", amount: 1000, currency: "vuv", reason: "general", status: "needs_response" }, "charge.dispute.created", { payment_id: "pi_5", amount: "1000", currency_code: "VUV" }],
  ])("reads %s", async (_, object, type, data) => {
    const parsed = await provider().parseWebhook(delivery({ id: `evt_${type}`, type, created: now(), data: { object } }))
    expect(parsed.data).toMatchObject(data)
    expect(parsed.subject).toEqual({ entity_type: "gateway_payment", entity_id: data.payment_id })
  })

  it("stores an event the hub does not act on under Stripe's name, and refuses a body that is not an event", async () => {
    expect(await provider().parseWebhook(delivery({ id: "evt_x", type: "customer.created", created: now(), data: { object: { id: "cus_1" } } }))).toMatchObject({ type: "customer.created" })
    expect(() => provider().parseWebhook(delivery({ id: "evt_y", type: "charge.refunded", created: now(), data: { object: { id: "ch_1" } } }))).toThrow(/^not a Stripe charge.refunded event: data\.object\.currency/)
  })
})

describe("Stripe's signature, checked against a fixed vector", () => {
  // Stripe's v1 scheme, as its webhook docs describe checking a signature by hand: v1 = hex HMAC-SHA256 keyed by the whole
  // signing secret over "<t>.<raw body>". Computed outside our code, with OpenSSL 3.0:
  //   printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -hmac 'whsec_unitTestSecret0123456789'
  const T = 1700000000
  const BODY = '{"id":"evt_vector_1","object":"event","type":"charge.refunded","created":1700000000,"data":{"object":{"id":"ch_1","payment_intent":"pi_1","currency":"usd","amount":4500,"amount_refunded":1500}}}'
  const V1 = "5a09f542fd52889f734977c6d0c149b2ae5c96a4ed7808180bab19549a159820"
  const request = (body: string, v1: string): InboundRequest => ({ rawBody: Buffer.from(body), headers: { "stripe-signature": `t=${T},v1=${v1}` } })
  // One byte changed: the last hex digit of the signature, or the amount in the body.
  const otherV1 = `${V1.slice(0, -1)}1`
  const otherBody = BODY.replace('"amount_refunded":1500', '"amount_refunded":1501')

  beforeEach(() => jest.spyOn(Date, "now").mockReturnValue((T + 10) * 1000))
  afterEach(() => jest.restoreAllMocks())

  it("accepts the vector's signature", async () => {
    expect(await provider().verifyWebhook(request(BODY, V1))).toEqual({ ok: true, id: "evt_vector_1", timestamp: new Date(T * 1000) })
  })

  it.each([
    ["a signature one hex digit off", request(BODY, otherV1)],
    ["a body one byte off", request(otherBody, V1)],
  ])("refuses %s", async (_, changed) => {
    expect(await provider().verifyWebhook(changed)).toMatchObject({ ok: false, reason: "bad_signature" })
  })
})

describe("Stripe options", () => {
  it.each([
    ["a secret key with underscores after the mode", "sk_test_51Abc_def"],
    ["a live restricted key", "rk_live_51Abc_DEF_123"],
  ])("takes %s", (_, apiKey) => {
    expect(() => StripePaymentProvider.validateOptions({ ...OPTIONS, apiKey })).not.toThrow()
  })

  const rule = 'apiKey: must be a Stripe secret or restricted API key: "sk_" or "rk_", then "test_" or "live_", then letters, digits or "_"'
  it.each([
    ["a publishable key", "pk_test_51Abc_def"],
    ["a key without its mode", "sk_51Abcdef"],
    ["a key with a hyphen", "sk_test_51Abc-def"],
    ["a key cut after its mode", "sk_live_"],
  ])("refuses %s with exactly the rule, so never the key itself", (_, apiKey) => {
    expect(() => StripePaymentProvider.validateOptions({ ...OPTIONS, apiKey })).toThrow(new Error(rule))
  })

  it.each([
    ["a test key", "sk_test_51Abc_def", "https://dashboard.stripe.com/test/payments/pi_1"],
    ["a live key with _test_ further on", "sk_live_51Abc_test_def", "https://dashboard.stripe.com/payments/pi_1"],
  ])("links %s to the dashboard of its mode", (_, apiKey, url) => {
    expect(buildProvider(StripePaymentProvider, { ...OPTIONS, apiKey }, { id: "payments" }).provider.externalUrl("payment", "pi_1")).toBe(url)
  })
})

describe("Medusa's Stripe payments", () => {
  it.each<[string, string, Record<string, unknown> | null, string | null]>([
    ["Medusa's Stripe provider", "pp_stripe_stripe", { id: "pi_1" }, "pi_1"],
    ["Medusa's Stripe iDEAL provider", "pp_stripe-ideal_stripe", { id: "pi_2" }, "pi_2"],
    ["another provider's payment", "pp_system_default", { id: "pi_3" }, null],
    ["a Stripe payment not yet started", "pp_stripe_stripe", {}, null],
    ["a payment without data", "pp_stripe_stripe", null, null],
  ])("%s", (_, provider_id, data, expected) => {
    expect(provider().gatewayPaymentId({ id: "pay_1", provider_id, data })).toBe(expected)
  })
})

describe("Stripe payment states", () => {
  it.each<[string, number, number, string]>([
    ["succeeded", 4500, 0, "captured"], ["succeeded", 4500, 1500, "partially_refunded"], ["succeeded", 4500, 4500, "refunded"],
    ["requires_capture", 0, 0, "authorized"], ["canceled", 0, 0, "canceled"], ["requires_payment_method", 0, 0, "failed"], ["requires_action", 0, 0, "requires_action"],
  ])("%s, %i received, %i refunded: %s", (status, received, refunded, expected) => {
    expect(gatewayStatus(status, received, refunded)).toBe(expected)
  })
})
