import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { floorToBucket, rollUpHealth } from "../../src/modules/integration-hub/health-rollup"
import { readHealthWindow } from "../../src/modules/integration-hub/health-windows"
import { summarizeWindow } from "../../src/console/overview"
import { rollUpConnectionsHealth } from "../../src/console/roll-up"
import { sendMonthlyHealthReport } from "../../src/console/report-mail"
import { drainDueSyncs } from "../../src/sync/engine"
import { SandboxErpProvider } from "../../src/providers/erp-sandbox/service"
import { adminHeaders } from "../helpers/admin"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(120_000)

// The built-in sandbox ERP: deterministic failures on demand, no peer needed.
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
Object.assign(process.env, {
  INTEGRATION_SANDBOX_ERP: "true",
  INTEGRATION_RETRY_MAX_ATTEMPTS: "3",
  INTEGRATION_RETRY_BASE_DELAY_MS: "600000",
  INTEGRATION_RETRY_MAX_DELAY_MS: "600000",
  INTEGRATION_CONNECTION_OVERRIDES: JSON.stringify({ retry: { inPlace: { retries: 0 } } }),
})

type QueueRecord = { id: string; entity_id: string; state: string; state_words: string; admin_path: string | null }
type WindowJson = { calls: number; availability: number; buckets: number }
/** The console API's response bodies, as far as these tests read them. */
type Body = {
  token: string
  message: string
  connections: Array<{ health: { status: string; status_words: string; windows: Record<string, WindowJson>; queue: unknown; pause: unknown } }>
  groups: Array<{ cause: string; count: number; cause_text: string }>
  records: QueueRecord[]
  count: number
  resolved: Array<{ entity_id: string; resolved_by: string }>
  window: string
  step_ms: number
  points: Array<{ t: string; calls: number; errors: number; down: boolean; p95_ms: number | null }>
  incidents: unknown[]
  thresholds: unknown
  open: unknown[]
  alerts: Array<{ state: string }>
  providers: Array<{ name: string; kind: string; built_in: boolean; form: Array<{ path: string; label: string; secret: boolean; required: boolean }> | null }>
  report: { connections: Array<{ top_causes: unknown[]; verdict: { grade: string; words: string }; previous: unknown; trend: { availability: string } }> }
  sync_record: unknown
}
type Api = {
  get: (url: string, config?: unknown) => Promise<{ status: number; data: Body; headers: Record<string, string> }>
  post: (url: string, body?: unknown, config?: unknown) => Promise<{ status: number; data: Body }>
}

const sandbox = (container: MedusaContainer) => hub(container).getProvider("erp") as SandboxErpProvider
const execute = (container: MedusaContainer) => <T>(sql: string, params: unknown[]) => hub(container).execute<T>(sql, params)

