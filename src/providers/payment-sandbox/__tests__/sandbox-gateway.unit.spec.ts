import { signStandardWebhook } from "../../../lib/webhooks/signatures"
import { buildProvider } from "../../../testing/erp-contract"
import type { InboundRequest } from "../../types"
import { gatewayState, SandboxGatewayProvider } from "../service"
import type { Ledger } from "../types"

const SECRET = "whsec_c2FuZGJveC1nYXRld2F5LXVuaXQtdGVzdHM="
const OTHER = "whsec_c29tZW9uZS1lbHNlcy1zZWNyZXQtdmFsdWU="
const gateway = (options: Record<string, unknown> = {}) => buildProvider(SandboxGatewayProvider, { webhookSecret: SECRET, ...options }, { id: "gateway" }).provider
const asRequest = (w: { body: string; headers: Record<string, string> }): InboundRequest => ({ rawBody: Buffer.from(w.body), headers: w.headers })

/** A payment Medusa made through the sandbox checkout provider: created, authorized, captured. */
async function captured(provider: SandboxGatewayProvider, amount = "50", currency = "usd") {
  const created = await provider.apiCreate({ amount, currency, idempotencyKey: `ps_${amount}_${currency}` })
  await provider.apiAuthorize(created.id)
  return provider.apiCapture(created.id, "capt_1")
}

describe("sandbox gateway options", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["no secret", {}, "webhookSecret: Required"],
    ["a secret that is not Standard Webhooks", { webhookSecret: "secret" }, 'webhookSecret: must be a Standard Webhooks secret: "whsec_" followed by base64'],
    ["a currency that is not ISO 4217", { webhookSecret: SECRET, currency: "dollars" }, "currency: must be an ISO 4217 currency code, e.g. USD"],
    ["controls allowed as a string", { webhookSecret: SECRET, allowControls: "yes" }, "allowControls: Invalid input: expected boolean, received string"],
  ])("refuses %s, naming the option", (_, options, message) => {
    expect(() => SandboxGatewayProvider.validateOptions(options)).toThrow(message)
  })

  it("takes a secret alone, with USD as the default currency and the controls off in production", () => {
    expect(() => SandboxGatewayProvider.validateOptions({ webhookSecret: SECRET })).not.toThrow()
    expect(gateway().controlsAllowed("production")).toBe(false)
    expect(gateway().controlsAllowed("development")).toBe(true)
    expect(gateway({ allowControls: true }).controlsAllowed("production")).toBe(true)
  })
})

describe("sandbox gateway webhooks (Standard Webhooks)", () => {
  it("accepts its own signed event and refuses a tampered body, another secret, a stale timestamp and no signature", async () => {
    const provider = gateway()
    const payment = await captured(provider)
    const event = await provider.dashboardRefund(payment.id, "3")
    expect(provider.verifyWebhook(asRequest(event))).toMatchObject({ ok: true, id: event.headers["webhook-id"] })
    expect(provider.verifyWebhook({ ...asRequest(event), rawBody: Buffer.from(event.body.replace('"3.00"', '"30.00"')) })).toMatchObject({ ok: false, reason: "bad_signature" })
    const foreign = signStandardWebhook({ id: "evt_x", timestamp: new Date(), rawBody: event.body, secret: OTHER })
    expect(provider.verifyWebhook({ rawBody: Buffer.from(event.body), headers: foreign })).toMatchObject({ ok: false, reason: "bad_signature" })
    const stale = signStandardWebhook({ id: "evt_y", timestamp: new Date(Date.now() - 600_000), rawBody: event.body, secret: SECRET })
    expect(provider.verifyWebhook({ rawBody: Buffer.from(event.body), headers: stale })).toMatchObject({ ok: false, reason: "timestamp_out_of_tolerance" })
    expect(provider.verifyWebhook({ rawBody: Buffer.from(event.body), headers: {} })).toMatchObject({ ok: false, reason: "missing_signature" })
    expect(JSON.stringify(provider.verifyWebhook({ rawBody: Buffer.from(event.body), headers: foreign }))).not.toContain(SECRET)
  })
})

