import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import type { SandboxErpProvider } from "../../src/providers/erp-sandbox/service"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(120_000)

for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
Object.assign(process.env, { INTEGRATION_SANDBOX_ERP: "true", INTEGRATION_ERP_MODE: "shadow" })

medusaIntegrationTestRunner({
  testSuite: ({ getContainer }) => {
    let container: MedusaContainer
    let store: SeededStore

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
    })

    it("validates and records what it would send, but writes nothing to the ERP", async () => {
      const orderId = await placeOrder(container, store, { email: `shadow-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 2 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      expect(record).toMatchObject({ status: "skipped", external_id: null, last_error: null })
      expect(record.result_summary).toBe(`shadow mode: validated; would create a sale medusa:${orderId} with 1 line(s) for USD`)
      const erp = hub(container).getProvider("erp") as SandboxErpProvider
      expect(await erp.findSalesOrderByReference(`medusa:${orderId}`)).toBeNull()
      expect(await hub(container).listIntegrationLogs({ sync_record_id: record.id })).toHaveLength(0)

      await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
      const cancel = await waitForSettledSync(container, orderId, "cancel")
      expect(cancel).toMatchObject({ status: "skipped", result_summary: "shadow mode: the cancel was not sent" })
    })

    it("still reports invalid orders in shadow mode, so a connection can be tried on real traffic", async () => {
      const orderId = await placeOrder(container, store, { email: `shadow-bad-${Date.now()}@example.com`, items: [{ title: "Unlabelled scarf", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      expect(record.status).toBe("failed")
      expect(record.last_error).toMatch(/^Cannot sync order #\d+ to erp: line item 'Unlabelled scarf' has no SKU$/)
    })
  },
})
