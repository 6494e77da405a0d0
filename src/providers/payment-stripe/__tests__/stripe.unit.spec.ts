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
      id: "evt_refund_1", type: "payment.refunded",
      data: { charge: "ch_1", payment_intent: "pi_1", currency_code: "USD", amount_refunded: "15.00", refunds: [{ id: "re_1", amount: "10.00" }, { id: "re_2", amount: "5.00" }] },
    })
  })

  it.each<[string, Record<string, unknown>, string, Record<string, unknown>]>([
    ["a dispute", { id: "dp_1", payment_intent: "pi_1", charge: "ch_1", amount: 4500, currency: "usd", reason: "fraudulent", status: "needs_response" }, "charge.dispute.created",
      { dispute: "dp_1", amount: "45.00", reason: "fraudulent", status: "needs_response" }],
    ["a dispute closed", { id: "dp_1", payment_intent: "pi_1", charge: "ch_1", amount: 4500, currency: "usd", reason: "fraudulent", status: "won" }, "charge.dispute.closed", { status: "won" }],
    ["a failed payment", { id: "pi_2", status: "requires_payment_method", last_payment_error: { message: "Your card was declined.", decline_code: "insufficient_funds" } }, "payment_intent.payment_failed",
      { payment_intent: "pi_2", reason: "Your card was declined. — insufficient_funds" }],
    ["a cancelled payment", { id: "pi_3", status: "canceled", cancellation_reason: "abandoned" }, "payment_intent.canceled", { payment_intent: "pi_3", reason: "abandoned" }],
  ])("reads %s", async (_, object, type, data) => {
    const parsed = await provider().parseWebhook(delivery({ id: `evt_${type}`, type, created: now(), data: { object } }))
    expect(parsed.data).toMatchObject(data)
  })

  it("stores an event the hub does not act on under Stripe's name, and refuses a body that is not an event", async () => {
    expect(await provider().parseWebhook(delivery({ id: "evt_x", type: "customer.created", created: now(), data: { object: { id: "cus_1" } } }))).toMatchObject({ type: "customer.created" })
    expect(() => provider().parseWebhook(delivery({ id: "evt_y", type: "charge.refunded", created: now(), data: { object: { id: "ch_1" } } }))).toThrow(/^not a Stripe charge.refunded event: data\.object\.currency/)
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
