import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { SandboxErpProvider } from "../../src/providers/erp-sandbox/service"
import { adminHeaders } from "../helpers/admin"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(120_000)

// The built-in sandbox ERP: deterministic failures on demand, no peer needed.
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
Object.assign(process.env, {
  INTEGRATION_SANDBOX_ERP: "true",
  INTEGRATION_RETRY_MAX_ATTEMPTS: "3",
  INTEGRATION_RETRY_BASE_DELAY_MS: "60000",
  // These tests need an attempt to fail on one simulated outage: no repeats in place (tested in reliability.spec).
  INTEGRATION_CONNECTION_OVERRIDES: JSON.stringify({ retry: { inPlace: { retries: 0 } } }),
})

type SyncRecordJson = Record<string, unknown> & {
  id: string
  status: string
  next_attempt_at: string | null
  last_error: string | null
  logs: Array<{ operation: string; status: string }>
}
/** The admin API's response bodies, as far as these tests read them. */
type Body = {
  sync_records: SyncRecordJson[]
  sync_record: SyncRecordJson
  connections: unknown[]
  message: string
  retried: boolean
  results: Array<Record<string, unknown>>
  count: number
  failures: unknown
  token: string
}
type Api = {
  get: (url: string, config?: unknown) => Promise<{ status: number; data: Body }>
  post: (url: string, body?: unknown, config?: unknown) => Promise<{ status: number; data: Body }>
}

const sandbox = (container: MedusaContainer) => hub(container).getProvider("erp") as SandboxErpProvider

