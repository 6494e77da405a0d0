import Stripe from "stripe"
import { buildProvider } from "../../../testing/erp-contract"
import type { InboundRequest } from "../../types"
import { gatewayStatus, StripePaymentProvider, toMajor } from "../service"

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

describe("Stripe amounts and states", () => {
  it.each<[number, string, string]>([[4500, "usd", "45.00"], [4500, "jpy", "4500"], [12345, "kwd", "12.345"]])("%i %s is %s", (minor, currency, major) => {
    expect(toMajor(minor, currency)).toBe(major)
  })
  it.each<[string, number, number, string]>([
    ["succeeded", 4500, 0, "captured"], ["succeeded", 4500, 1500, "partially_refunded"], ["succeeded", 4500, 4500, "refunded"],
    ["requires_capture", 0, 0, "authorized"], ["canceled", 0, 0, "canceled"], ["requires_payment_method", 0, 0, "failed"], ["requires_action", 0, 0, "requires_action"],
  ])("%s, %i received, %i refunded: %s", (status, received, refunded, expected) => {
    expect(gatewayStatus(status, received, refunded)).toBe(expected)
  })
})
