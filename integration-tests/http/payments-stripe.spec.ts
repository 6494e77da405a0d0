import path from "node:path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { INotificationModuleService, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import {
  addOrderTransactionStepId, addShippingMethodToCartWorkflow, capturePaymentWorkflow, completeCartWorkflow, createCartWorkflow, createPaymentCollectionForCartWorkflow,
  createPaymentSessionsWorkflow, refundPaymentWorkflow, updateRegionsWorkflow,
} from "@medusajs/medusa/core-flows"
import Stripe from "stripe"
import { DEMO_ADDRESS, seedStore, SeededStore } from "../../demo/app/store"
import retryDueSyncsJob from "../../src/jobs/retry-due-syncs"
import { RecordGatewayRefundsInput, recordGatewayRefundsWorkflow } from "../../src/workflows/record-gateway-refunds"
import { adminHeaders } from "../helpers/admin"
import { hub, waitForSettledSync } from "../helpers/sync"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { startStripeTestServer, StripeTestServer, StripeWebhook } from "../stripe/server"

jest.setTimeout(240_000)

// Stripe's side: its API as the official description allows it (a stateful double behind the validator, on a port
// fixed before the app boots; below Linux's ephemeral range and apart from the shipping specs'), and the secret
// it signs webhooks with. Medusa's own Stripe provider talks to it for checkout, capture and Medusa's refunds;
// the hub's payment connection takes its webhooks.
const PORT = 20_000 + (process.pid % 4_000)
const API_KEY = "sk_test_medusaHub51ZxQpRrT0a9Vb"
const SECRET = "whsec_medusaHubQ7rTyU3mN8kLpZx"
const STRIPE_PROVIDER = "pp_stripe_stripe"
useTrytonConnection({ TRYTON_INVOICE_METHOD: "order" })
Object.assign(process.env, {
  INTEGRATION_PAYMENT_PROVIDERS: JSON.stringify([{ resolve: path.resolve(__dirname, "../stripe/medusa-stripe-provider"), id: "stripe", options: { apiKey: API_KEY, apiPort: PORT } }]),
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([{
    id: "payments", kind: "payment", provider: "stripe",
    options: { apiKey: API_KEY, webhookSecret: SECRET, baseUrl: `http://127.0.0.1:${PORT}` },
    retry: { maxAttempts: 8, baseDelayMs: 300, maxDelayMs: 1_000, inPlace: { retries: 0 } },
  }]),
  INTEGRATION_ALERTS: JSON.stringify({ notify: ["payments-team@example.com"] }),
})

type Res = { status: number; data: Record<string, unknown> }
type Api = { post: (url: string, body?: unknown, config?: unknown) => Promise<Res>; get: (url: string, config?: unknown) => Promise<Res> }

