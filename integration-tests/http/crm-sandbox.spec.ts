import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { createCustomersWorkflow } from "@medusajs/medusa/core-flows"
import { seedStore } from "../../demo/app/store"
import { SandboxCrmProvider } from "../../src/providers/crm-sandbox/service"
import { adminHeaders } from "../helpers/admin"
import { hub } from "../helpers/sync"

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
  },
})