/** The response of a request expected to fail (axios rejects on non-2xx). */
async function failing(request: Promise<unknown>) {
  const err = (await request.catch((e: unknown) => e)) as { response?: { status: number; data: { message: string; type?: string } } }
  if (!err.response) throw new Error("request unexpectedly succeeded")
  return err.response
}

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api
    let container: MedusaContainer
    let store: SeededStore
    let auth: { headers: { authorization: string } }

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
      auth = await adminHeaders(container, api)
    })

    async function failedOrder(email = `fail-${Date.now()}@example.com`) {
      await sandbox(container).simulatedFailures.set({ count: 1, kind: "outage" })
      const orderId = await placeOrder(container, store, { email, items: [{ title: "Blue shirt", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      expect(record).toMatchObject({ status: "failed", attempts: 1, last_error_code: "http_503" })
      return { orderId, record }
    }

    it("answers 401 without an admin session on every route", async () => {
      const routes: Array<[keyof Api, string]> = [
        ["get", "/admin/integrations/orders/order_123"],
        ["get", "/admin/integrations/customers/cus_123"],
        ["get", "/admin/integrations/payments/drift"],
        ["post", "/admin/integrations/payments/drift/check"],
        ["post", "/admin/integrations/connections/gateway/sandbox-payments"],
        ["get", "/admin/integrations/sync-records"],
        ["post", "/admin/integrations/sync-records/isync_1/retry"],
        ["post", "/admin/integrations/sync-records/retry"],
        ["post", "/admin/integrations/connections/erp/sandbox-failures"],
        ["get", "/admin/integrations/webhook-events"],
        ["post", "/admin/integrations/webhook-events/iwh_123/retry"],
      ]
      for (const [method, url] of routes) {
        const res = await failing(method === "get" ? api.get(url) : api.post(url, {}))
        expect([method, url, res.status]).toEqual([method, url, 401])
      }
    })

    it("shows an order's syncs with their log entries, and never a credential or personal data", async () => {
      const email = `shown-${Date.now()}@example.com`
      const orderId = await placeOrder(container, store, { email, items: [{ title: "Red mug", quantity: 2 }] })
      await waitForSettledSync(container, orderId, "create")

      const { status, data } = await api.get(`/admin/integrations/orders/${orderId}`, auth)
      expect(status).toBe(200)
      expect(data.connections).toEqual([{ id: "erp", kind: "erp", provider: "sandbox", enabled: true, mode: "live" }])
      expect(data.sync_records).toHaveLength(1)
      const [record] = data.sync_records
      expect(record).toMatchObject({
        connection_id: "erp",
        entity_type: "order",
        entity_id: orderId,
        operation: "create",
        status: "synced",
        external_id: "1",
        external_number: "SBX-00001",
        external_url: null,
        attempts: 1,
        max_attempts: 3,
        last_error: null,
        next_attempt_at: null,
      })
      expect(record.logs.map((l) => `${l.operation}:${l.status}`).sort()).toEqual([
        "sandbox.createSalesOrder:success",
        "sandbox.upsertCustomer:success",
      ])
      const text = JSON.stringify(data)
      expect(text).not.toContain(email)
      expect(text).not.toContain("Harbour")
      expect(text).not.toContain("knownSkus")
    })

    it("retries a failed record now: still failing while the ERP is down, synced once it is back, then a no-op", async () => {
      const { orderId, record } = await failedOrder()
      await sandbox(container).simulatedFailures.set({ count: 1, kind: "outage" })

      const down = await api.post(`/admin/integrations/sync-records/${record.id}/retry`, {}, auth)
      expect(down.data).toMatchObject({ retried: true, sync_record: { status: "failed", attempts: 2, last_error_code: "http_503" } })
      expect(down.data.message).toMatch(/^Still failed: Sandbox ERP is unavailable/)
      expect(down.data.sync_record.next_attempt_at).not.toBeNull()

      const up = await api.post(`/admin/integrations/sync-records/${record.id}/retry`, {}, auth)
      expect(up.data).toMatchObject({ retried: true, sync_record: { status: "synced", attempts: 3, last_error: null, external_number: "SBX-00001" } })
      expect(up.data.message).toBe("Order synced to erp (SBX-00001)")

      const again = await api.post(`/admin/integrations/sync-records/${record.id}/retry`, {}, auth)
      expect(again.data).toMatchObject({ retried: false, sync_record: { status: "synced", attempts: 3 } })
      expect(again.data.message).toBe(`Already synced (order ${orderId} → erp, SBX-00001); nothing to retry`)
      expect(await sandbox(container).findSalesOrderByReference(`medusa:${orderId}`)).toMatchObject({ number: "SBX-00001" })
    })

    it("retries a dead record by hand", async () => {
      const { record } = await failedOrder()
      await hub(container).updateSyncRecords({ id: record.id, status: "dead", next_attempt_at: null })
      const { data } = await api.post(`/admin/integrations/sync-records/${record.id}/retry`, {}, auth)
      expect(data).toMatchObject({ retried: true, sync_record: { status: "synced" } })
    })

    it("answers 404 with a clear message for an unknown sync record", async () => {
      const res = await failing(api.post(`/admin/integrations/sync-records/isync_nope/retry`, {}, auth))
      expect(res.status).toBe(404)
      expect(res.data.message).toBe('Sync record "isync_nope" does not exist')
    })

    it("lists sync records with filters and paging, and rejects bad queries naming the field", async () => {
      await failedOrder()
      const okOrder = await placeOrder(container, store, { email: `ok-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      await waitForSettledSync(container, okOrder, "create")

      const all = await api.get(`/admin/integrations/sync-records?limit=1`, auth)
      expect(all.data).toMatchObject({ count: 2, limit: 1, offset: 0 })
      expect(all.data.sync_records).toHaveLength(1)
      const failed = await api.get(`/admin/integrations/sync-records?status=failed,dead&connection_id=erp&entity_type=order`, auth)
      expect(failed.data.count).toBe(1)
      expect(failed.data.sync_records[0]).toMatchObject({ status: "failed", last_error_code: "http_503" })

      const bad = await failing(api.get(`/admin/integrations/sync-records?status=broken`, auth))
      expect(bad.status).toBe(400)
      expect(bad.data.message).toContain("status")
      const tooMany = await failing(api.get(`/admin/integrations/sync-records?limit=1000`, auth))
      expect(tooMany.status).toBe(400)
      expect(tooMany.data.message).toContain("limit")
    })

    it("retries in bulk by ids and by filter, and validates the body", async () => {
      const first = await failedOrder(`bulk1-${Date.now()}@example.com`)
      const second = await failedOrder(`bulk2-${Date.now()}@example.com`)

      const byIds = await api.post(`/admin/integrations/sync-records/retry`, { ids: [first.record.id, "isync_missing"] }, auth)
      expect(byIds.data).toMatchObject({ count: 2, synced: 1 })
      expect(byIds.data.results[1]).toMatchObject({ id: "isync_missing", retried: false, message: 'Sync record "isync_missing" does not exist' })

      const byFilter = await api.post(`/admin/integrations/sync-records/retry`, { status: ["failed"], connection_id: "erp" }, auth)
      expect(byFilter.data).toMatchObject({ count: 1, synced: 1, failed: 0 })
      expect(byFilter.data.results[0]).toMatchObject({ id: second.record.id, status: "synced" })

      const both = await failing(api.post(`/admin/integrations/sync-records/retry`, { ids: ["x"], status: ["failed"] }, auth))
      expect(both.status).toBe(400)
      expect(both.data.message).toContain("either ids or a filter")
      const empty = await failing(api.post(`/admin/integrations/sync-records/retry`, {}, auth))
      expect(empty.status).toBe(400)
      const unknownKey = await failing(api.post(`/admin/integrations/sync-records/retry`, { idz: ["x"] }, auth))
      expect(unknownKey.status).toBe(400)
    })

    it("lets staff make the sandbox fail its next calls, with a validated body", async () => {
      const { data } = await api.post(`/admin/integrations/connections/erp/sandbox-failures`, { count: 2, kind: "reject" }, auth)
      expect(data).toEqual({ connection_id: "erp", failures: { count: 2, kind: "reject" } })
      const orderId = await placeOrder(container, store, { email: `rej-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      // A rejection is permanent: no retry is scheduled, a person has to act.
      expect(record).toMatchObject({ status: "failed", next_attempt_at: null, last_error_code: "http_422" })
      expect(await sandbox(container).simulatedFailures.get()).toEqual({ count: 1, kind: "reject" })

      const bad = await failing(api.post(`/admin/integrations/connections/erp/sandbox-failures`, { count: -1 }, auth))
      expect(bad.status).toBe(400)
      expect(bad.data.message).toContain("count")
    })

    it("refuses an unknown SKU in the sandbox like a real ERP, naming the line", async () => {
      const orderId = await placeOrder(container, store, { email: `hat-${Date.now()}@example.com`, items: [{ title: "Ghost hat", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      expect(record.last_error).toMatch(/^Cannot sync order #\d+ to erp: line item 'Ghost hat' has SKU 'HAT-GHOST', which is not a product in the sandbox ERP/)
      // The customer the sandbox created for this order was removed again (compensation).
      expect(await sandbox(container).deleteCustomer("SBXC-1")).toBe(false)
    })

    it("sends records skipped in shadow mode once the connection is live (bulk retry), and no other skipped ones", async () => {
      const { record: shadowed } = await failedOrder(`was-shadow-${Date.now()}@example.com`)
      const { record: canceled } = await failedOrder(`canceled-${Date.now()}@example.com`)
      // As recorded while the connection was in shadow mode, and as the cancel flow skips a record.
      await hub(container).updateSyncRecords([
        { id: shadowed.id, status: "skipped", skip_code: "shadow", next_attempt_at: null, result_summary: "shadow mode: validated" },
        { id: canceled.id, status: "skipped", skip_code: "canceled_before_sent", next_attempt_at: null },
      ])
      const { data } = await api.post(`/admin/integrations/sync-records/retry`, { status: ["skipped"], connection_id: "erp" }, auth)
      expect(data.results).toEqual([expect.objectContaining({ id: shadowed.id, retried: true, status: "synced" })])
      expect(await hub(container).retrieveSyncRecord(canceled.id)).toMatchObject({ status: "skipped", skip_code: "canceled_before_sent" })
      const single = await api.post(`/admin/integrations/sync-records/${canceled.id}/retry`, {}, auth)
      expect(single.data).toMatchObject({ retried: false, message: expect.stringMatching(/^Skipped on purpose/) })
    })

    it("hides the failure simulator from every connection that is not a sandbox", async () => {
      const res = await failing(api.post(`/admin/integrations/connections/nope/sandbox-failures`, { count: 1 }, auth))
      expect(res.status).toBe(404)
      expect(res.data.message).toBe('No sandbox connection "nope" accepts simulated failures here')
    })
  },
})