describeWithTryton()("Stripe next to Medusa's Stripe provider: the dashboard's refunds, disputes and failures reach the order and the ERP (real trytond)", () => {
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer, api: rawApi }) => {
      const api = rawApi as Api
      let container: MedusaContainer
      let store: SeededStore
      let stripe: StripeTestServer

      beforeAll(async () => {
        stripe = await startStripeTestServer({ apiKey: API_KEY, webhookSecret: SECRET, port: PORT })
      })
      afterAll(() => stripe?.close())
      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
        await updateRegionsWorkflow(container).run({ input: { selector: { id: store.regionId }, update: { payment_providers: ["pp_system_default", STRIPE_PROVIDER] } } })
      })
      afterEach(() => {
        expect(stripe.violations).toEqual([])
        stripe.violations.length = 0
      })

      const post = (w: Pick<StripeWebhook, "body" | "headers">) => api.post("/hooks/integrations/payments", w.body, { headers: w.headers, validateStatus: () => true })
      const refundsAt = (pi: string) => stripe.refunds().filter((r) => r.payment_intent === pi).map((r) => r.id)
      /** Refund calls Stripe received for a payment: each is money sent back to the customer. */
      const refundCalls = (pi: string) => stripe.calls.filter((c) => c.method === "POST" && c.path === "/v1/refunds" && c.body?.payment_intent === pi)

      /** Checkout as a storefront does it with Medusa's Stripe provider: the customer confirms the card in Stripe.js. */
      async function checkout(email: string) {
        const { result: cart } = await createCartWorkflow(container).run({
          input: {
            region_id: store.regionId, sales_channel_id: store.salesChannelId, currency_code: "usd", email,
            shipping_address: DEMO_ADDRESS, billing_address: DEMO_ADDRESS, items: [{ variant_id: store.variants["Blue shirt"], quantity: 2 }],
          },
        })
        await addShippingMethodToCartWorkflow(container).run({ input: { cart_id: cart.id, options: [{ id: store.shippingOptionId }] } })
        const { result: collection } = await createPaymentCollectionForCartWorkflow(container).run({ input: { cart_id: cart.id } })
        const { result: session } = await createPaymentSessionsWorkflow(container).run({ input: { payment_collection_id: collection.id, provider_id: STRIPE_PROVIDER } })
        const pi = String(session.data?.id)
        stripe.authorize(pi)
        const { result } = await completeCartWorkflow(container).run({ input: { id: cart.id } })
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["id", "display_id", "payment_collections.payments.id"], filters: { id: result.id } })
        return { orderId: result.id, displayId: order.display_id as number, paymentId: order.payment_collections![0]!.payments![0]!.id, pi }
      }

      /** The inbound record of a Stripe event, once applied (or given up on). */
      async function applied(eventId: string, settled: (status: string) => boolean = (s) => !["pending", "running"].includes(s)) {
        for (const until = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 150))) {
          const [record] = await hub(container).listSyncRecords({ connection_id: "payments", external_ref: eventId })
          if (record && settled(record.status)) return record
          if (Date.now() > until) throw new Error(`Stripe event ${eventId} was not applied: ${JSON.stringify(record ?? null)}`)
        }
      }

      async function refundsOf(paymentId: string) {
        const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
        const [payment] = await payments.listPayments({ id: paymentId }, { relations: ["refunds"] })
        return (payment.refunds ?? []).map((r) => ({ amount: Number(r.amount), gateway_refund_id: (r as { metadata?: Record<string, unknown> | null }).metadata?.gateway_refund_id ?? null }))
      }

      async function creditNotes(orderId: string) {
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["payment_collections.payments.refunds.id"], filters: { id: orderId } })
        const refunds = order.payment_collections![0]!.payments![0]!.refunds! as Array<{ id: string }>
        const tryton = await trytonPeer.session()
        const ids = await tryton.model<number[]>("account.invoice", "search", [["reference", "in", refunds.map((r) => `medusa:${r.id}`)]], 0, null, null)
        const notes = await tryton.model<Array<{ total_amount: { decimal: string } }>>("account.invoice", "read", ids, ["total_amount"])
        return notes.map((n) => n.total_amount.decimal).sort()
      }

      /** The order's refund effect in the ERP, once it has credited `count` refunds. */
      async function erpRefunds(orderId: string, count: number) {
        for (const until = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
          const [record] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "record-refunds" })
          if (record?.status === "synced" && record.result_summary?.startsWith(`${count} refund(s)`)) return record
          if (record && ["failed", "dead"].includes(record.status)) throw new Error(`refunds of ${orderId} failed: ${record.last_error}`)
          if (Date.now() > until) throw new Error(`refunds of ${orderId} were not credited: ${JSON.stringify(record ?? null)}`)
        }
      }

      it("a refund made in the Stripe dashboard becomes one Medusa refund and one ERP credit note, with no refund call to Stripe, however often Stripe delivers it", async () => {
        const { orderId, displayId, paymentId, pi } = await checkout(`dash-${Date.now()}@example.com`)
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "synced" })
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        expect(stripe.intent(pi).status).toBe("succeeded")

        const webhook = stripe.dashboardRefund(pi, 1_000)
        const answers = [await post(webhook), await post(webhook), await post(webhook)]
        expect(answers.map((a) => [a.status, a.data.duplicate ?? false])).toEqual([[200, false], [200, true], [200, true]])
        const record = await applied(webhook.event.id)
        const [refundId] = refundsAt(pi)
        expect(record).toMatchObject({
          status: "synced", entity_type: "order", entity_id: orderId, external_id: refundId,
          result_summary: `refund made at the gateway recorded on order #${displayId}: 10.00 USD (${refundId}), without refunding again`,
        })
        expect(await refundsOf(paymentId)).toEqual([{ amount: 10, gateway_refund_id: refundId }])
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["transactions.amount", "transactions.reference", "payment_collections.refunded_amount"], filters: { id: orderId } })
        const transactions = (order.transactions ?? []) as Array<{ amount: unknown; reference: string | null } | null>
        expect(transactions.filter((t) => t?.reference === "refund").map((t) => Number(t!.amount))).toEqual([-10])
        expect(Number(order.payment_collections![0]!.refunded_amount)).toBe(10)

        expect(await erpRefunds(orderId, 1)).toMatchObject({ status: "synced" })
        expect(await creditNotes(orderId)).toEqual(["-10.00"])
        expect(refundCalls(pi)).toEqual([])
      })

      it("takes back what it recorded when a later step fails for good (compensation): no refund, no transaction, nothing for the ERP", async () => {
        const { orderId, paymentId, pi } = await checkout(`comp-${Date.now()}@example.com`)
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        const webhook = stripe.dashboardRefund(pi, 1_200)
        const parsed = hub(container).getProvider("payments", "payment").parseWebhook({ rawBody: Buffer.from(webhook.body), headers: webhook.headers })
        const workflow = recordGatewayRefundsWorkflow(container)
        workflow.insertActionAfter(addOrderTransactionStepId, "inject-failure", {
          invoke: async () => {
            throw new Error("injected failure after the order's transaction was added")
          },
        })
        const { errors } = await workflow.run({
          input: { connection_id: "payments", payment_id: paymentId, order_id: orderId, data: (await parsed).data as RecordGatewayRefundsInput["data"] },
          throwOnError: false,
        })
        expect(errors[0].error.message).toContain("injected failure")
        expect(await refundsOf(paymentId)).toEqual([])
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["transactions.reference", "payment_collections.refunded_amount"], filters: { id: orderId } })
        expect(((order.transactions ?? []) as Array<{ reference: string | null } | null>).map((t) => t?.reference)).not.toContain("refund")
        expect(Number(order.payment_collections![0]!.refunded_amount)).toBe(0)
        await new Promise((r) => setTimeout(r, 500))
        expect(await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "record-refunds" })).toEqual([])
      })

      it("the drift check finds what Medusa missed at Stripe (a dashboard refund whose webhook never came) and changes nothing", async () => {
        const { orderId, paymentId, pi } = await checkout(`drift-${Date.now()}@example.com`)
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        const auth = await adminHeaders(container, rawApi as never)
        const check = () => api.post("/admin/integrations/payments/drift/check", {}, auth).then((r) => r.data)
        expect(await check()).toMatchObject({ checked: 1, drifted: 0, resolved: 0, errors: [] })
        stripe.dashboardRefund(pi, 1_500) // Stripe's webhook to us is lost
        expect(await check()).toMatchObject({ checked: 1, drifted: 2, errors: [] })
        const { data } = await api.get("/admin/integrations/payments/drift", auth)
        expect((data.payment_drift as Array<Record<string, unknown>>).map((d) => [d.order_id, d.gateway_payment_id, d.field, d.description]).sort()).toEqual([
          [orderId, pi, "refunded_amount", "Medusa has 0.00 refunded, the gateway 15.00"],
          [orderId, pi, "status", "Medusa sees the payment as captured, the gateway as partially refunded"],
        ])
        expect(await refundsOf(paymentId)).toEqual([])
        expect(refundCalls(pi)).toEqual([])
      })

      it("a refund made from Medusa's admin is sent to Stripe once, and its webhook records nothing more", async () => {
        const { orderId, paymentId, pi } = await checkout(`admin-${Date.now()}@example.com`)
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "synced" })
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        const deliveriesBefore = stripe.deliveries.length
        await refundPaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 5 } })
        const [medusaRefund] = (await container.resolve<IPaymentModuleService>(Modules.PAYMENT).listPayments({ id: paymentId }, { relations: ["refunds"] }))[0].refunds!
        expect(refundCalls(pi).map((c) => c.idempotencyKey)).toEqual([medusaRefund.id])

        // Stripe tells us about the refund Medusa made (the event carries Medusa's idempotency key), twice.
        const webhook = stripe.deliveries.slice(deliveriesBefore).find((d) => d.event.type === "charge.refunded")!
        expect((await post(webhook)).status).toBe(200)
        expect(await applied(webhook.event.id)).toMatchObject({ status: "skipped", skip_code: "refunds_known" })
        expect(await refundsOf(paymentId)).toEqual([{ amount: 5, gateway_refund_id: null }])
        expect(await erpRefunds(orderId, 1)).toMatchObject({ status: "synced" })
        expect(await creditNotes(orderId)).toEqual(["-5.00"])
        expect(refundCalls(pi)).toHaveLength(1)
      })

      it("a refund whose event arrives before Medusa has the capture waits, says why, and is recorded once the capture is in", async () => {
        const { orderId, paymentId, pi } = await checkout(`early-${Date.now()}@example.com`)
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "synced" })
        // Captured at Stripe (as the dashboard's Capture button does); Medusa has not recorded it yet.
        const sdk = new Stripe(API_KEY, { host: "127.0.0.1", port: PORT, protocol: "http", maxNetworkRetries: 0 })
        await sdk.paymentIntents.capture(pi)
        const webhook = stripe.dashboardRefund(pi, 700)
        expect((await post(webhook)).status).toBe(200)
        const waiting = await applied(webhook.event.id, (s) => s === "failed")
        expect(waiting.last_error).toBe(
          `The gateway refunded 7.00 USD of payment ${paymentId}, but Medusa has captured only 0.00 (0.00 refunded): the capture is not recorded in Medusa yet; retrying`
        )
        expect(await refundsOf(paymentId)).toEqual([])

        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        await new Promise((r) => setTimeout(r, 1_000))
        await retryDueSyncsJob(container) // as the scheduler runs it every minute
        expect(await applied(webhook.event.id, (s) => s === "synced")).toMatchObject({ entity_id: orderId })
        expect(await refundsOf(paymentId)).toEqual([{ amount: 7, gateway_refund_id: refundsAt(pi)[0] }])
        expect(await erpRefunds(orderId, 1)).toMatchObject({ status: "synced" })
        expect(refundCalls(pi)).toEqual([])
      })

      it("a cancellation at Stripe after the order exists shows on the order with Stripe's reason; forged, stale and unsigned deliveries get 401, are recorded and change nothing", async () => {
        const { orderId, displayId, pi } = await checkout(`cancel-${Date.now()}@example.com`)
        const canceled = stripe.cancel(pi, "abandoned")
        const forged = { body: canceled.body.replace('"abandoned"', '"duplicate"'), headers: canceled.headers }
        const otherSecret = { body: canceled.body, headers: { ...canceled.headers, "stripe-signature": stripe.sign(canceled.body, { secret: "whsec_someoneElse0123456789" }) } }
        const stale = { body: canceled.body, headers: { ...canceled.headers, "stripe-signature": stripe.sign(canceled.body, { timestamp: Math.floor(Date.now() / 1000) - 600 }) } }
        const unsigned = { body: canceled.body, headers: { "content-type": "application/json" } }
        const answers = await Promise.all([forged, otherSecret, stale, unsigned].map(post))
        expect(answers.map((a) => [a.status, a.data.message])).toEqual([
          [401, "the Stripe-Signature does not match the body for options.webhookSecret"],
          [401, "the Stripe-Signature does not match the body for options.webhookSecret"],
          [401, "the Stripe-Signature timestamp is more than 300 s from now"],
          [401, "Stripe-Signature header missing"],
        ])
        const rejected = await hub(container).listWebhookEvents({ connection_id: "payments", status: "rejected" }, { order: { created_at: "DESC" }, take: 4 })
        expect(rejected.map((r) => r.rejection_reason).sort()).toEqual(["bad_signature", "bad_signature", "missing_signature", "timestamp_out_of_tolerance"])
        expect(rejected.every((r) => r.payload === null)).toBe(true)
        expect(await hub(container).listSyncRecords({ connection_id: "payments", entity_id: orderId })).toEqual([])

        expect((await post(canceled)).status).toBe(200)
        expect(await applied(canceled.event.id)).toMatchObject({ status: "synced", entity_id: orderId, result_summary: `order #${displayId}: payment canceled at the gateway: abandoned` })
        const page = await api.get(`/admin/integrations/orders/${orderId}`, await adminHeaders(container, rawApi as never))
        expect(page.data.payment_issues).toEqual([{ kind: "canceled", payment_id: pi, reason: "abandoned", occurred_at: expect.any(String) }])
      })

      it("a dispute shows on the order with its amount, reason and deadline, alerts staff once, and its closing updates it", async () => {
        const { orderId, displayId, paymentId } = await checkout(`dispute-${Date.now()}@example.com`)
        const pi = (await container.resolve<IPaymentModuleService>(Modules.PAYMENT).listPayments({ id: paymentId }))[0].data!.id as string
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        const opened = stripe.dispute(pi, { reason: "fraudulent" })
        await post(opened)
        await post(opened)
        const disputeId = stripe.disputes().find((d) => d.payment_intent === pi)!.id
        expect(await applied(opened.event.id)).toMatchObject({
          status: "synced", entity_id: orderId, external_id: disputeId,
          result_summary: expect.stringMatching(new RegExp(`^order #${displayId}: dispute ${disputeId} opened: 45\\.00 USD, reason fraudulent, answer by \\d{4}-\\d{2}-\\d{2}; staff alerted \\(feed, email\\)$`)),
        })
        // The order page: the dispute first, in words, the event among the order's records.
        const page = await api.get(`/admin/integrations/orders/${orderId}`, await adminHeaders(container, rawApi as never))
        expect(page.data.payment_issues).toEqual([expect.objectContaining({ kind: "dispute", state: "open", dispute: disputeId, amount: "45.00", currency_code: "USD", reason: "fraudulent", due_by: expect.any(String) })])
        expect((page.data.sync_records as Array<{ direction: string; external_ref: string }>).filter((r) => r.direction === "in").map((r) => r.external_ref)).toEqual([opened.event.id])
        const notifications = container.resolve<INotificationModuleService>(Modules.NOTIFICATION)
        const alerts = await notifications.listNotifications({ resource_id: orderId })
        expect(alerts.map((n) => [n.channel, n.to, (n.data as Record<string, unknown>).title]).sort()).toEqual([
          ["email", "payments-team@example.com", `Payment disputed: order #${displayId}`],
          ["feed", "", `Payment disputed: order #${displayId}`],
        ])

        const closed = stripe.closeDispute(disputeId, "lost")
        await post(closed)
        expect(await applied(closed.event.id)).toMatchObject({ status: "synced", result_summary: expect.stringContaining(`dispute ${disputeId} lost: 45.00 USD`) })
        expect((await notifications.listNotifications({ resource_id: orderId })).map((n) => (n.data as Record<string, unknown>).title)).toContain(`Dispute lost: order #${displayId}`)
      })
    },
  })
})
