import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import retryDueSyncsJob from "../../src/jobs/retry-due-syncs"
import { placeOrder, seedStore } from "../../demo/app/store"
import { adminHeaders } from "../helpers/admin"
import { hub } from "../helpers/sync"

jest.setTimeout(120_000)

for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]

type Api = {
  get: (url: string, config?: unknown) => Promise<{ data: { sync_records: unknown[]; connections: unknown[] } }>
  post: (url: string, body: unknown) => Promise<{ data: { token: string } }>
}

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api

    it("boots without connections, records nothing and tells the admin there is nothing configured", async () => {
      const container = getContainer()
      const store = await seedStore(container)
      const orderId = await placeOrder(container, store, { email: `none-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }] })
      await retryDueSyncsJob(container)
      expect(await hub(container).listSyncRecords({})).toHaveLength(0)

      const auth = await adminHeaders(container, api)
      const { data } = await api.get(`/admin/integrations/orders/${orderId}`, auth)
      expect(data).toEqual({ sync_records: [], payment_issues: [], connections: [] })
      // The customer page likewise: no CRM connection, no contact effect.
      const customer = await api.get(`/admin/integrations/customers/cus_none`, auth)
      expect(customer.data).toEqual({ sync_records: [], connections: [] })
    })
  },
})