describe("sandbox gateway events in the hub's words (the shapes Stripe's provider produces)", () => {
  it("a dashboard refund lists every refund of the payment, and names no API call", async () => {
    const provider = gateway()
    const payment = await captured(provider)
    await provider.apiRefund(payment.id, "5", "ref_medusa_1")
    const event = provider.parseWebhook(asRequest(await provider.dashboardRefund(payment.id, "3")))
    expect(event).toMatchObject({ type: "payment.refunded", subject: { entity_type: "gateway_payment", entity_id: payment.id } })
    expect(event.data).toEqual({
      payment_id: payment.id, currency_code: "USD", amount_refunded: "8.00", requested_with_key: null,
      refunds: [
        { id: "sbx_re_1", amount: "5.00", status: "succeeded", created_at: expect.any(String) },
        { id: "sbx_re_2", amount: "3.00", status: "succeeded", created_at: expect.any(String) },
      ],
    })
    // The gateway's event after Medusa's own refund names Medusa's key (so the hub does not record it twice).
    const echo = provider.parseWebhook(asRequest(await provider.refundWebhook(payment.id)))
    expect(echo.data).toMatchObject({ requested_with_key: null, amount_refunded: "8.00" })
    await provider.apiRefund(payment.id, "1", "ref_medusa_2")
    expect(provider.parseWebhook(asRequest(await provider.refundWebhook(payment.id))).data).toMatchObject({ requested_with_key: "ref_medusa_2", amount_refunded: "9.00" })
  })

  it("disputes open and close with their amount, reason, status and deadline", async () => {
    const provider = gateway()
    const payment = await captured(provider, "45")
    const dueBy = new Date("2027-01-15T08:00:00.000Z")
    const opened = provider.parseWebhook(asRequest(await provider.openDispute(payment.id, { reason: "fraudulent", dueBy })))
    expect(opened).toMatchObject({ type: "payment.dispute_opened", subject: { entity_type: "gateway_payment", entity_id: payment.id } })
    expect(opened.data).toEqual({ payment_id: payment.id, dispute: "sbx_dp_1", amount: "45.00", currency_code: "USD", reason: "fraudulent", status: "needs_response", due_by: "2027-01-15T08:00:00.000Z" })
    expect(await provider.openDisputeOf(payment.id)).toBe("sbx_dp_1")
    const closed = provider.parseWebhook(asRequest(await provider.closeDispute("sbx_dp_1", "lost")))
    expect(closed).toMatchObject({ type: "payment.dispute_closed", data: { dispute: "sbx_dp_1", status: "lost", amount: "45.00" } })
    expect(await provider.openDisputeOf(payment.id)).toBeNull()
    await expect(provider.closeDispute("sbx_dp_1", "won")).rejects.toThrow("dispute sbx_dp_1 is already closed (lost)")
  })

  it.each<["failPayment" | "cancelPayment", string, string]>([
    ["failPayment", "payment.failed", "card_declined"],
    ["cancelPayment", "payment.canceled", "fraud_suspected"],
  ])("%s → %s with the reason", async (control, type, reason) => {
    const provider = gateway()
    const created = await provider.apiCreate({ amount: "12", currency: "eur" })
    const event = provider.parseWebhook(asRequest(await provider[control](created.id, reason)))
    expect(event).toMatchObject({ type, subject: { entity_type: "gateway_payment", entity_id: created.id } })
    expect(event.data).toEqual({ payment_id: created.id, reason })
  })

  it("refuses a body that is not one of its events", () => {
    const body = JSON.stringify({ type: "charge.refunded", created_at: new Date().toISOString(), data: {} })
    const headers = signStandardWebhook({ id: "evt_z", timestamp: new Date(), rawBody: body, secret: SECRET })
    expect(() => gateway().parseWebhook({ rawBody: Buffer.from(body), headers })).toThrow("not a sandbox gateway event: type:")
  })
})

