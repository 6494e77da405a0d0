import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import type { SandboxErpProvider } from "../../src/providers/erp-sandbox/service"
import { BACKFILL_PAGE, resumeBackfill, startBackfill, stopBackfill } from "../../src/sync/backfill"
import { switchConnectionMode } from "../../src/sync/cutover"
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

    it("backfills what shadow mode held back a page at a time: no read returns more than a page, nothing carried grows with the orders, a stop resumes where it was", async () => {
      const orderIds: string[] = []
      for (let i = 0; i < BACKFILL_PAGE + 3; i++) {
        orderIds.push(await placeOrder(container, store, { email: `held-${i}-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }] }))
      }
      for (const id of orderIds) expect((await waitForSettledSync(container, id, "create")).skip_code).toBe("shadow")

      // Every read of the hub's tables during the backfills, by the number of rows it returned.
      const service = hub(container)
      const reads: number[] = []
      const execute = service.execute.bind(service)
      jest.spyOn(service, "execute").mockImplementation(async (sql, params, ctx) => {
        const rows = await execute(sql, params, ctx)
        reads.push(rows.length)
        return rows
      })
      const listSyncRecords = service.listSyncRecords.bind(service)
      jest.spyOn(service, "listSyncRecords").mockImplementation(async (...args) => {
        const rows = await listSyncRecords(...args)
        reads.push(rows.length)
        return rows
      })

      // A dry run, stopped once past its first page, then resumed.
      let stopped = false
      const first = await startBackfill(container, { connection_id: "erp", selection: { shadow_skipped: true }, dry_run: true }, {
        wait: true,
        onProgress: (run) => {
          if (run.processed >= BACKFILL_PAGE && !stopped) {
            stopped = true
            void stopBackfill(container, run.id)
          }
        },
      })
      expect(first).toMatchObject({ status: "stopped", total: BACKFILL_PAGE + 3 })
      const dry = await resumeBackfill(container, first.id, { wait: true })
      expect(dry).toMatchObject({ status: "done", total: BACKFILL_PAGE + 3, processed: BACKFILL_PAGE + 3, counts: { created: BACKFILL_PAGE + 3 } })
      const previewed = (dry.items as unknown as Array<{ order_id: string }>).map((i) => i.order_id)
      expect([...previewed].sort()).toEqual([...orderIds].sort())
      expect(Math.max(...reads)).toBeLessThanOrEqual(BACKFILL_PAGE)
      expect(dry.selection).toEqual({ shadow_skipped: true })

      // Going live sends them: each order once, as they stop being held back.
      const live = await switchConnectionMode(container, "erp", "live", null)
      let sent = live.backfill!
      for (const until = Date.now() + 60_000; sent.status === "running" && Date.now() < until; ) {
        await new Promise((r) => setTimeout(r, 200))
        sent = await service.retrieveBackfillRun(sent.id)
      }
      expect(sent).toMatchObject({ status: "done", total: BACKFILL_PAGE + 3, processed: BACKFILL_PAGE + 3, counts: { created: BACKFILL_PAGE + 3, failed: 0 } })
      expect(sent.selection).toEqual({ shadow_skipped: true })
      const erp = service.getProvider("erp") as SandboxErpProvider
      for (const id of orderIds) expect(await erp.findSalesOrderByReference(`medusa:${id}`)).not.toBeNull()

      expect(Math.max(...reads)).toBeLessThanOrEqual(BACKFILL_PAGE)
      jest.restoreAllMocks()
    })

    it("still reports invalid orders in shadow mode, so a connection can be tried on real traffic", async () => {
      const orderId = await placeOrder(container, store, { email: `shadow-bad-${Date.now()}@example.com`, items: [{ title: "Unlabelled scarf", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      expect(record.status).toBe("failed")
      expect(record.last_error).toMatch(/^Cannot sync order #\d+ to erp: line item 'Unlabelled scarf' has no SKU$/)
    })
  },
})
