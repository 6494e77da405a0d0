import { request } from "node:http"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import purgeIntegrationLogsJob from "../../src/jobs/purge-integration-logs"
import { signStandardWebhook } from "../../src/lib/webhooks/signatures"
import { runDueSyncs } from "../../src/sync/engine"
import { adminHeaders } from "../helpers/admin"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(120_000)

const SECRET = "whsec_d2ViaG9vay1zZWNyZXQtZm9yLXRlc3RzLW9ubHk="
const MAX_BYTES = 4096
/** Rejected deliveries recorded one by one per connection and minute (webhooks.maxRejectionsPerMinute). */
const REJECTIONS_PER_MINUTE = 5
const OTHER_SECRET = "whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA=="
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
Object.assign(process.env, {
  INTEGRATION_SANDBOX_ERP: "true",
  INTEGRATION_SANDBOX_WEBHOOK_SECRET: SECRET,
  INTEGRATION_WEBHOOK_MAX_BYTES: String(MAX_BYTES),
  INTEGRATION_WEBHOOK_MAX_REJECTIONS_PER_MINUTE: String(REJECTIONS_PER_MINUTE),
  INTEGRATION_RETRY_BASE_DELAY_MS: "100",
  INTEGRATION_RETRY_MAX_DELAY_MS: "1000",
  // A connection whose provider takes no webhooks (the sandbox without a secret).
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([{ id: "erp-quiet", kind: "erp", provider: "sandbox" }]),
})

type Json = Record<string, unknown>
type Res = { status: number; data: Json }
type Api = {
  get: (url: string, config?: unknown) => Promise<Res>
  post: (url: string, body?: unknown, config?: unknown) => Promise<Res>
}

let seq = 0
/** A sandbox ERP `sale.updated` event, signed as the sandbox signs it (Standard Webhooks). */
function saleUpdated(orderId: string, state: string, opts: { at?: Date; id?: string; secret?: string; body?: string; signedAt?: Date } = {}) {
  const body = opts.body ?? JSON.stringify({
    type: "sale.updated",
    timestamp: (opts.at ?? new Date()).toISOString(),
    data: { reference: `medusa:${orderId}`, number: "SBX-00042", state },
  })
  const id = opts.id ?? `evt_${Date.now()}_${++seq}`
  const headers = signStandardWebhook({ id, timestamp: opts.signedAt ?? new Date(), rawBody: body, secret: opts.secret ?? SECRET })
  return { id, body, headers: { ...headers, "content-type": "application/json" } }
}

/**
 * POSTs with node:http as a sender of an endless body does: the headers, then `first` bytes, then 1 KiB every 20 ms
 * for 3 s, never ending the body. Says the answer, and whether the server hung up while we were still sending.
 */