async function failing(request: Promise<unknown>) {
  const err = (await request.catch((e: unknown) => e)) as { response?: { status: number; data: { message: string } } }
  if (!err.response) throw new Error("request unexpectedly succeeded")
  return err.response
}

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as unknown as Api
    let container: MedusaContainer
    let store: SeededStore
    let auth: { headers: { authorization: string } }

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
      auth = await adminHeaders(container, api)
    })

    it("answers 401 without an admin session on every console route", async () => {
      const routes: Array<["get" | "post", string]> = [
        ["get", "/admin/integrations/connections"],
        ["get", "/admin/integrations/queue"],
        ["get", "/admin/integrations/queue/export"],
        ["post", "/admin/integrations/queue/retry"],
        ["post", "/admin/integrations/sync-records/isync_1/ignore"],
        ["post", "/admin/integrations/connections/erp/pause"],
        ["post", "/admin/integrations/connections/erp/resume"],
        ["get", "/admin/integrations/providers"],
      ]
      for (const [method, url] of routes) {
        const res = await failing(method === "get" ? api.get(url) : api.post(url, {}))
        expect([method, url, res.status]).toEqual([method, url, 401])
      }
    })

    it("lists the providers with the form of their options: labels, defaults, required, secrets", async () => {
      const { data } = await api.get("/admin/integrations/providers", auth)
      const byName = new Map(data.providers.map((p) => [p.name, p]))
      expect(byName.get("shipstation")).toMatchObject({ kind: "shipping", built_in: true })
      expect(byName.get("shipstation")!.form!.find((f) => f.path === "apiKey")).toMatchObject({ label: "API key", secret: true, required: true })
      expect(byName.get("sandbox-carrier")!.form!.map((f) => f.path)).toEqual(["webhookSecret", "carrier", "services"])
      expect(byName.get("stripe")!.form!.filter((f) => f.secret).map((f) => f.path)).toEqual(["apiKey", "webhookSecret"])
      expect(byName.get("tryton")!.form!.find((f) => f.path === "password")).toMatchObject({ label: expect.any(String), secret: true })
      // HubSpot: a private app token or a public app's OAuth settings, both secret.
      expect(byName.get("hubspot")!.form!.filter((f) => f.secret).map((f) => f.path).sort()).toEqual(["accessToken", "oauth.clientSecret"])
      // Help texts name the formats ("pat-…", "whsec_…"); no value of one is in the answer.
      expect(JSON.stringify(data)).not.toMatch(/pat-[a-z0-9]+-\w{4}|sk_live_\w|whsec_[A-Za-z0-9+/]{8}/)
    })

    it("rolls the call log up into 5-minute buckets, each whole, reading only rows newer than the last roll-up", async () => {
      // An hour from now, so that no call of the store itself falls into these buckets.
      const t0 = new Date(floorToBucket(new Date()).getTime() + 3600_000)
      const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
      const log = (created: Date, status: "success" | "error", http: number | null, ms: number) =>
        execute(container)(
          `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, created_at)
           VALUES ('ilog_' || md5(random()::text), 'erp', 'out', 'test.call', ?, ?, ?, ?)`,
          [status, http, ms, created]
        )
      // Bucket 0: 3 successes (40, 80 and 300 ms) and one 503. Bucket 1: two calls without an answer (down).
      // Bucket 2: a 401 and a success. A call into the store's own endpoint (direction in) counts nowhere.
      for (const [m, status, http, ms] of [[1, "success", 200, 40], [2, "success", 200, 80], [3, "success", 200, 300], [4, "error", 503, 1200], [6, "error", null, 10_000], [7, "error", null, 10_000], [11, "error", 401, 90], [12, "success", 200, 60]] as const) {
        await log(at(m), status, http, ms)
      }
      await execute(container)(`INSERT INTO integration_log (id, connection_id, direction, operation, status, duration_ms, created_at) VALUES ('ilog_in', 'erp', 'in', 'webhook', 'success', 1, ?)`, [at(1)])
      await hub(container).ensureConnectionStates(["erp"])
      await execute(container)(`UPDATE connection_state SET health_rolled_until = ? WHERE connection_id = 'erp'`, [t0])

      const written = await rollUpHealth(execute(container), ["erp"], { now: at(16), circuit: async () => "closed" })
      expect(written.get("erp")).toBe(3)
      const buckets = async () =>
        execute(container)<Record<string, unknown>>(
          `SELECT bucket_start, calls, successes, errors, vendor_errors, throttled, auth_errors, duration_ms_total, duration_ms_max, latency_bins, queue IS NOT NULL AS has_queue, circuit
             FROM health_bucket WHERE connection_id = 'erp' AND bucket_start >= ? ORDER BY bucket_start`,
          [t0]
        )
      const first = await buckets()
      expect(first).toEqual([
        { bucket_start: t0, calls: 4, successes: 3, errors: 1, vendor_errors: 1, throttled: 0, auth_errors: 0, duration_ms_total: 1620, duration_ms_max: 1200, latency_bins: [1, 1, 0, 1, 0, 1, 0, 0, 0, 0], has_queue: false, circuit: null },
        { bucket_start: at(5), calls: 2, successes: 0, errors: 2, vendor_errors: 2, throttled: 0, auth_errors: 0, duration_ms_total: 20000, duration_ms_max: 10000, latency_bins: [0, 0, 0, 0, 0, 0, 0, 2, 0, 0], has_queue: false, circuit: null },
        // The last span rolled carries the queue and the circuit as they were.
        { bucket_start: at(10), calls: 2, successes: 1, errors: 1, vendor_errors: 0, throttled: 0, auth_errors: 1, duration_ms_total: 150, duration_ms_max: 90, latency_bins: [0, 2, 0, 0, 0, 0, 0, 0, 0, 0], has_queue: true, circuit: "closed" },
      ])

      // A row written late into a span already rolled is not read again (only new rows are); a new span is.
      await log(at(2), "error", 500, 10)
      await log(at(16), "success", 200, 20)
      expect((await rollUpHealth(execute(container), ["erp"], { now: at(22) })).get("erp")).toBe(1)
      const second = await buckets()
      expect(second.slice(0, 3).map((b) => b.calls)).toEqual([4, 2, 2])
      expect(second[3]).toMatchObject({ bucket_start: at(15), calls: 1, successes: 1, has_queue: true })

      // The window to at(60): 4 buckets rolled up (t0 to at(20)), then 8 read from the log itself, one of them with a
      // call that failed (down); the late row before the cursor is in neither.
      await log(at(26), "error", 503, 30)
      const w = summarizeWindow(await readHealthWindow(execute(container), "erp", t0, at(60), at(60)), { requests: 10, perSeconds: 1 })
      expect(w).toMatchObject({ buckets: 12, down_buckets: 2, availability: 0.8333, calls: 10, errors: 5, vendor_errors: 4, error_rate: 0.5, auth_errors: 1 })
      // 10 calls: 3 ≤ 50 ms, 3 ≤ 100, 1 ≤ 500, 1 ≤ 2500, 2 ≤ 10000 — p50 in the second bin, p95 in the eighth.
      expect(w.latency_ms).toEqual({ p50: 83, p95: 8750, max: 10000 })
      // The busiest bucket held 4 calls of the 3000 that 10 a second allow in 5 minutes.
      expect(w.rate_limit_headroom).toBe(0.999)
    })

    it("keeps every alert and recovery notice sent, with why, to whom and what took it, and shows the thresholds", async () => {
      for (let i = 0; i < 3; i++) {
        await sandbox(container).simulatedFailures.set({ count: 1, kind: "outage" })
        const orderId = await placeOrder(container, store, { email: `alert-${i}-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "failed" })
      }
      // The alert is sent right after the run that crossed the threshold is settled.
      const alertsWhen = async (ready: (b: Body) => boolean) => {
        for (let i = 0; ; i++) {
          const { data } = await api.get("/admin/integrations/alerts?connection_id=erp", auth)
          if (ready(data) || i === 50) return data
          await new Promise((r) => setTimeout(r, 100))
        }
      }
      const failing = await alertsWhen((b) => b.alerts.length === 1)
      expect(failing.thresholds).toEqual({ after_consecutive_failures: 3, recover_after_consecutive_successes: 3, notify: [] })
      expect(failing.open).toEqual([expect.objectContaining({ connection_id: "erp", consecutive_failures: 3 })])
      expect(failing.alerts).toEqual([
        expect.objectContaining({
          connection_id: "erp", state: "failing", title: `Integration "erp" is failing`,
          description: expect.stringMatching(/^The last 3 syncs on connection "erp" failed in a row\. Last error: /),
          recipients: [{ channel: "feed", to: null }],
        }),
      ])
      for (let i = 0; i < 3; i++) {
        const orderId = await placeOrder(container, store, { email: `ok-${i}-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "synced" })
      }
      const recovered = await alertsWhen((b) => b.alerts.length === 2)
      expect(recovered.alerts.map((a: { state: string }) => a.state)).toEqual(["recovered", "failing"])
      expect(recovered.open).toEqual([])
      expect((await api.get("/admin/integrations/alerts?connection_id=crm", auth)).data.count).toBe(0)
    })

    it("reports a period's health per connection: figures, top causes, incidents, trend and a verdict; as CSV, as a printable page, and sent once a month", async () => {
      await hub(container).ensureConnectionStates(["erp"])
      await execute(container)(`UPDATE connection_state SET first_enabled_at = now() - interval '3 days' WHERE connection_id = 'erp'`, [])
      const start = floorToBucket(new Date(Date.now() - 3 * 3600_000))
      for (const m of [1, 6, 11]) {
        await execute(container)(
          `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, created_at) VALUES ('ilog_' || md5(random()::text), 'erp', 'out', 'test.call', 'error', 503, 200, ?)`,
          [new Date(start.getTime() + m * 60_000)]
        )
      }
      for (let i = 0; i < 2; i++) {
        const orderId = await placeOrder(container, store, { email: `report-${i}-${Date.now()}@example.com`, items: [{ title: "Ghost hat", quantity: 1 }] })
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "failed" })
      }
      await rollUpConnectionsHealth(container)
      const from = new Date(Date.now() - 86_400_000).toISOString()
      const to = new Date(Date.now() + 60_000).toISOString()
      const { data } = await api.get(`/admin/integrations/reports/health?from=${from}&to=${to}`, auth)
      const [erp] = data.report.connections
      expect(erp).toMatchObject({ id: "erp", dead_letters: 0, incidents: [expect.objectContaining({ kind: "outage", duration_ms: 900_000 })] })
      expect(erp.top_causes).toEqual([
        { cause: expect.stringMatching(/^Cannot sync order … to erp: line item 'Ghost hat' has SKU 'HAT-GHOST'/), code: "unknown_sku", failures: 2, records: 2 },
      ])
      expect(erp.verdict.grade).toBe("unreliable")
      expect(erp.verdict.words).toMatch(/^unreliable: \d+(\.\d)? % of calls failed on the vendor's side, 1 outage, longest 15 min — talk to the vendor about its reliability$/)
      // The day before: no call, nothing down — so availability went down against it.
      expect(erp.previous).toMatchObject({ availability: 1, calls: 0 })
      expect(erp.trend.availability).toMatch(/^down \d+(\.\d)? points?$/)

      const csv = String((await api.get(`/admin/integrations/reports/health?from=${from}&to=${to}&format=csv`, auth)).data).trim().split("\r\n")
      expect(csv).toHaveLength(2)
      expect(csv[0]).toMatch(/^connection,kind,provider,from,to,availability_pct,/)
      expect(csv[1]).toMatch(/^erp,erp,sandbox,.*,"unreliable: .* talk to the vendor about its reliability"$/)
      const html = String((await api.get(`/admin/integrations/reports/health?from=${from}&to=${to}&format=html`, auth)).data)
      expect(html).toMatch(/^<!doctype html>/)
      expect(html).toContain("unreliable: ")
      expect((await failing(api.get(`/admin/integrations/reports/health?month=2026-11&from=${from}`, auth))).status).toBe(400)
      expect((await failing(api.get(`/admin/integrations/reports/health?from=2026-01-01&to=2026-06-01`, auth))).data.message).toMatch(/^A health report covers at most 92 days/)

      // The monthly e-mail: once per month, whatever the number of runs, kept in the alerts history.
      const month = new Date().toISOString().slice(0, 7)
      const sent = await sendMonthlyHealthReport(container, { month })
      await sendMonthlyHealthReport(container, { month })
      expect(sent.link).toMatch(new RegExp(`/app/integrations/report\\?month=${month}$`))
      const reports = await hub(container).listAlertLogs({ state: "report" })
      expect(reports).toHaveLength(1)
      expect(reports[0]).toMatchObject({ connection_id: "*", title: `Integrations health report for ${month}`, description: expect.stringMatching(/^erp \(erp\): /) })
    })

    it("charts a connection's history over a window, and lists its outages as incidents with start, end and duration", async () => {
      await hub(container).ensureConnectionStates(["erp"])
      await execute(container)(`UPDATE connection_state SET first_enabled_at = now() - interval '2 days', health_rolled_until = NULL WHERE connection_id = 'erp'`, [])
      const start = floorToBucket(new Date(Date.now() - 3 * 3600_000))
      const at = (minutes: number) => new Date(start.getTime() + minutes * 60_000)
      // 15 minutes in which every call failed without an answer, then calls succeed again.
      for (const m of [1, 6, 11, 12]) {
        await execute(container)(
          `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, created_at) VALUES ('ilog_' || md5(random()::text), 'erp', 'out', 'test.call', 'error', NULL, 10000, ?)`,
          [at(m)]
        )
      }
      await execute(container)(
        `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, created_at) VALUES ('ilog_' || md5(random()::text), 'erp', 'out', 'test.call', 'success', 200, 40, ?)`,
        [at(16)]
      )
      await rollUpConnectionsHealth(container)

      const { data } = await api.get("/admin/integrations/connections/erp/history?window=24h", auth)
      expect(data.window).toBe("24h")
      expect(data.step_ms).toBe(300_000)
      expect(data.points.length).toBeGreaterThanOrEqual(288)
      expect(data.points.length).toBeLessThanOrEqual(289)
      const point = (t: Date) => data.points.find((p) => p.t === t.toISOString())
      expect(point(at(10))).toMatchObject({ calls: 2, errors: 2, down: true, p95_ms: 9750 })
      expect(point(at(15))).toMatchObject({ calls: 1, errors: 0, down: false, p95_ms: 38 })
      expect(data.incidents).toEqual([{ kind: "outage", start: at(0).toISOString(), end: at(15).toISOString(), duration_ms: 900_000, buckets: 3 }])
      expect((await failing(api.get("/admin/integrations/connections/erp/history?window=2h", auth))).status).toBe(400)
    })

    it("shows each connection's status in words, its queue and oldest wait, and its figures over 24 h, 7 d and 30 d", async () => {
      await hub(container).ensureConnectionStates(["erp"])
      await execute(container)(`UPDATE connection_state SET first_enabled_at = now() - interval '2 days' WHERE connection_id = 'erp'`, [])
      await sandbox(container).simulatedFailures.set({ count: 1, kind: "outage" })
      const orderId = await placeOrder(container, store, { email: `down-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }] })
      expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "failed", last_error_code: "http_503" })
      await rollUpConnectionsHealth(container, new Date(Date.now() + 6 * 60_000))

      const { data } = await api.get("/admin/integrations/connections", auth)
      const [erp] = data.connections
      expect(erp.health).toMatchObject({
        status: "down",
        status_words: expect.stringMatching(/^No call succeeded in the last 15 min \(\d+ of \d+ failed on the vendor's side\)/),
        pause: null,
        queue: { retrying: 1, needs_attention: 0, dead: 0, oldest_waiting_ms: expect.any(Number) },
      })
      for (const name of ["24h", "7d", "30d"]) {
        expect(erp.health.windows[name]).toMatchObject({ errors: 1, vendor_errors: 1, down_buckets: 1 })
        expect(erp.health.windows[name].availability).toBeLessThan(1)
      }
      // Two days of 5-minute buckets, one of them down (the window reaches from when it was first enabled).
      expect(erp.health.windows["7d"].buckets).toBeGreaterThanOrEqual(576)
      expect(erp.health.windows["7d"].buckets).toBeLessThanOrEqual(580)
      expect(JSON.stringify(data)).not.toContain("knownSkus")
    })

    it("pauses a connection with a reason: new records wait, a retry says why, and resuming runs what waited", async () => {
      const paused = await api.post("/admin/integrations/connections/erp/pause", { reason: "ERP maintenance until 14:00" }, auth)
      expect(paused.data).toMatchObject({ connection_id: "erp", paused: true, message: `Connection "erp" is paused: its records wait until it is resumed` })
      expect((await api.post("/admin/integrations/connections/erp/pause", {}, auth)).data.message).toBe(`Connection "erp" was already paused`)

      const orderId = await placeOrder(container, store, { email: `paused-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      await new Promise((r) => setTimeout(r, 1_000))
      await drainDueSyncs(container, { budgetMs: 2_000 })
      const [record] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "create" })
      expect(record).toMatchObject({ status: "pending", attempts: 0 })

      const { data } = await api.get("/admin/integrations/connections", auth)
      expect(data.connections[0].health).toMatchObject({
        status: "paused",
        status_words: expect.stringMatching(/^Paused by user_\w+ since .* \(ERP maintenance until 14:00\): its records wait until it is resumed\.$/),
      })
      const queue = await api.get("/admin/integrations/queue", auth)
      expect(queue.data.records.map((r: QueueRecord) => [r.entity_id, r.state])).toEqual([[orderId, "paused"]])

      const retry = await failing(api.post(`/admin/integrations/sync-records/${record.id}/retry`, {}, auth))
      expect(retry.status).toBe(400)
      expect(retry.data.message).toMatch(/^Connection "erp" is paused \(ERP maintenance until 14:00\), so its records wait \(order order_\w+ → erp\); resume it on the Integrations page to run them$/)

      expect((await api.post("/admin/integrations/connections/erp/resume", {}, auth)).data).toMatchObject({ paused: false, pause: null })
      const settled = await waitForSettledSync(container, orderId, "create", 20_000)
      expect(settled).toMatchObject({ status: "synced", attempts: 1 })
    })

    it("groups what needs a person by cause, retries a whole group once fixed, ignores with a reason, and exports CSV", async () => {
      const hats: string[] = []
      for (let i = 0; i < 3; i++) {
        const orderId = await placeOrder(container, store, { email: `hat-${i}-${Date.now()}@example.com`, items: [{ title: "Ghost hat", quantity: 1 }] })
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "failed", next_attempt_at: null })
        hats.push(orderId)
      }
      await sandbox(container).simulatedFailures.set({ count: 1, kind: "outage" })
      const outage = await placeOrder(container, store, { email: `outage-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }] })
      expect(await waitForSettledSync(container, outage, "create")).toMatchObject({ status: "failed", last_error_code: "http_503" })

      const open = (await api.get("/admin/integrations/queue", auth)).data
      // The retry in flight is not open; the three hats are one cause, their order numbers taken out.
      expect(open.count).toBe(3)
      expect(open.groups).toHaveLength(1)
      const [group] = open.groups
      expect(group).toMatchObject({ count: 3, connection_id: "erp", entity_type: "order", operation: "create" })
      expect(group.cause_text).toMatch(/^Cannot sync order … to erp: line item 'Ghost hat' has SKU 'HAT-GHOST', which is not a product in the sandbox ERP/)
      expect(open.records.map((r: QueueRecord) => r.entity_id).sort()).toEqual([...hats].sort())
      expect(open.records[0]).toMatchObject({ state: "needs_attention", state_words: "needs attention", admin_path: `/orders/${open.records[0].entity_id}` })
      const inFlight = (await api.get("/admin/integrations/queue?view=in_flight", auth)).data
      expect(inFlight.records.map((r: QueueRecord) => [r.entity_id, r.state])).toEqual([[outage, "retrying"]])
      expect((await api.get(`/admin/integrations/queue?entity_type=customer`, auth)).data.count).toBe(0)
      expect((await api.get(`/admin/integrations/queue?older_than_minutes=60`, auth)).data.count).toBe(0)

      // CSV of the open list, with the error quoted as CSV wants it.
      const csv = await api.get("/admin/integrations/queue/export", auth)
      expect(csv.headers["content-type"]).toMatch(/^text\/csv/)
      const lines = String(csv.data).trim().split("\r\n")
      expect(lines[0]).toBe("id,connection_id,entity_type,entity_id,operation,state,attempts,last_error_code,last_error,waiting_since,next_attempt_at,admin_path")
      expect(lines).toHaveLength(4)
      expect(lines[1]).toMatch(/^isync_\w+,erp,order,order_\w+,create,needs_attention,1,\w+,"?Cannot sync order #\d+ to erp: line item 'Ghost hat'/)

      // One is ignored, with a reason; the audit keeps who and why.
      const ignoredId = open.records.find((r: QueueRecord) => r.entity_id === hats[0])!.id
      expect((await failing(api.post(`/admin/integrations/sync-records/${ignoredId}/ignore`, { reason: "" }, auth))).status).toBe(400)
      const ignored = await api.post(`/admin/integrations/sync-records/${ignoredId}/ignore`, { reason: "entered in the ERP by hand" }, auth)
      expect(ignored.data.sync_record).toMatchObject({ status: "skipped", skip_code: "ignored", result_summary: expect.stringMatching(/^Ignored by user_\w+: entered in the ERP by hand$/) })
      const audits = await hub(container).listSyncAudits({ sync_record_id: ignoredId })
      expect(audits).toEqual([expect.objectContaining({ action: "ignore", note: "entered in the ERP by hand", actor_id: expect.stringMatching(/^user_/) })])
      expect((await api.get("/admin/integrations/queue", auth)).data.groups[0].count).toBe(2)

      // The cause is fixed in the ERP (the SKU now exists there): the group is retried as one and syncs.
      ;(sandbox(container) as unknown as { options: { knownSkus: string[] } }).options.knownSkus.push("HAT-GHOST")
      const retried = await api.post("/admin/integrations/queue/retry", { cause: group.cause }, auth)
      expect(retried.data).toMatchObject({ count: 2, synced: 2, failed: 0 })
      expect((await api.get("/admin/integrations/queue", auth)).data).toMatchObject({ count: 0, groups: [] })

      // Resolved: the two by a person's retry, the ignored one by a person too.
      const resolved = (await api.get("/admin/integrations/queue?view=resolved", auth)).data.resolved
      expect(resolved.map((r) => [r.entity_id, r.resolved_by]).sort()).toEqual(hats.map((id) => [id, "person"]).sort())
    })
  },
})