describe("sandbox gateway ledger", () => {
  it("captures the whole amount once, refunds once per idempotency key, counts every API refund call and refuses more than is left", async () => {
    const provider = gateway()
    const payment = await captured(provider, "50")
    expect(await provider.apiCapture(payment.id, "capt_1")).toMatchObject({ captured: "50.00", status: "captured" })
    await provider.apiRefund(payment.id, "40", "ref_1")
    await provider.apiRefund(payment.id, "40", "ref_1")
    expect(await provider.apiRefundCalls(payment.id)).toBe(2)
    expect(await provider.getPaymentState(payment.id)).toEqual({ paymentId: payment.id, status: "partially_refunded", amount: "50.00", capturedAmount: "50.00", refundedAmount: "40.00", currencyCode: "USD" })
    await expect(provider.dashboardRefund(payment.id, "10.01")).rejects.toThrow(`payment ${payment.id} has 10.00 USD left to refund; a refund of 10.01 is refused`)
    await provider.dashboardRefund(payment.id)
    expect(await provider.getPaymentState(payment.id)).toMatchObject({ status: "refunded", refundedAmount: "50.00" })
    expect(await provider.apiRefundCalls(payment.id)).toBe(2)
  })

  it.each<[string, string, number]>([["JPY", "1200", 0], ["KWD", "4.75", 3], ["USD", "19.9", 2]])("keeps %s amounts with the currency's precision", async (currency, amount, digits) => {
    const provider = gateway()
    const payment = await captured(provider, amount, currency)
    const state = await provider.getPaymentState(payment.id)
    expect(state.capturedAmount).toBe(Number(amount).toFixed(digits))
    expect(state.currencyCode).toBe(currency)
  })

  it("the same idempotency key creates one payment; a payment it never saw is an error naming it", async () => {
    const provider = gateway()
    const a = await provider.apiCreate({ amount: "10", idempotencyKey: "ps_1" })
    expect((await provider.apiCreate({ amount: "10", idempotencyKey: "ps_1" })).id).toBe(a.id)
    expect(a.currency).toBe("USD")
    await expect(provider.getPaymentState("sbx_pay_404")).rejects.toMatchObject({ code: "payment_not_found", httpStatus: 404, message: 'The sandbox gateway (connection "gateway") has no payment "sbx_pay_404"' })
  })

  it("setLedger makes the gateway disagree, silently, and can make it forget the payment", async () => {
    const provider = gateway()
    const payment = await captured(provider, "50")
    await provider.setLedger(payment.id, { refunded: "43", captured: "45.5" })
    expect(await provider.getPaymentState(payment.id)).toMatchObject({ capturedAmount: "45.50", refundedAmount: "43.00", status: "partially_refunded" })
    await provider.setLedger(payment.id, { refunded: null, missing: true })
    await expect(provider.getPaymentState(payment.id)).rejects.toMatchObject({ code: "payment_not_found" })
    await provider.setLedger(payment.id, { missing: false })
    expect(await provider.getPaymentState(payment.id)).toMatchObject({ refundedAmount: "0.00", status: "captured" })
  })

  it.each<[Ledger["status"], string, string, string]>([
    ["authorized", "0.00", "0.00", "authorized"],
    ["captured", "50.00", "0.00", "captured"],
    ["captured", "50.00", "0.01", "partially_refunded"],
    ["captured", "50.00", "50.00", "refunded"],
    ["canceled", "0.00", "0.00", "canceled"],
    ["failed", "0.00", "0.00", "failed"],
  ])("a %s payment with %s captured and %s refunded is %s", (status, capturedAmount, refunded, expected) => {
    const ledger: Ledger = {
      id: "p", amount: "50.00", currency: "USD", captured: capturedAmount, status, refunds: [], disputes: [], reason: null, api_refund_calls: 0, capture_key: null,
      refunded_override: refunded, missing: false, created_at: "",
    }
    expect(gatewayState(ledger).status).toBe(expected)
  })

  it("claims only Medusa payments of the sandbox checkout provider, by data.id, and finds them by it", () => {
    const provider = gateway()
    expect(provider.gatewayPaymentId({ id: "pay_1", provider_id: "pp_sandbox-gateway_gateway", data: { id: "sbx_pay_1" } })).toBe("sbx_pay_1")
    expect(provider.gatewayPaymentId({ id: "pay_2", provider_id: "pp_system_default", data: { id: "sbx_pay_1" } })).toBeNull()
    expect(provider.gatewayPaymentId({ id: "pay_3", provider_id: "pp_sandbox-gateway_gateway", data: null })).toBeNull()
    expect(provider.medusaPaymentFilter("sbx_pay_1")).toEqual({ data: { id: "sbx_pay_1" } })
  })
})