function sendEndless(url: string, headers: Record<string, string>, first = 0): Promise<{ status: number; body: string; hungUp: boolean }> {
  return new Promise((resolve) => {
    const req = request(url, { method: "POST", headers, agent: false })
    let status = 0
    let body = ""
    let hungUp = false
    const started = Date.now()
    const feed = setInterval(() => {
      if (Date.now() - started < 3_000 && !hungUp) return void req.write(Buffer.alloc(1024, 120))
      clearInterval(feed)
      req.destroy()
    }, 20)
    req.on("response", (res) => {
      status = res.statusCode ?? 0
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => (body += chunk))
    })
    // EPIPE or ECONNRESET: writes after the server closed the connection.
    req.on("error", () => undefined)
    req.on("socket", (socket) => {
      socket.on("end", () => (hungUp = Date.now() - started < 3_000))
      socket.on("close", () => {
        hungUp ||= Date.now() - started < 3_000
        clearInterval(feed)
        resolve({ status, body, hungUp })
      })
    })
    req.flushHeaders()
    if (first) req.write(Buffer.alloc(first, 120))
  })
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
      auth = await adminHeaders(container, rawApi as never)
    })

    /** POSTs raw bytes (no JSON re-encoding: the signature covers these exact bytes); resolves whatever the status. */
    const deliver = (connectionId: string, event: { body: string; headers: Record<string, string> }): Promise<Res> =>
      api.post(`/hooks/integrations/${connectionId}`, event.body, {
        headers: event.headers,
        transformRequest: [(data: unknown) => data],
        validateStatus: () => true,
      })

    const waitForEvent = async (id: string, until = Date.now() + 15_000): Promise<Json> => {
      for (;;) {
        const [row] = await hub(container).listWebhookEvents({ provider_event_id: id })
        if (row && row.status !== "received") return row as unknown as Json
        if (Date.now() > until) throw new Error(`webhook event ${id} was not processed: ${JSON.stringify(row ?? null)}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    }

    const orderMetadata = async (orderId: string) => {
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data: [order] } = await query.graph({ entity: "order", fields: ["metadata"], filters: { id: orderId } })
      return order.metadata as { integration_hub?: { erp_sale?: Record<string, { state: string; event_id: string }> } } | null
    }

    it("acknowledges a signed event, stores it once, applies it to the order it names and shows it there", async () => {
      const orderId = await placeOrder(container, store, { email: `wh-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      await waitForSettledSync(container, orderId, "create")
      const event = saleUpdated(orderId, "done")

      const res = await deliver("erp", event)
      expect(res.status).toBe(200)
      expect(res.data).toMatchObject({ received: true })
      const stored = await waitForEvent(event.id)
      expect(stored).toMatchObject({ status: "processed", event_type: "sale.updated", entity_type: "order", entity_id: orderId, signature_valid: true })
      expect((await orderMetadata(orderId))?.integration_hub?.erp_sale?.erp).toMatchObject({ state: "done", event_id: stored.id })

      // The same event id again: 200, nothing stored or applied a second time.
      const again = await deliver("erp", event)
      expect(again).toMatchObject({ status: 200, data: { received: true, duplicate: true, id: stored.id } })
      expect(await hub(container).listWebhookEvents({ provider_event_id: event.id })).toHaveLength(1)
      const inbound = await hub(container).listSyncRecords({ entity_id: orderId, direction: "in" })
      expect(inbound).toHaveLength(1)
      expect(inbound[0]).toMatchObject({ status: "synced", operation: "webhook", effect_key: `webhook:${stored.id}`, attempts: 1 })

      // Staff see it on the order, with an inbound log row.
      const { data } = await api.get(`/admin/integrations/orders/${orderId}`, auth)
      const rows = data.sync_records as Array<Json & { logs: Json[]; runs: Json[] }>
      const shown = rows.find((r) => r.direction === "in")!
      expect(shown).toMatchObject({ status: "synced", connection_id: "erp" })
      expect(shown.runs.map((r) => [r.status, r.trigger])).toEqual([["synced", "webhook"]])
      expect(shown.logs.map((l) => [l.direction, l.operation, l.status])).toEqual([["in", "webhook.apply.sale.updated", "success"]])
    })

    it("an ERP cancelling the sale of a live order does not cancel it in Medusa, which owns order status: a conflict for staff", async () => {
      const orderId = await placeOrder(container, store, { email: `erp-cancel-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      await waitForSettledSync(container, orderId, "create")
      const event = saleUpdated(orderId, "cancelled")
      expect((await deliver("erp", event)).status).toBe(200)
      await waitForEvent(event.id)
      const [inbound] = await hub(container).listSyncRecords({ entity_id: orderId, direction: "in" })
      const [conflict] = await hub(container).listConflictRecords({ entity: "order", entity_id: orderId })
      expect(conflict).toMatchObject({
        field: "status", connection_id: "erp", attempted_by: "erp", winner: "medusa", rule: 'sourceOfTruth.order = "medusa"', winning_value: "pending", losing_value: "canceled",
      })
      expect(inbound.result_summary).toBe(`ERP sale SBX-00042 is cancelled (order ${orderId}); the order is pending in Medusa, which owns order status: not canceled here, recorded as conflict ${conflict.id}`)
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data: [order] } = await query.graph({ entity: "order", fields: ["status"], filters: { id: orderId } })
      expect(order.status).toBe("pending")
    })

    it("a stock change the ERP announces by webhook reaches Medusa at once: the event runs the stock import", async () => {
      const stocked = async () => {
        const inventory = container.resolve(Modules.INVENTORY)
        const [item] = await inventory.listInventoryItems({ sku: "SHIRT-BLUE" })
        const [level] = await inventory.listInventoryLevels({ inventory_item_id: item.id })
        return level.stocked_quantity
      }
      expect((await api.post("/admin/integrations/inventory/import", { full: true }, auth)).data.sync_record).toMatchObject({ status: "synced" })
      expect(await stocked()).toBe(100)
      // 40 shirts received in the ERP; the sandbox answers with the signed event it sends about it.
      const { data } = await api.post("/admin/integrations/connections/erp/sandbox-stock", { levels: { "SHIRT-BLUE": 140 } }, auth)
      const webhook = data.webhook as { url: string; body: string; headers: Record<string, string> }
      const id = webhook.headers["webhook-id"]
      expect((await deliver("erp", { body: webhook.body, headers: webhook.headers })).status).toBe(200)
      expect(await waitForEvent(id)).toMatchObject({ status: "processed", event_type: "stock.changed", entity_type: "inventory", entity_id: "erp" })
      expect(await stocked()).toBe(140)
      const [record] = await hub(container).listSyncRecords({ connection_id: "erp", direction: "in", entity_type: "inventory" })
      expect(record.result_summary).toMatch(/^stock import started by the ERP's stock change: changes since .+: 1 level\(s\) changed/)
      // A sandbox ERP without a webhook secret sends no event: its change waits for the next import.
      expect((await api.post("/admin/integrations/connections/erp-quiet/sandbox-stock", { levels: { "SHIRT-BLUE": 1 } }, auth)).data.webhook).toBeNull()
    })

    it("applies events in the order they happened: an older event arriving late is skipped, not applied", async () => {
      const orderId = await placeOrder(container, store, { email: `ooo-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      // The order's own sync settles first: no run of it outlives the test (the next test restores the database).
      await waitForSettledSync(container, orderId, "create")
      const now = Date.now()
      const newer = saleUpdated(orderId, "done", { at: new Date(now) })
      const older = saleUpdated(orderId, "processing", { at: new Date(now - 60_000) })
      await deliver("erp", newer)
      await waitForEvent(newer.id)
      await deliver("erp", older)
      const late = await waitForEvent(older.id)
      expect(late).toMatchObject({ status: "ignored" })
      expect(late.error).toMatch(/^out of order: the ERP said "done"/)
      expect((await orderMetadata(orderId))?.integration_hub?.erp_sale?.erp.state).toBe("done")
    })

    it("applies a burst of concurrent events about one order one at a time: the newest state wins, nothing fails", async () => {
      const orderId = await placeOrder(container, store, { email: `burst-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      // The order's own sync settles first: no run of it outlives the test (the next test restores the database).
      await waitForSettledSync(container, orderId, "create")
      const start = Date.now() - 60_000
      const states = ["confirmed", "processing", "done", "processing", "cancelled", "processing", "done", "processing", "done", "cancelled"]
      const events = states.map((state, i) => saleUpdated(orderId, state, { at: new Date(start + i * 1000) }))
      // Delivered all at once, in a shuffled order.
      const shuffled = [...events].sort((a, b) => (a.id.charCodeAt(a.id.length - 1) * 7) % 10 - (b.id.charCodeAt(b.id.length - 1) * 7) % 10)
      // One of them twice in the same burst: stored once, applied once.
      const answers = await Promise.all([...shuffled, events[3]].map((e) => deliver("erp", e)))
      expect(answers.map((a) => a.status)).toEqual([...events, events[3]].map(() => 200))
      expect(answers.filter((a) => a.data.duplicate)).toHaveLength(1)
      expect(await hub(container).listWebhookEvents({ provider_event_id: events[3].id })).toHaveLength(1)
      const outcomes = await Promise.all(events.map((e) => waitForEvent(e.id)))
      expect(outcomes.filter((o) => o.status !== "processed" && o.status !== "ignored")).toEqual([])
      expect((await orderMetadata(orderId))?.integration_hub?.erp_sale?.erp).toMatchObject({ state: "cancelled", event_id: outcomes[9].id })
    })

    it.each([
      ["a wrong secret", () => saleUpdated("order_1", "done", { secret: OTHER_SECRET }), "bad_signature"],
      ["no signature", () => { const e = saleUpdated("order_1", "done"); delete (e.headers as Record<string, string>)["webhook-signature"]; return e }, "missing_signature"],
      ["a timestamp 10 minutes old", () => saleUpdated("order_1", "done", { signedAt: new Date(Date.now() - 600_000) }), "timestamp_out_of_tolerance"],
      ["a tampered body", () => { const e = saleUpdated("order_1", "done"); return { ...e, body: e.body.replace("done", "cancelled") } }, "bad_signature"],
    ])("answers 401 to %s and records the rejection without its payload", async (_what, make, reason) => {
      const event = make()
      const res = await deliver("erp", event)
      expect(res.status).toBe(401)
      const [rejected] = await hub(container).listWebhookEvents({ rejection_reason: reason }, { order: { created_at: "DESC" }, take: 1 })
      expect(rejected).toMatchObject({ status: "rejected", signature_valid: false, payload: null, provider_event_id: null, sync_record_id: null, payload_size: Buffer.byteLength(event.body) })
      expect(rejected.payload_hash).toMatch(/^[0-9a-f]{64}$/)
      expect(JSON.stringify(res.data)).not.toContain(SECRET)
    })

    it("answers 400 to a signed body that is not an event, 413 over the size limit, 404 where no webhooks are taken", async () => {
      const malformed = saleUpdated("order_1", "done", { body: '{"type":"sale.updated","data":' })
      const bad = await deliver("erp", malformed)
      expect(bad.status).toBe(400)
      expect(bad.data.message).toBe("body is not JSON")
      const [row] = await hub(container).listWebhookEvents({ rejection_reason: "malformed" })
      expect(row).toMatchObject({ status: "rejected", signature_valid: true, payload: null })

      const wrongShape = await deliver("erp", saleUpdated("order_1", "done", { body: JSON.stringify({ type: "sale.updated", timestamp: "yesterday", data: {} }) }))
      expect(wrongShape.status).toBe(400)
      expect(wrongShape.data.message).toMatch(/^not a sandbox ERP event: timestamp/)

      const big = saleUpdated("order_1", "done", { body: JSON.stringify({ pad: "x".repeat(MAX_BYTES) }) })
      expect((await deliver("erp", big)).status).toBe(413)

      expect((await deliver("nope", saleUpdated("order_1", "done"))).status).toBe(404)
      expect((await deliver("erp-quiet", saleUpdated("order_1", "done"))).status).toBe(404)
    })

    it("stops reading a body over the limit: 413 at once, the connection closed, the delivery recorded as too_large", async () => {
      const url = `${(rawApi as { defaults: { baseURL?: string } }).defaults.baseURL}/hooks/integrations/erp`
      const signed = saleUpdated("order_1", "done").headers
      // Declared too large: answered before a byte of it is read.
      const declared = await sendEndless(url, { ...signed, "content-length": String(MAX_BYTES * 1000) })
      // Sent without a length: answered once past the limit, and nothing more is read.
      const streamed = await sendEndless(url, { ...signed, "transfer-encoding": "chunked" }, MAX_BYTES + 1)
      for (const answer of [declared, streamed]) {
        expect(answer).toMatchObject({ status: 413, hungUp: true })
        expect(JSON.parse(answer.body).message).toBe(`Webhook body over ${MAX_BYTES} bytes (plugin option webhooks.maxBodyBytes)`)
      }
      const rows = await hub(container).listWebhookEvents({ connection_id: "erp", rejection_reason: "too_large" }, { order: { created_at: "ASC" } })
      expect(rows).toMatchObject([
        { status: "rejected", signature_valid: false, payload: null, payload_hash: "", payload_size: MAX_BYTES * 1000 },
        { status: "rejected", signature_valid: false, payload: null, payload_hash: "" },
      ])
      // As far as it was read: past the limit by what one read of the socket brought, no more.
      expect(rows[1].payload_size).toBeGreaterThan(MAX_BYTES)
      expect(rows[1].payload_size).toBeLessThan(MAX_BYTES + 64 * 1024)
      const logs = await hub(container).listIntegrationLogs({ connection_id: "erp", operation: "webhook.receive", status: "error" })
      expect(logs.map((l) => l.http_status)).toEqual([413, 413])
    })

    it("records at most webhooks.maxRejectionsPerMinute rejections a minute per connection and counts the rest in one row, still answering 401", async () => {
      // The allowance is per minute: not across a minute's turn.
      const second = new Date().getUTCSeconds()
      if (second > 45) await new Promise((r) => setTimeout(r, (61 - second) * 1000))
      const forged = Array.from({ length: REJECTIONS_PER_MINUTE + 7 }, () => saleUpdated("order_1", "done", { secret: OTHER_SECRET }))
      const answers = await Promise.all(forged.map((e) => deliver("erp", e)))
      expect(answers.map((a) => a.status)).toEqual(forged.map(() => 401))

      const rows = await hub(container).listWebhookEvents({ connection_id: "erp", status: "rejected" })
      expect(rows.filter((r) => r.rejection_reason === "bad_signature")).toHaveLength(REJECTIONS_PER_MINUTE)
      const more = rows.filter((r) => r.rejection_reason !== "bad_signature")
      expect(more).toHaveLength(1)
      expect(more[0]).toMatchObject({ rejection_reason: "more_rejected", signature_valid: false, provider_event_id: null })
      const since = new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString().slice(11, 16)
      expect(more[0].error).toBe(
        `and 7 more rejected since ${since} (UTC), not recorded one by one: at most ${REJECTIONS_PER_MINUTE} rejected deliveries a minute are recorded per connection (webhooks.maxRejectionsPerMinute); each was answered as usual`
      )
      const logs = await hub(container).listIntegrationLogs({ connection_id: "erp", operation: "webhook.receive", status: "error" })
      expect(logs).toHaveLength(REJECTIONS_PER_MINUTE)
      // A signed event still goes through.
      expect((await deliver("erp", saleUpdated("order_1", "done"))).status).toBe(200)
    })

    it("removes rejected deliveries older than logRetentionDays with the daily log purge, in batches; accepted events stay", async () => {
      const hubService = hub(container)
      const rejected = (daysAgo: number) =>
        hubService.execute(
          `INSERT INTO webhook_event (id, connection_id, signature_valid, status, payload_hash, payload_size, rejection_reason, created_at)
           SELECT 'iwh_old_' || ? || '_' || g, 'erp', false, 'rejected', '', 0, 'bad_signature', now() - (? * interval '1 day') FROM generate_series(1, 3) g`,
          [daysAgo, daysAgo]
        )
      await rejected(45)
      await rejected(29)
      await hubService.execute(
        `INSERT INTO webhook_event (id, connection_id, provider_event_id, event_type, signature_valid, status, payload_hash, payload_size, created_at)
         VALUES ('iwh_old_accepted', 'erp', 'evt_old', 'sale.updated', true, 'processed', '', 0, now() - interval '45 days')`,
        []
      )
      await purgeIntegrationLogsJob(container)
      const left = await hubService.listWebhookEvents({ connection_id: "erp" })
      expect(left.map((e) => e.id).sort()).toEqual(["iwh_old_29_1", "iwh_old_29_2", "iwh_old_29_3", "iwh_old_accepted"])
      // Two rows per statement: three rows take two batches and all go.
      expect(await hubService.purgeRejectedWebhooksBefore(new Date(Date.now() - 20 * 24 * 3600_000), 2)).toBe(3)
      expect((await hubService.listWebhookEvents({ connection_id: "erp" })).map((e) => e.id)).toEqual(["iwh_old_accepted"])
    })

    it("keeps an event it cannot apply as failed, lists it for staff and retries it on request", async () => {
      const event = saleUpdated("order_doesnotexist", "done")
      expect((await deliver("erp", event)).status).toBe(200)
      const failed = await waitForEvent(event.id)
      expect(failed).toMatchObject({ status: "failed", entity_type: "order", entity_id: "order_doesnotexist" })
      expect(failed.error).toContain("order_doesnotexist (reference medusa:order_doesnotexist), which does not exist in Medusa")

      const list = await api.get(`/admin/integrations/webhook-events?connection_id=erp&status=failed`, auth)
      expect(list.data.count).toBe(1)
      expect((list.data.webhook_events as Json[])[0]).toMatchObject({ id: failed.id, status: "failed", provider_event_id: event.id })
      expect((list.data.webhook_events as Json[])[0]).not.toHaveProperty("payload")

      const retried = await api.post(`/admin/integrations/webhook-events/${failed.id}/retry`, {}, auth)
      expect(retried.data).toMatchObject({ retried: true, webhook_event: { status: "failed" }, sync_record: { attempts: 2, direction: "in" } })
      // A permanent failure is not retried by the job: it waits for a person.
      expect(await runDueSyncs(container)).toBe(0)

      const logs = await hub(container).listIntegrationLogs({ connection_id: "erp", direction: "in" })
      expect(logs.map((l) => l.operation)).toEqual(expect.arrayContaining(["webhook.receive", "webhook.apply.sale.updated"]))
    })
  },
})
