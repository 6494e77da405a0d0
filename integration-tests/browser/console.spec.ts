import { readFileSync } from "node:fs"
import path from "node:path"
import type { Browser, Page } from "playwright-core"
import type { DemoStore } from "../../scripts/demo-store.mjs"
import type { AdminApi } from "../../demo/storefront.mjs"
import { ARTIFACTS, describeWithChromium, launchChromium, logInToAdmin, testDatabaseUrl } from "../helpers/browser"

jest.setTimeout(420_000)

type SyncRecord = { connection_id: string; status: string; last_error_code: string | null }
const erpRecord = (syncs: { sync_records: SyncRecord[] }) => syncs.sync_records.find((r) => r.connection_id === "erp")!

describeWithChromium("the Integrations console in the real admin (Chromium)", () => {
  let store: DemoStore
  let browser: Browser
  let page: Page
  let admin: AdminApi

  beforeAll(async () => {
    const { startDemoStore } = await import("../../scripts/demo-store.mjs")
    store = await startDemoStore({
      name: "browser-console",
      port: 9102,
      trytonPort: 8792,
      erp: "tryton",
      databaseUrl: testDatabaseUrl(`mih_browser_console_${Date.now()}`),
      dropDatabaseOnStop: true,
      // No automatic retry during the test: only the console's buttons may recover a sync.
      env: { INTEGRATION_RETRY_BASE_DELAY_MS: "600000", INTEGRATION_RETRY_MAX_DELAY_MS: "600000" },
    })
    const { adminClient } = await import("../../demo/storefront.mjs")
    admin = await adminClient(store.url, store.admin.email, store.admin.password)
    ;({ browser, page } = await launchChromium())
    await logInToAdmin(page, store)
  })

  afterAll(async () => {
    await browser?.close()
    await store?.stop()
  })

  async function checkout(title: string, tag: string) {
    const { StoreClient, DEMO_ADDRESS } = await import("../../demo/storefront.mjs")
    return new StoreClient(store.url, store.seed.publishableKey).checkout({
      regionId: store.seed.regionId,
      email: `console-${tag}-${Date.now()}@example.com`,
      items: [{ variant_id: store.seed.variants[title], quantity: 1 }],
      address: DEMO_ADDRESS,
    })
  }

  /** The hat's SKU becomes a product in Tryton, with stock: what staff would do there to fix the queue's cause. */
  async function createGhostHatInTryton() {
    const D = (v: string) => ({ __class__: "Decimal", decimal: v })
    const s = await store.tryton!.session()
    const [shirt] = (await s.model("product.template", "search_read", [["name", "=", "Blue shirt"]], 0, 1, null, ["account_category", "default_uom"])) as Array<{ account_category: number; default_uom: number }>
    await s.model("product.template", "create", [{
      name: "Ghost hat", type: "goods", default_uom: shirt.default_uom, salable: true, sale_uom: shirt.default_uom,
      list_price: D("15.00"), account_category: shirt.account_category, products: [["create", [{ suffix_code: "HAT-GHOST" }]]],
    }])
    const [product] = (await s.model("product.product", "search", [["code", "=", "HAT-GHOST"]], 0, 1, null)) as number[]
    const [supplier] = (await s.model("stock.location", "search", [["type", "=", "supplier"]], 0, 1, null)) as number[]
    const [storage] = (await s.model("stock.location", "search", [["code", "=", "STO"]], 0, 1, null)) as number[]
    const [shirtMove] = (await s.model("stock.move", "search_read", [["to_location", "=", storage]], 0, 1, null, ["currency", "company"])) as Array<{ currency: number; company: number }>
    const [move] = (await s.model("stock.move", "create", [{
      product, from_location: supplier, to_location: storage, quantity: 20, uom: shirt.default_uom, unit_price: D("15.00"), currency: shirtMove.currency, company: shirtMove.company,
    }])) as number[]
    await s.model("stock.move", "do", [move])
  }

  it("shows every connection's health at a glance, and pausing one from it holds its records until it is resumed", async () => {
    expect(erpRecord(await admin.settledSyncs((await checkout("Red mug", "ok")).id)).status).toBe("synced")

    await page.goto(`${store.url}/app/integrations`)
    const row = page.getByTestId("connections-overview").getByTestId("connection-row-erp")
    await row.waitFor({ timeout: 60_000 })
    await expect(row.getByTestId("connection-status").textContent()).resolves.toBe("Healthy")
    await expect(row.getByTestId("connection-status-words").textContent()).resolves.toBe("Healthy: calls succeed and nothing waits long.")
    // Live between roll-ups: the calls of the order just synced count already.
    await expect(row.getByTestId("connection-availability").textContent()).resolves.toMatch(/^100\.00 %7 d 100\.00 % · 30 d 100\.00 %$/)
    await expect(row.getByTestId("connection-queue").textContent()).resolves.toBe("Nothing waiting")
    await page.waitForTimeout(300)
    await page.getByTestId("connections-overview").screenshot({ path: path.join(ARTIFACTS, "integrations-connections.png") })

    // Its own page: the day's calls, latency, queue and 429s charted, and its incidents.
    await row.getByTestId("connection-link").click()
    await page.waitForURL(/\/app\/integrations\/connections\/erp$/)
    await page.getByTestId("connection-chart").nth(3).locator("svg.recharts-surface").waitFor({ timeout: 30_000 })
    await expect(page.getByTestId("connection-chart").count()).resolves.toBe(4)
    await expect(page.getByTestId("connection-incidents-empty").textContent()).resolves.toBe("No incident in this window.")
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-connection.png"), fullPage: true })
    await page.goto(`${store.url}/app/integrations`)
    await row.waitFor({ timeout: 60_000 })

    await row.getByTestId("connection-pause").click()
    await page.getByTestId("connection-pause-reason").fill("ERP maintenance until 14:00")
    await page.getByTestId("connection-pause-confirm").click()
    await row.getByTestId("connection-resume").waitFor({ timeout: 15_000 })
    await expect(row.getByTestId("connection-status").textContent()).resolves.toBe("Paused")
    await expect(row.getByTestId("connection-status-words").textContent()).resolves.toMatch(/^Paused by user_\w+ since .* \(ERP maintenance until 14:00\): its records wait until it is resumed\.$/)

    const waiting = await checkout("Red mug", "paused")
    await page.waitForTimeout(2_000)
    const { sync_records } = (await admin.request("GET", `/admin/integrations/orders/${waiting.id}`)) as { sync_records: Array<SyncRecord & { paused: boolean; attempts: number }> }
    expect(sync_records.find((r) => r.connection_id === "erp")).toMatchObject({ status: "pending", paused: true, attempts: 0 })

    await row.getByTestId("connection-resume").click()
    await row.getByTestId("connection-pause").waitFor({ timeout: 15_000 })
    expect(erpRecord(await admin.settledSyncs(waiting.id))).toMatchObject({ status: "synced" })
  })

  it("groups what needs a person by cause, exports it as CSV, ignores one with a reason, and a retry of the group fixes the rest", async () => {
    const hats = []
    for (const tag of ["hat-1", "hat-2", "hat-3"]) {
      const order = await checkout("Ghost hat", tag)
      expect(erpRecord(await admin.settledSyncs(order.id))).toMatchObject({ status: "failed", last_error_code: "unknown_sku" })
      hats.push(order)
    }

    await page.goto(`${store.url}/app/integrations/queue`)
    const group = page.getByTestId("queue-group")
    await group.first().waitFor({ timeout: 60_000 })
    await expect(group.count()).resolves.toBe(1)
    await expect(group.getByTestId("queue-group-title").textContent()).resolves.toMatch(
      /^3 orders: Cannot sync order … to erp: line item 'Ghost hat' has SKU 'HAT-GHOST', which is not a product in Tryton\./
    )
    const records = page.getByTestId("queue-records")
    await expect(records.getByTestId("queue-record-link").count()).resolves.toBe(3)
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-queue.png"), fullPage: true })

    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("queue-export").click()])
    const csv = readFileSync((await download.path())!, "utf8").trim().split("\r\n")
    expect(csv[0]).toBe("id,connection_id,entity_type,entity_id,operation,state,attempts,last_error_code,last_error,waiting_since,next_attempt_at,admin_path")
    expect(csv.slice(1).map((line) => line.split(",")[3]).sort()).toEqual(hats.map((o) => o.id).sort())

    // The first hat was entered in the ERP by hand: it is ignored, with why.
    const first = records.locator("tr", { hasText: hats[0].id })
    await first.getByTestId("queue-record-ignore").click()
    await page.getByTestId("queue-ignore-reason").fill("entered in Tryton by hand")
    await page.getByTestId("queue-ignore-confirm").click()
    await page.getByText(/^2 orders: Cannot sync order/).waitFor({ timeout: 15_000 })

    await createGhostHatInTryton()
    await group.getByTestId("queue-group-retry").click()
    await page.getByText("Retried 2 records: 2 synced, 0 still failing").waitFor({ timeout: 60_000 })
    await page.getByTestId("queue-empty").waitFor({ timeout: 15_000 })
    for (const order of hats.slice(1)) expect(erpRecord(await admin.settledSyncs(order.id)).status).toBe("synced")
    expect(erpRecord(await admin.settledSyncs(hats[0].id)).status).toBe("skipped")

    await page.getByTestId("queue-view-resolved").click()
    const resolved = page.getByTestId("queue-resolved")
    await resolved.getByText(/^by user_/).first().waitFor({ timeout: 15_000 })
    await expect(resolved.getByText(/^by user_/).count()).resolves.toBe(3)
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-queue-resolved.png"), fullPage: true })
  })

  it("lists webhook deliveries with why a refused one was refused, and the call log with its redacted summaries", async () => {
    const refused = await fetch(`${store.url}/hooks/integrations/gateway`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "evt_forged", type: "charge.refunded" }) })
    expect(refused.status).toBe(401)

    await page.goto(`${store.url}/app/integrations/webhooks`)
    const rejection = page.getByTestId("webhook-events").getByTestId("webhook-rejection").first()
    await rejection.waitFor({ timeout: 60_000 })
    await expect(rejection.textContent()).resolves.toMatch(/^401 · /)
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-webhooks.png"), fullPage: true })

    await page.goto(`${store.url}/app/integrations/calls`)
    const log = page.getByTestId("call-log")
    await log.locator("tbody tr").first().waitFor({ timeout: 60_000 })
    expect(await log.locator("tbody tr").count()).toBeGreaterThan(5)
    const text = await log.textContent()
    expect(text).not.toContain(store.admin.password)
    expect(text).not.toMatch(/console-ok-\d+@example\.com/)
  })

  it("shows the month's health report per connection with its verdict, downloads it as CSV, and lists the alerts sent", async () => {
    const month = new Date().toISOString().slice(0, 7)
    await page.goto(`${store.url}/app/integrations/report?month=${month}`)
    const erp = page.getByTestId("report-connection-erp")
    await erp.waitFor({ timeout: 60_000 })
    await expect(erp.getByTestId("report-verdict").textContent()).resolves.toMatch(/^(healthy|flaky|unreliable): \d+(\.\d)? % of calls failed on the vendor's side/)
    await page.waitForTimeout(300)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-report.png"), fullPage: true })
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByTestId("report-csv").click()])
    const csv = readFileSync((await download.path())!, "utf8").trim().split("\r\n")
    expect(csv[0]).toMatch(/^connection,kind,provider,from,to,availability_pct,/)
    expect(csv.slice(1).map((line) => line.split(",")[0]).sort()).toEqual(["carrier", "crm", "erp", "gateway"])

    await page.goto(`${store.url}/app/integrations/alerts`)
    await page.getByTestId("alert-thresholds").getByText(/^A connection alerts after 3 failed syncs in a row/).waitFor({ timeout: 30_000 })
  })

  it("adds a carrier connection from the admin, tests it before saving, and ships an order through it", async () => {
    const secret = "whsec_YnJvd3Nlci1hZGRlZC1jYXJyaWVyLXNlY3JldA=="
    await page.goto(`${store.url}/app/integrations`)
    await page.getByTestId("add-connection").click()
    await page.getByTestId("connection-provider").click()
    await page.getByRole("option", { name: "sandbox-carrier (shipping)" }).click()
    await page.getByTestId("connection-id").fill("carrier-eu")
    await page.getByTestId("input-carrier").fill("eu-post")
    // A bad secret first: the form names the field.
    await page.getByTestId("input-webhookSecret").fill("not-a-secret")
    await page.getByTestId("connection-check").click()
    await expect(page.getByTestId("field-webhookSecret").getByTestId("field-problem").textContent({ timeout: 30_000 })).resolves.toMatch(/^webhookSecret: must be a Standard Webhooks secret/)
    await page.getByTestId("input-webhookSecret").fill(secret)
    await page.getByTestId("connection-check").click()
    await expect(page.getByTestId("connection-check-result").textContent({ timeout: 30_000 })).resolves.toMatch(/^Connection "carrier-eu" answered in \d+ ms$/)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-connection-new.png"), fullPage: true })
    await page.getByTestId("connection-save").click()

    // Saved: its settings show the secret only as its last four characters, and the audit who created it.
    await page.waitForURL(/\/app\/integrations\/connections\/carrier-eu\/settings$/, { timeout: 30_000 })
    // The settings page itself (its audit), not the form being left.
    await page.getByTestId("connection-audit-row").first().waitFor({ timeout: 30_000 })
    await expect(page.getByTestId("input-webhookSecret").getAttribute("placeholder")).resolves.toBe(`••••${secret.slice(-4)} (kept; type to replace)`)
    await expect(page.getByTestId("input-webhookSecret").inputValue()).resolves.toBe("")
    await expect(page.getByTestId("connection-audit-row").first().textContent()).resolves.toMatch(/Created.*user_.*carrier, services, webhookSecret · shipping connection on sandbox-carrier/)
    expect(await page.content()).not.toContain(secret)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-connection-settings.png"), fullPage: true })

    // The store owner offers it at checkout (a shipping option naming it), a shopper takes it, staff fulfil the order.
    const { shipping_options } = (await admin.request("GET", "/admin/shipping-options?limit=50&fields=id,name,service_zone_id,shipping_profile_id,provider_id,data")) as {
      shipping_options: Array<{ name: string; service_zone_id: string; shipping_profile_id: string; provider_id: string; data: { connection_id?: string } | null }>
    }
    const existing = shipping_options.find((o) => o.data?.connection_id === "carrier")!
    await admin.request("POST", "/admin/shipping-options", {
      name: "EU post (carrier-eu)", price_type: "calculated", prices: [], provider_id: existing.provider_id, service_zone_id: existing.service_zone_id,
      shipping_profile_id: existing.shipping_profile_id, data: { connection_id: "carrier-eu" },
      type: { label: "EU post", description: "Priced by carrier-eu", code: "carrier-eu" },
      rules: [{ attribute: "enabled_in_store", value: "true", operator: "eq" }, { attribute: "is_return", value: "false", operator: "eq" }],
    })
    const { StoreClient, DEMO_ADDRESS } = await import("../../demo/storefront.mjs")
    const order = await new StoreClient(store.url, store.seed.publishableKey).checkout({
      regionId: store.seed.regionId, email: `console-carrier-${Date.now()}@example.com`, items: [{ variant_id: store.seed.variants["Red mug"], quantity: 1 }],
      address: DEMO_ADDRESS, shipping: { option: "EU post (carrier-eu)" },
    })
    await admin.request("POST", `/admin/orders/${order.id}/fulfillments`, { items: order.items.map((i) => ({ id: i.id, quantity: 1 })) })
    const label = (await admin.settledEffect(order.id, "ship-labels")) as { status: string; connection_id: string; result_summary: string | null } | null
    expect(label).toMatchObject({ status: "synced", connection_id: "carrier-eu" })
    expect(label!.result_summary).toMatch(/eu-post/)
  })
})
