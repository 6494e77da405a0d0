import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { INotificationModuleService, Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { IntegrationError } from "../../src/lib/errors"
import { SandboxErpProvider } from "../../src/providers/erp-sandbox/service"
import { ALERT_TEMPLATE } from "../../src/sync/alerts"
import { requestEffect, runDueSyncs } from "../../src/sync/engine"
import { addSyncOperations, SyncOperation } from "../../src/sync/operations"
import { adminHeaders } from "../helpers/admin"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(120_000)

// The sandbox ERP fails on demand; the connection's guard is tuned so a test sees it act within seconds.
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
// Long enough that the third order is placed (a checkout of a few workflows) while the circuit is still open, even on
// a loaded CI machine: 4 s was not (the third order's sync found the circuit half-open and probed).
const OPEN_MS = 12_000
Object.assign(process.env, {
  INTEGRATION_SANDBOX_ERP: "true",
  INTEGRATION_RETRY_MAX_ATTEMPTS: "5",
  INTEGRATION_RETRY_BASE_DELAY_MS: "100",
  INTEGRATION_RETRY_MAX_DELAY_MS: "1000",
  INTEGRATION_CONNECTION_OVERRIDES: JSON.stringify({
    retry: { inPlace: { retries: 2, baseDelayMs: 10, maxDelayMs: 50, budgetRatio: 1 } },
    circuitBreaker: { minRequests: 4, failureRate: 0.5, openMs: OPEN_MS, windowMs: 60_000 },
  }),
  INTEGRATION_ALERTS: JSON.stringify({ afterConsecutiveFailures: 3, notify: ["oncall@example.com"] }),
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** This suite's own operations, added beside the hub's (never into its table) and removed when it ends. */
const TEST_OPERATIONS: Record<string, SyncOperation> = {}
/** A test-only effect whose failure is a vendor timeout: for the retry budget in time. */
TEST_OPERATIONS["customer.timing-out"] = {
  kind: "erp",
  effectKey: (id) => `customer:${id}:timing-out`,
  externalRef: () => null,
  run: async () => ({ errors: [{ error: new IntegrationError("Sandbox ERP timed out after 8000 ms (will retry)", { connectionId: "erp", code: "timeout", retryable: true }) }] }),
}

type Json = Record<string, unknown>
type Api = {
  get: (url: string, config?: unknown) => Promise<{ status: number; data: Json & { sync_records: Json[]; connections: Json[] } }>
  post: (url: string, body?: unknown, config?: unknown) => Promise<{ status: number; data: Json & { sync_record: Json; token: string } }>
}

afterAll(addSyncOperations(TEST_OPERATIONS))

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api
    let container: MedusaContainer
    let store: SeededStore
    let auth: { headers: { authorization: string } }
    const sandbox = () => hub(container).getProvider("erp") as SandboxErpProvider
    /** The alert is sent right after the record settles: poll for it (bounded) rather than race it. */
    const eventually = async <T>(read: () => Promise<T>, done: (v: T) => boolean, ms = 5_000): Promise<T> => {
      const until = Date.now() + ms
      for (let v = await read(); ; v = await read()) {
        if (done(v) || Date.now() > until) return v
        await sleep(100)
      }
    }
    const order = (email: string, title = "Blue shirt") => placeOrder(container, store, { email: `${email}-${Date.now()}@example.com`, items: [{ title, quantity: 1 }] })

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
      auth = await adminHeaders(container, api)
      // Each test starts with a healthy connection: closed circuit, no simulated failures, no alert streak.
      await hub(container).getGuard("erp").breaker.reset()
      await sandbox().simulatedFailures.set({ count: 0, kind: "outage" })
      await hub(container).execute(`UPDATE connection_state SET consecutive_failures = 0, consecutive_successes = 0, alerted_at = NULL`, [])
    })

    it("repeats an idempotent step in place while the ERP fails some calls: the order syncs on its first attempt, each try logged under the step", async () => {
      await sandbox().simulatedFailures.set({ count: 2, kind: "outage" })
      const orderId = await order("flaky")
      const record = await waitForSettledSync(container, orderId, "create")
      expect(record).toMatchObject({ status: "synced", attempts: 1, last_error: null })

      const { data } = await api.get(`/admin/integrations/orders/${orderId}`, auth)
      const logs = (data.sync_records[0].logs as Json[]).slice().reverse()
      expect(logs.map((l) => [l.step_label, l.description, l.status])).toEqual([
        ["find or create the customer", "find or create the customer by e-mail", "error"],
        ["find or create the customer", "find or create the customer by e-mail", "error"],
        ["find or create the customer", "find or create the customer by e-mail", "success"],
        ["create and confirm the sale", "create and confirm the sale", "success"],
      ])
      expect(await sandbox().findSalesOrderByReference(`medusa:${orderId}`)).not.toBeNull()
    })

    it("opens the circuit in an outage: records wait without spending attempts, the connections API shows it, and a probe closes it once the ERP is back", async () => {
      await sandbox().simulatedFailures.set({ count: 1_000, kind: "outage" })
      const ids: string[] = []
      for (const name of ["outage-a", "outage-b", "outage-c"]) {
        ids.push(await order(name))
        await waitForSettledSync(container, ids[ids.length - 1], "create")
      }
      const records = await Promise.all(ids.map((id) => waitForSettledSync(container, id, "create")))
      // Two attempts of three calls each failed; the third order found the circuit open and sent nothing.
      // The first attempt failed its three tries; the second's first try opened the circuit (4 of 4 calls failed), so
      // it and the third order wait: their attempts are given back.
      expect(records.map((r) => [r.status, r.attempts, r.last_error_code])).toEqual([
        ["failed", 1, "http_503"],
        ["failed", 0, "circuit_open"],
        ["failed", 0, "circuit_open"],
      ])
      expect(records[2].last_error).toMatch(/^Connection "erp" is failing \(circuit open since .+\): nothing was sent; the sync waits until .+ and spends no attempt$/)
      const [deferred] = await hub(container).listSyncRuns({ sync_record_id: records[2].id })
      expect(deferred).toMatchObject({ status: "deferred", error_code: "circuit_open" })

      const { data } = await api.get("/admin/integrations/connections", auth)
      const erp = data.connections.find((c) => c.id === "erp") as { health: Json & { circuit: Json; queue: Json; calls: Json } }
      expect(erp.health.circuit).toMatchObject({ state: "open", window: { requests: 4, failures: 4 } })
      expect(erp.health.queue).toMatchObject({ retrying: 3, dead: 0 })
      const errorRows = await hub(container).listIntegrationLogs({ connection_id: "erp", direction: "out", status: "error" })
      const allRows = await hub(container).listIntegrationLogs({ connection_id: "erp", direction: "out" })
      expect(errorRows.length).toBeGreaterThanOrEqual(4)
      expect(erp.health.calls).toMatchObject({ errors_last_hour: errorRows.length, last_hour: allRows.length })
      expect(JSON.stringify(data)).not.toContain("knownSkus")

      // While open, the retry job leaves the connection's records alone.
      expect(await runDueSyncs(container)).toBe(0)

      await sandbox().simulatedFailures.set({ count: 0, kind: "outage" })
      // Past the open period and the deferred records' spread (up to 5 s past the probe).
      await sleep(OPEN_MS + 5_200)
      await runDueSyncs(container)
      const after = await Promise.all(records.map((r) => hub(container).retrieveSyncRecord(r.id)))
      expect(after.map((r) => [r.status, r.attempts])).toEqual([["synced", 2], ["synced", 1], ["synced", 1]])
      expect((await hub(container).getGuard("erp").breaker.snapshot()).state).toBe("closed")
      // Auto-resolve: the failures of a record that went through need nobody any more.
      const runs = await hub(container).listSyncRuns({ sync_record_id: records[0].id, status: ["failed"] })
      expect(runs.map((r) => r.resolved_at)).toEqual([expect.any(Date)])
    })

    it("alerts once after three failed syncs in a row, not again while it keeps failing, and once when it has recovered", async () => {
      const notifications = container.resolve<INotificationModuleService>(Modules.NOTIFICATION)
      const alerts = async () =>
        (await notifications.listNotifications({}, { order: { created_at: "ASC" } }))
          .filter((n) => n.template === ALERT_TEMPLATE || (n.channel === "feed" && (n.data as Json | null)?.connection_id === "erp"))
          .map((n) => [n.channel, n.to, (n.data as Json).state])
      // The ERP refuses our data (a 4xx says nothing about its health: the circuit stays closed, the syncs fail).
      await sandbox().simulatedFailures.set({ count: 5, kind: "reject" })
      for (let i = 0; i < 5; i++) await waitForSettledSync(container, await order(`refused-${i}`), "create")
      expect(await eventually(alerts, (a) => a.length >= 2)).toEqual([
        ["feed", "", "failing"],
        ["email", "oncall@example.com", "failing"],
      ])
      const [feed] = await notifications.listNotifications({ channel: "feed", template: "admin-ui" })
      expect(feed.data).toMatchObject({ title: 'Integration "erp" is failing' })
      expect(String((feed.data as Json).description)).toMatch(/^The last 3 syncs on connection "erp" failed in a row\. Last error: Sandbox ERP rejected/)

      // Two successes are not yet a recovery; the third is.
      for (let i = 0; i < 2; i++) await waitForSettledSync(container, await order(`healthy-${i}`), "create")
      expect(await alerts()).toHaveLength(2)
      await waitForSettledSync(container, await order("healthy-2"), "create")
      expect(await eventually(alerts, (a) => a.length >= 4)).toEqual([
        ["feed", "", "failing"],
        ["email", "oncall@example.com", "failing"],
        ["feed", "", "recovered"],
        ["email", "oncall@example.com", "recovered"],
      ])
    })

    it("edit-and-retry: staff correct the SKU the error named, the order syncs with it, Medusa keeps its own data, and the edit is audited", async () => {
      const orderId = await order("ghost", "Ghost hat")
      const failed = await waitForSettledSync(container, orderId, "create")
      expect(failed).toMatchObject({ status: "failed", last_error_code: "unknown_sku", next_attempt_at: null })

      const { data } = await api.get(`/admin/integrations/orders/${orderId}`, auth)
      const fields = data.sync_records[0].editable_fields as Array<{ field: string; label: string; value: string | null }>
      const sku = fields.find((f) => f.label === "SKU of line 'Ghost hat'")!
      expect(sku).toMatchObject({ field: expect.stringMatching(/^items\.ordli_\w+\.variant_sku$/), value: "HAT-GHOST" })

      const refused = await api.post(`/admin/integrations/sync-records/${failed.id}/edit`, { corrections: { "items.x.price": "1" } }, auth).catch((e) => e.response)
      expect(refused.status).toBe(400)
      expect(refused.data.message).toBe(`Cannot correct "items.x.price" on order ${orderId} → erp: not an editable field of this record`)

      const edited = await api.post(
        `/admin/integrations/sync-records/${failed.id}/edit`,
        { corrections: { [sku.field]: "MUG-RED", "shipping_address.postal_code": "10115" }, note: "the hat is booked as a mug in the ERP" },
        auth
      )
      expect(edited.data).toMatchObject({ retried: true, sync_record: { status: "synced", attempts: 2 } })
      const sale = await sandbox().findSalesOrderByReference(`medusa:${orderId}`)
      expect(sale).not.toBeNull()

      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data: [medusaOrder] } = await query.graph({ entity: "order", fields: ["items.variant_sku"], filters: { id: orderId } })
      expect(medusaOrder.items?.[0]?.variant_sku).toBe("HAT-GHOST")

      const [audit] = await hub(container).listSyncAudits({ sync_record_id: failed.id, action: "edit" })
      expect(audit).toMatchObject({
        actor_id: expect.stringMatching(/^user_/),
        note: "the hat is booked as a mug in the ERP",
        changes: {
          fields: [
            { field: sku.field, from: null, to: "MUG-RED" },
            { field: "shipping_address.postal_code", from: null, to: "[redacted]" },
          ],
        },
      })
      const [failedRun] = await hub(container).listSyncRuns({ sync_record_id: failed.id, status: ["failed"] })
      expect(failedRun.resolved_at).not.toBeNull()
    })

    it("gives up on a record failing for longer than retry.maxAgeMs, whatever attempts are left, and says why", async () => {
      await requestEffect(container, { entity_type: "customer", entity_id: "cus_old", operation: "timing-out" })
      const [record] = await hub(container).listSyncRecords({ effect_key: "customer:cus_old:timing-out" })
      expect(record).toMatchObject({ status: "failed", attempts: 1 })
      expect(record.failing_since).not.toBeNull()
      await hub(container).execute(
        `UPDATE sync_record SET failing_since = now() - interval '73 hours', next_attempt_at = now() - interval '1 second' WHERE id = ?`,
        [record.id]
      )
      const errorLog = jest.spyOn(container.resolve<Logger>(ContainerRegistrationKeys.LOGGER), "error").mockImplementation(() => undefined)
      try {
        await runDueSyncs(container)
        const dead = await hub(container).retrieveSyncRecord(record.id)
        expect(dead).toMatchObject({ status: "dead", attempts: 2 })
        expect(dead.last_error).toBe("Sandbox ERP timed out after 8000 ms — gave up after 73 h of failing (retry.maxAgeMs)")
        expect(errorLog).toHaveBeenCalledWith(`integration-hub: customer cus_old → erp (timing-out) is dead: ${dead.last_error}`)
      } finally {
        errorLog.mockRestore()
      }
    })
  },
})
