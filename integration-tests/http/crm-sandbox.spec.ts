import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { capturePaymentWorkflow, createCustomersWorkflow, createOrderFulfillmentWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { orderItems, returnItems } from "../../demo/app/after-checkout"
import { placeOrder, seedStore } from "../../demo/app/store"
import { SandboxCrmProvider } from "../../src/providers/crm-sandbox/service"
import { adminHeaders } from "../helpers/admin"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(120_000)

// The sandbox ERP and the sandbox CRM: the customer route shows the contact, and only the CRM connections.
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
Object.assign(process.env, {
  INTEGRATION_SANDBOX_ERP: "true",
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([{ id: "crm", kind: "crm", provider: "sandbox-crm", options: { pipeline: "webshop" } }]),
})

type Api = {
  get: (url: string, config?: unknown) => Promise<{ status: number; data: { sync_records: Array<Record<string, unknown>>; connections: unknown[] } }>
  post: (url: string, body: unknown) => Promise<{ data: { token: string } }>
}

async function settledContact(container: MedusaContainer, customerId: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const [record] = await hub(container).listSyncRecords({ entity_type: "customer", entity_id: customerId, operation: "contact" })
    if (record && record.status !== "pending" && record.status !== "running") return record
    if (Date.now() > until) throw new Error(`the contact of ${customerId} did not settle: ${JSON.stringify(record ?? null)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api

    it("a new customer becomes a sandbox contact, shown on the customer route with its calls and the CRM connections only", async () => {
      const container = getContainer()
      await seedStore(container)
      const email = `crm-${Date.now()}@example.com`
      const { result: [customer] } = await createCustomersWorkflow(container).run({ input: { customersData: [{ email, first_name: "Jane", last_name: "Doe", has_account: true }] } })
      const record = await settledContact(container, customer.id)
      expect(record).toMatchObject({ status: "synced", external_id: "sbx-contact-1" })

      const { status, data } = await api.get(`/admin/integrations/customers/${customer.id}`, await adminHeaders(container, api))
      expect(status).toBe(200)
      expect(data.connections).toEqual([{ id: "crm", kind: "crm", provider: "sandbox-crm", enabled: true, mode: "live" }])
      expect(data.sync_records).toEqual([expect.objectContaining({
        connection_id: "crm", entity_type: "customer", entity_id: customer.id, operation: "contact", status: "synced", external_id: "sbx-contact-1", external_url: null, editable_fields: null,
        logs: [expect.objectContaining({ operation: "sandbox.upsertContact", status: "success", description: expect.stringMatching(/^find the contact by our customer id/) })],
        runs: [expect.objectContaining({ status: "synced" })],
      })])
      const crm = hub(container).getProvider("crm") as SandboxCrmProvider
      expect(await crm.contacts()).toEqual([expect.objectContaining({ id: "sbx-contact-1", reference: customer.id, email, firstName: "Jane", guest: false })])
    })

    it("a returned shirt refunded lowers the deal once: to what the customer keeps", async () => {
      const container = getContainer()
      const store = await seedStore(container)
      const orderId = await placeOrder(container, store, { email: `deal-return-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 2 }] })
      expect(await waitForSettledSync(container, orderId, "deal")).toMatchObject({ status: "synced" })
      const crm = hub(container).getProvider("crm") as SandboxCrmProvider
      const dealOf = async () => (await crm.deals()).find((d) => d.reference === `medusa:${orderId}`)!
      expect((await dealOf()).amount).toBe("45.00")

      const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["payment_collections.payments.id"], filters: { id: orderId } })
      const paymentId = (data[0] as { payment_collections: Array<{ payments: Array<{ id: string }> }> }).payment_collections[0].payments[0].id
      await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
      const items = [...(await orderItems(container, orderId)).values()].map((i) => ({ id: i.id, quantity: i.quantity }))
      await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items, location_id: store.stockLocationId } })
      await returnItems(container, orderId, { "Blue shirt": 1 }, { locationId: store.stockLocationId })
      await refundPaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 20 } })
      // Medusa's total no longer counts the returned shirt, and the refund paid for it: $25 kept, not $5.
      for (const until = Date.now() + 30_000; (await dealOf()).amount !== "25.00" && Date.now() < until; ) await new Promise((r) => setTimeout(r, 200))
      await new Promise((r) => setTimeout(r, 1_000))
      expect(await dealOf()).toMatchObject({ amount: "25.00" })
    })
  },
})
