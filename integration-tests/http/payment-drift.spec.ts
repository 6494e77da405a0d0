import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { MathBN, Modules } from "@medusajs/framework/utils"
import { capturePaymentWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { SandboxGatewayProvider } from "../../src/providers/payment-sandbox/service"
import { adminHeaders } from "../helpers/admin"
import { hub } from "../helpers/sync"

jest.setTimeout(180_000)

// The sandbox gateway as a hub payment connection, and its Medusa provider (pp_sandbox-gateway_gateway) in the
// Payment module, which fills the connection's ledger from Medusa's own checkout, capture and refund.
const SECRET = "whsec_cGF5bWVudC1kcmlmdC1pbnRlZ3JhdGlvbi10ZXN0"
const GATEWAY = { id: "gateway", kind: "payment", provider: "sandbox-gateway", options: { webhookSecret: SECRET } }
const PROVIDER_ID = "pp_sandbox-gateway_gateway"
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]
Object.assign(process.env, { INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([GATEWAY]), INTEGRATION_SANDBOX_GATEWAY_CONNECTION: "gateway" })

type Res = { status: number; data: Record<string, unknown> }
type Api = {
  get: (url: string, config?: unknown) => Promise<Res>
  post: (url: string, body?: unknown, config?: unknown) => Promise<Res>
}
type DriftRow = { id: string; field: string; medusa_value: string; gateway_value: string | null; description: string; detected_at: string; last_seen_at: string; resolved_at: string | null }

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api
    let container: MedusaContainer
    let store: SeededStore
    let admin: { headers: { authorization: string } }
    const lenient = (config: { headers: { authorization: string } }) => ({ ...config, validateStatus: () => true })

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container, undefined, { paymentProviderId: PROVIDER_ID })
      admin = await adminHeaders(container, rawApi as Parameters<typeof adminHeaders>[1])
    })

    const gateway = () => hub(container).getProvider("gateway", "payment") as SandboxGatewayProvider
    const paymentModule = () => container.resolve<IPaymentModuleService>(Modules.PAYMENT)

    /** An order paid with the sandbox gateway through Medusa's checkout: its Medusa payment. */
    async function paidOrder(email: string) {
      const orderId = await placeOrder(container, store, { email, items: [{ title: "Blue shirt", quantity: 2 }] })
      const { data: [order] } = await container.resolve("query").graph({ entity: "order", fields: ["payment_collections.payments.id"], filters: { id: orderId } })
      const [payment] = await paymentModule().listPayments({ id: order.payment_collections![0]!.payments![0]!.id })
      return { orderId, payment }
    }
    const moneyOf = async (paymentId: string) => {
      const [p] = await paymentModule().listPayments({ id: paymentId }, { relations: ["captures", "refunds"] })
      const sum = (rows: Array<{ amount: unknown }> | undefined) => (rows ?? []).reduce((t, r) => MathBN.add(t, r.amount as number), MathBN.convert(0)).toFixed(2)
      return { captured: sum(p.captures), refunded: sum(p.refunds), refunds: p.refunds?.length ?? 0, data: p.data, canceled: !!p.canceled_at }
    }
    const check = async () => (await api.post("/admin/integrations/payments/drift/check", {}, admin)).data
    const openRows = async () => (await api.get("/admin/integrations/payments/drift", admin)).data as { payment_drift: DriftRow[]; count: number }

    it("fills the gateway's ledger from Medusa's checkout, capture and refund, and Medusa finds the payment by the gateway's id", async () => {
      const { payment } = await paidOrder("drift-ledger@example.com")
      const other = await paidOrder("drift-other@example.com")
      expect(payment.provider_id).toBe(PROVIDER_ID)
      const gatewayId = gateway().gatewayPaymentId({ id: payment.id, provider_id: payment.provider_id, data: payment.data ?? null })!
      expect(gatewayId).toMatch(/^sbx_pay_\d+$/)
      expect(await gateway().getPaymentState(gatewayId)).toEqual({ paymentId: gatewayId, status: "authorized", amount: "45.00", capturedAmount: "0.00", refundedAmount: "0.00", currencyCode: "USD" })
      // The Payment module filters by a property of the payment's JSON data (MikroORM JSON property query).
      const found = await paymentModule().listPayments(gateway().medusaPaymentFilter(gatewayId))
      expect(found.map((p) => p.id)).toEqual([payment.id])
      expect(other.payment.id).not.toBe(payment.id)

      await capturePaymentWorkflow(container).run({ input: { payment_id: payment.id } })
      await refundPaymentWorkflow(container).run({ input: { payment_id: payment.id, amount: 10 } })
      expect(await gateway().getPaymentState(gatewayId)).toMatchObject({ status: "partially_refunded", capturedAmount: "45.00", refundedAmount: "10.00" })
      expect(await gateway().apiRefundCalls(gatewayId)).toBe(1)
      expect(await moneyOf(payment.id)).toEqual({ captured: "45.00", refunded: "10.00", refunds: 1, data: { id: gatewayId }, canceled: false })
    })

    it("records a disagreement once, sees it again without a duplicate, resolves it when they agree, and changes nothing in Medusa or at the gateway", async () => {
      const { orderId, payment } = await paidOrder("drift@example.com")
      await paidOrder("drift-uncaptured@example.com")
      const gatewayId = String(payment.data!.id)
      await capturePaymentWorkflow(container).run({ input: { payment_id: payment.id } })
      await refundPaymentWorkflow(container).run({ input: { payment_id: payment.id, amount: 40 } })

      // Only the captured payment is in the window; the uncaptured one is not checked.
      expect(await check()).toMatchObject({ checked: 1, drifted: 0, resolved: 0, errors: [] })
      expect(await openRows()).toMatchObject({ payment_drift: [], count: 0 })

      await gateway().setLedger(gatewayId, { refunded: "43" })
      expect(await check()).toMatchObject({ checked: 1, drifted: 1, resolved: 0, errors: [] })
      const first = await openRows()
      const { data: [order] } = await container.resolve("query").graph({ entity: "order", fields: ["display_id"], filters: { id: orderId } })
      expect(first.count).toBe(1)
      expect(first.payment_drift).toEqual([{
        id: expect.stringMatching(/^idrift_/), connection_id: "gateway", payment_id: payment.id, gateway_payment_id: gatewayId, order_id: orderId, order_display_id: order.display_id,
        field: "refunded_amount", medusa_value: "40.00", gateway_value: "43.00", description: "Medusa has 40.00 refunded, the gateway 43.00", status: "open",
        detected_at: expect.any(String), last_seen_at: expect.any(String), resolved_at: null, note: null,
      }])

      expect(await check()).toMatchObject({ checked: 1, drifted: 1, resolved: 0 })
      const again = await openRows()
      expect(again.count).toBe(1)
      expect(again.payment_drift[0]).toMatchObject({ id: first.payment_drift[0].id, detected_at: first.payment_drift[0].detected_at })
      expect(new Date(again.payment_drift[0].last_seen_at).getTime()).toBeGreaterThan(new Date(first.payment_drift[0].last_seen_at).getTime())

      // The gateway refunded everything: the amounts and the status disagree.
      await gateway().setLedger(gatewayId, { refunded: "45" })
      expect(await check()).toMatchObject({ checked: 1, drifted: 2, resolved: 0 })
      expect((await openRows()).payment_drift.map((r) => [r.field, r.description]).sort()).toEqual([
        ["refunded_amount", "Medusa has 40.00 refunded, the gateway 45.00"],
        ["status", "Medusa sees the payment as partially refunded, the gateway as refunded"],
      ])

      await gateway().setLedger(gatewayId, { refunded: null })
      expect(await check()).toMatchObject({ checked: 1, drifted: 0, resolved: 2, errors: [] })
      expect(await openRows()).toMatchObject({ payment_drift: [], count: 0 })
      const resolved = (await api.get("/admin/integrations/payments/drift?status=resolved", admin)).data as { payment_drift: DriftRow[]; count: number }
      expect(resolved.count).toBe(2)
      expect(resolved.payment_drift.every((r) => r.resolved_at !== null)).toBe(true)
      expect((await api.get("/admin/integrations/payments/drift?status=all&connection_id=elsewhere", admin)).data).toMatchObject({ payment_drift: [], count: 0 })

      // Nothing was changed: Medusa's payment as it was, and the gateway got no refund call beyond Medusa's one.
      expect(await moneyOf(payment.id)).toEqual({ captured: "45.00", refunded: "40.00", refunds: 1, data: { id: gatewayId }, canceled: false })
      expect(await gateway().apiRefundCalls(gatewayId)).toBe(1)
      expect(await gateway().getPaymentState(gatewayId)).toMatchObject({ capturedAmount: "45.00", refundedAmount: "40.00" })
    })

    it("a captured amount the gateway disagrees with, and a payment the gateway does not know, in words", async () => {
      const { payment } = await paidOrder("drift-captured@example.com")
      const gatewayId = String(payment.data!.id)
      await capturePaymentWorkflow(container).run({ input: { payment_id: payment.id } })
      await gateway().setLedger(gatewayId, { captured: "40" })
      expect(await check()).toMatchObject({ checked: 1, drifted: 1 })
      expect((await openRows()).payment_drift.map((r) => [r.field, r.medusa_value, r.gateway_value, r.description])).toEqual([
        ["captured_amount", "45.00", "40.00", "Medusa has 45.00 captured, the gateway 40.00"],
      ])
      await gateway().setLedger(gatewayId, { captured: "45", missing: true })
      // The missing payment is recorded; the captured-amount row is not judged while the gateway cannot be asked about it.
      expect(await check()).toMatchObject({ checked: 1, drifted: 1, resolved: 0, errors: [] })
      expect((await openRows()).payment_drift.map((r) => [r.field, r.gateway_value, r.description]).sort()).toEqual([
        ["captured_amount", "40.00", "Medusa has 45.00 captured, the gateway 40.00"],
        ["missing_at_gateway", null, `The gateway does not know payment ${gatewayId}, which Medusa has as captured`],
      ])
      await gateway().setLedger(gatewayId, { missing: false })
      expect(await check()).toMatchObject({ checked: 1, drifted: 0, resolved: 2 })
    })

    it("the window: a check over a past day finds nothing, and the routes check their input and need an admin", async () => {
      const { payment } = await paidOrder("drift-window@example.com")
      await capturePaymentWorkflow(container).run({ input: { payment_id: payment.id } })
      await gateway().setLedger(String(payment.data!.id), { refunded: "1" })
      const past = { since: new Date(Date.now() - 3 * 86_400_000).toISOString(), until: new Date(Date.now() - 2 * 86_400_000).toISOString() }
      expect((await api.post("/admin/integrations/payments/drift/check", past, admin)).data).toEqual({ checked: 0, drifted: 0, resolved: 0, errors: [], ...past })
      expect((await api.post("/admin/integrations/payments/drift/check", { since: past.until, until: past.since }, lenient(admin))).status).toBe(400)
      expect((await api.get("/admin/integrations/payments/drift?status=closed", lenient(admin))).status).toBe(400)
      expect((await api.get("/admin/integrations/payments/drift", { validateStatus: () => true })).status).toBe(401)
      expect((await api.post("/admin/integrations/payments/drift/check", {}, { validateStatus: () => true })).status).toBe(401)
    })

    it("the sandbox-payments control refunds in the gateway's dashboard and hands back a signed webhook the store accepts", async () => {
      const { payment } = await paidOrder("drift-control@example.com")
      const gatewayId = String(payment.data!.id)
      await capturePaymentWorkflow(container).run({ input: { payment_id: payment.id } })
      const res = await api.post("/admin/integrations/connections/gateway/sandbox-payments", { action: "refund", payment_id: gatewayId, amount: "3.00" }, admin)
      const { webhook, payment: ledger } = res.data as { webhook: { url: string; body: string; headers: Record<string, string> }; payment: { refunds: Array<{ amount: string; source: string }> } }
      expect(webhook.url).toBe("/hooks/integrations/gateway")
      expect(ledger.refunds.map((r) => [r.amount, r.source])).toEqual([["3.00", "dashboard"]])
      const delivered = await api.post(webhook.url, webhook.body, { headers: webhook.headers, transformRequest: [(d: unknown) => d], validateStatus: () => true })
      expect(delivered.status).toBe(200)
      expect(delivered.data).toMatchObject({ received: true })
      const [event] = await hub(container).listWebhookEvents({ connection_id: "gateway" })
      expect(event).toMatchObject({ event_type: "payment.refunded", signature_valid: true, entity_type: "gateway_payment", entity_id: gatewayId })
      expect(await gateway().apiRefundCalls(gatewayId)).toBe(0)
      // Another connection, or no connection: no such route. A body without what the action needs: 400 naming it.
      expect((await api.post("/admin/integrations/connections/nope/sandbox-payments", { action: "refund", payment_id: gatewayId }, lenient(admin))).status).toBe(404)
      const bad = await api.post("/admin/integrations/connections/gateway/sandbox-payments", { action: "close_dispute", payment_id: gatewayId }, lenient(admin))
      expect(bad.status).toBe(400)
      expect(JSON.stringify(bad.data)).toContain("close_dispute needs an outcome")
    })
  },
})
