import path from "node:path"
import type { Browser, Page } from "playwright-core"
import type { DemoStore } from "../../scripts/demo-store.mjs"
import type { AdminApi } from "../../demo/storefront.mjs"
import { ARTIFACTS, describeWithChromium, launchChromium, logInToAdmin, testDatabaseUrl } from "../helpers/browser"

jest.setTimeout(420_000)

/** The order's ERP record (the order also has its CRM deal, and may have more). */
const erpRecord = <R extends { connection_id: string }>(syncs: { sync_records: R[] }): R => syncs.sync_records.find((r) => r.connection_id === "erp")!

describeWithChromium("order page widget in the real admin (Chromium)", () => {
  let store: DemoStore
  let browser: Browser
  let page: Page

  beforeAll(async () => {
    const { startDemoStore } = await import("../../scripts/demo-store.mjs")
    store = await startDemoStore({
      name: "browser",
      port: 9101,
      trytonPort: 8791,
      databaseUrl: testDatabaseUrl(`mih_browser_${Date.now()}`),
      dropDatabaseOnStop: true,
      // No automatic retry during the test: only the click may recover the sync. No price check: the edit-and-retry
      // case corrects a $15 hat's SKU to the $9.50 mug's.
      env: {
        INTEGRATION_RETRY_BASE_DELAY_MS: "600000",
        INTEGRATION_RETRY_MAX_DELAY_MS: "600000",
        INTEGRATION_ERP_CONNECTION_OPTIONS: JSON.stringify({ orderChecks: { price: false } }),
      },
    })
    ;({ browser, page } = await launchChromium())
  })

  afterAll(async () => {
    await browser?.close()
    await store?.stop()
  })

  let loggedIn = false
  /** Opens an admin page, logging in first if this page has not yet (each test may run on its own). */
  async function openAdminPage(pathname: string) {
    if (!loggedIn) {
      await logInToAdmin(page, store)
      loggedIn = true
    }
    await page.goto(`${store.url}${pathname}`)
  }

  async function placeOrderWhileErpIsDown(admin: AdminApi) {
    const { StoreClient, DEMO_ADDRESS } = await import("../../demo/storefront.mjs")
    const storefront = new StoreClient(store.url, store.seed.publishableKey)
    if (store.erp === "tryton") await store.tryton!.stopAndWait()
    else await admin.request("POST", "/admin/integrations/connections/erp/sandbox-failures", { count: 1, kind: "outage" })
    const order = await storefront.checkout({
      regionId: store.seed.regionId,
      email: `browser-${Date.now()}@example.com`,
      items: [{ variant_id: store.seed.variants["Blue shirt"], quantity: 1 }],
      address: DEMO_ADDRESS,
    })
    expect(erpRecord(await admin.settledSyncs(order.id)).status).toBe("failed")
    return order
  }

  it("logs in, shows the failed ERP sync in plain words, retries it after the ERP is back and turns synced", async () => {
    const { adminClient } = await import("../../demo/storefront.mjs")
    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    const order = await placeOrderWhileErpIsDown(admin)

    await openAdminPage(`/app/orders/${order.id}`)
    const widget = page.getByTestId("integration-sync-widget")
    await widget.waitFor({ timeout: 60_000 })
    const row = widget.getByTestId("sync-row-erp")
    await expect(row.getByTestId("sync-status").textContent()).resolves.toMatch(/^Retrying at /)
    const error = await row.getByTestId("sync-error").textContent()
    expect(error).toMatch(store.erp === "tryton" ? /^Could not reach connection "erp"/ : /Sandbox ERP is unavailable/)
    await widget.screenshot({ path: path.join(ARTIFACTS, "order-widget-failed.png") })

    // The log speaks in steps: the failed attempt's calls sit under "find or create the customer", marked as where it failed.
    await row.getByTestId("sync-log-open").click()
    const failedStep = page.getByTestId("sync-step-group").filter({ has: page.getByTestId("sync-step-failed") })
    await expect(failedStep.first().textContent()).resolves.toMatch(/^Step: find or create the customer/)
    const call = failedStep.first().getByTestId("sync-log-entry").first()
    await expect(call.textContent()).resolves.toMatch(store.erp === "tryton" ? /^log in to Tryton/ : /^find or create the customer by e-mail/)
    await call.locator("summary").click()
    await expect(call.getByTestId("sync-log-bodies").isVisible()).resolves.toBe(true)
    await page.screenshot({ path: path.join(ARTIFACTS, "order-widget-log.png") })
    await page.keyboard.press("Escape")

    if (store.erp === "tryton") await store.tryton!.restart()
    await row.getByTestId("sync-retry").click()
    await row.getByText("Synced", { exact: true }).waitFor({ timeout: 30_000 })
    await page.getByText(/^Order synced to erp/).first().waitFor({ timeout: 10_000 })
    await expect(row.getByTestId("sync-external-ref").textContent()).resolves.toMatch(/^Reference in (tryton|sandbox): \S+/)
    expect(await row.getByTestId("sync-retry").count()).toBe(0)
    await page.waitForTimeout(500)
    await widget.screenshot({ path: path.join(ARTIFACTS, "order-widget-synced.png") })
    await page.screenshot({ path: path.join(ARTIFACTS, "order-page.png") })

    const { sync_records } = await admin.settledSyncs(order.id)
    expect(sync_records.filter((r) => r.connection_id === "erp")).toHaveLength(1)
    expect(erpRecord({ sync_records }).status).toBe("synced")
  })

  it("edit-and-retry: corrects the SKU the ERP does not know, right on the order page, and the order syncs", async () => {
    const { adminClient, StoreClient, DEMO_ADDRESS } = await import("../../demo/storefront.mjs")
    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    const order = await new StoreClient(store.url, store.seed.publishableKey).checkout({
      regionId: store.seed.regionId,
      email: `browser-edit-${Date.now()}@example.com`,
      items: [{ variant_id: store.seed.variants["Ghost hat"], quantity: 1 }],
      address: DEMO_ADDRESS,
    })
    const { sync_records } = await admin.settledSyncs(order.id)
    expect(erpRecord({ sync_records })).toMatchObject({ status: "failed", last_error_code: "unknown_sku" })

    await openAdminPage(`/app/orders/${order.id}`)
    const row = page.getByTestId("integration-sync-widget").getByTestId("sync-row-erp")
    await expect(row.getByTestId("sync-error").textContent()).resolves.toMatch(/SKU 'HAT-GHOST'/)
    await row.getByTestId("sync-edit-open").click()
    const sku = page.locator('[data-testid^="sync-edit-field-items."]')
    await expect(sku.inputValue()).resolves.toBe("HAT-GHOST")
    await sku.fill("MUG-RED")
    await page.screenshot({ path: path.join(ARTIFACTS, "order-widget-edit.png") })
    await page.getByTestId("sync-edit-save").click()
    await row.getByText("Synced", { exact: true }).waitFor({ timeout: 30_000 })

    const after = await admin.settledSyncs(order.id)
    expect(erpRecord(after)).toMatchObject({ status: "synced", corrections: { [`items.${order.items[0].id}.variant_sku`]: "MUG-RED" } })
    expect(erpRecord(after).audits[0]).toMatchObject({ action: "edit", actor_id: expect.stringMatching(/^user_/) })
  })

  it("shows the money on the order page: the capture with the ERP's invoice, the partial refund with its credit note", async () => {
    const { adminClient, StoreClient, DEMO_ADDRESS } = await import("../../demo/storefront.mjs")
    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    const order = await new StoreClient(store.url, store.seed.publishableKey).checkout({
      regionId: store.seed.regionId,
      email: `browser-money-${Date.now()}@example.com`,
      items: [{ variant_id: store.seed.variants["Red mug"], quantity: 2 }],
      address: DEMO_ADDRESS,
    })
    expect(erpRecord(await admin.settledSyncs(order.id)).status).toBe("synced")
    const { order: withPayments } = (await admin.request("GET", `/admin/orders/${order.id}?fields=id,payment_collections.payments.id`)) as {
      order: { payment_collections: Array<{ payments: Array<{ id: string }> }> }
    }
    const paymentId = withPayments.payment_collections[0].payments[0].id
    await admin.request("POST", `/admin/payments/${paymentId}/capture`, {})
    const payment = await admin.settledEffect(order.id, "record-payments")
    expect(payment).toMatchObject({ status: "synced", external_number: expect.any(String) })
    await admin.request("POST", `/admin/payments/${paymentId}/refund`, { amount: 5 })
    const refund = await admin.settledEffect(order.id, "record-refunds")
    expect(refund).toMatchObject({ status: "synced", external_number: expect.any(String) })

    await openAdminPage(`/app/orders/${order.id}`)
    const widget = page.getByTestId("integration-sync-widget")
    for (const [title, record] of [["Payments → erp", payment!], ["Refunds → erp", refund!]] as const) {
      const row = widget.getByTestId("sync-row-erp").filter({ hasText: title })
      await row.getByText("Synced", { exact: true }).waitFor({ timeout: 30_000 })
      await expect(row.getByTestId("sync-external-ref").textContent()).resolves.toBe(`Reference in ${store.erp}: ${record.external_number}`)
    }
    await page.waitForTimeout(500)
    await widget.screenshot({ path: path.join(ARTIFACTS, "order-widget-money.png") })
  })
  it("puts a dispute at the gateway in front of staff on the order page, and the Integrations page finds a refund the store missed", async () => {
    const { adminClient, StoreClient, DEMO_ADDRESS } = await import("../../demo/storefront.mjs")
    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    const order = await new StoreClient(store.url, store.seed.publishableKey).checkout({
      regionId: store.seed.regionId,
      email: `browser-dispute-${Date.now()}@example.com`,
      items: [{ variant_id: store.seed.variants["Red mug"], quantity: 1 }],
      address: DEMO_ADDRESS,
      paymentProvider: store.seed.paymentProviderId,
    })
    const { order: withPayments } = (await admin.request("GET", `/admin/orders/${order.id}?fields=id,payment_collections.payments.id`)) as {
      order: { payment_collections: Array<{ payments: Array<{ id: string }> }> }
    }
    const paymentId = withPayments.payment_collections[0].payments[0].id
    await admin.request("POST", `/admin/payments/${paymentId}/capture`, {})
    const control = (body: Record<string, unknown>) =>
      admin.request("POST", "/admin/integrations/connections/gateway/sandbox-payments", { payment_id: paymentId, ...body }) as Promise<{ webhook: { url: string; body: string; headers: Record<string, string> } }>
    const { webhook } = await control({ action: "dispute", reason: "product_not_received" })
    expect((await fetch(`${store.url}${webhook.url}`, { method: "POST", headers: webhook.headers, body: webhook.body })).status).toBe(200)

    await openAdminPage(`/app/orders/${order.id}`)
    const issue = page.getByTestId("integration-sync-widget").getByTestId("payment-issue")
    await issue.getByTestId("dispute-state").filter({ hasText: "Disputed" }).waitFor({ timeout: 30_000 })
    await expect(issue.textContent()).resolves.toContain("Reason: product not received")
    await page.waitForTimeout(500)
    await page.getByTestId("integration-sync-widget").screenshot({ path: path.join(ARTIFACTS, "order-widget-dispute.png") })

    // A refund made in the gateway's dashboard whose webhook never reaches the store: the drift check finds it.
    await control({ action: "refund", amount: "2.00" })
    await openAdminPage(`/app/integrations`)
    const drift = page.getByTestId("payment-drift")
    await drift.getByTestId("payment-drift-check").click()
    await drift.getByText("Medusa has 0.00 refunded, the gateway 2.00").waitFor({ timeout: 30_000 })
    await page.waitForTimeout(500)
    await page.screenshot({ path: path.join(ARTIFACTS, "integrations-page.png") })
  })
  it("lists a refused stock edit on the Integrations page as a conflict: the ERP's value kept, the staff's not applied, the rule", async () => {
    const { adminClient } = await import("../../demo/storefront.mjs")
    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    await admin.request("POST", "/admin/integrations/inventory/import", { full: true })
    const { inventory_items: [item] } = (await admin.request("GET", "/admin/inventory-items?sku=SHIRT-BLUE&fields=id,location_levels.location_id,location_levels.stocked_quantity")) as {
      inventory_items: Array<{ id: string; location_levels: Array<{ location_id: string; stocked_quantity: number }> }>
    }
    const [level] = item.location_levels
    await expect(admin.request("POST", `/admin/inventory-items/${item.id}/location-levels/${level.location_id}`, { stocked_quantity: level.stocked_quantity + 50 }))
      .rejects.toThrow(/HTTP 400: .*comes from ERP connection \\?"erp\\?"/)

    await openAdminPage(`/app/integrations`)
    const conflicts = page.getByTestId("conflicts")
    const row = conflicts.locator('[data-testid^="conflict-row-"]').filter({ hasText: item.id })
    await row.waitFor({ timeout: 30_000 })
    const text = await row.textContent()
    expect(text).toContain("stocked quantity")
    expect(text).toContain(`${level.stocked_quantity}from erp`)
    expect(text).toContain(`${level.stocked_quantity + 50}from medusa`)
    expect(text).toContain('sourceOfTruth.inventory = "erp"')
    await page.waitForTimeout(500)
    await conflicts.screenshot({ path: path.join(ARTIFACTS, "integrations-conflicts.png") })
  })

  it("walks the ERP connection from shadow to live on the Integrations page: reconcile, the drift in words, what going live sends, live", async () => {
    const { adminClient, StoreClient, DEMO_ADDRESS } = await import("../../demo/storefront.mjs")
    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    await admin.request("POST", "/admin/integrations/connections/erp/mode", { mode: "shadow" })
    const storefront = new StoreClient(store.url, store.seed.publishableKey)
    const order = await storefront.checkout({
      regionId: store.seed.regionId, email: `browser-cutover-${Date.now()}@example.com`, items: [{ variant_id: store.seed.variants["Blue shirt"], quantity: 1 }], address: DEMO_ADDRESS,
    })
    expect(erpRecord(await admin.settledSyncs(order.id))).toMatchObject({ status: "skipped", skip_code: "shadow" })

    await openAdminPage(`/app/integrations`)
    const erp = page.getByTestId("cutover-erp")
    await expect(erp.getByTestId("cutover-mode").textContent()).resolves.toBe("Shadow")
    await erp.getByTestId("cutover-reconcile").click()
    const missing = erp.getByTestId("drift-missing").filter({ hasText: `Order #${order.display_id} is not in erp` })
    await missing.waitFor({ timeout: 60_000 })
    // In shadow mode the integration being replaced writes the ERP: the hub reports, and offers to ignore only.
    expect(await missing.getByTestId("drift-fix-resend").count()).toBe(0)

    await erp.getByTestId("cutover-go-live").click()
    const preview = erp.getByTestId("cutover-go-live-preview")
    await preview.getByText(/Going live sends the \d+ orders? held back in shadow mode: .* will be created/).waitFor({ timeout: 60_000 })
    await page.waitForTimeout(500)
    await erp.screenshot({ path: path.join(ARTIFACTS, "integrations-cutover.png") })

    await preview.getByTestId("cutover-confirm-live").click()
    await erp.getByTestId("cutover-mode").getByText("Live").waitFor({ timeout: 30_000 })
    expect(erpRecord(await admin.settledSyncs(order.id))).toMatchObject({ status: "synced" })
    // Every order of the store compares clean now: the one sent on going live, and the others (a retried one, one
    // sent with staff's SKU correction, refunded ones: a refund is the ERP's credit note, not a smaller sale).
    type Cutover = { connections: Array<{ id: string; runs: Array<{ id: string; status: string }> }> }
    const latestRun = async () => ((await admin.request("GET", "/admin/integrations/cutover")) as Cutover).connections.find((c) => c.id === "erp")!.runs[0]
    const before = await latestRun()
    await erp.getByTestId("cutover-reconcile").click()
    for (const until = Date.now() + 60_000; Date.now() < until; await new Promise((r) => setTimeout(r, 300))) {
      const run = await latestRun()
      if (run.id !== before.id && run.status !== "running") break
    }
    const { drift_items } = (await admin.request("GET", "/admin/integrations/drift-items?connection_id=erp&status=open")) as { drift_items: Array<{ message: string }> }
    expect(drift_items.map((d) => d.message)).toEqual([])
    await erp.getByTestId("cutover-drift").waitFor({ state: "detached", timeout: 30_000 })
    await expect(erp.getByTestId("cutover-clean-days").textContent()).resolves.toBe("Clean for 1 day in a row (of 5)")
  })

  it("shows a customer's contact in the CRM on the customer page: the CRM's refusal in words, then Retry, then synced", async () => {
    const { adminClient } = await import("../../demo/storefront.mjs")
    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    type Contact = { status: string; last_error: string | null; result_summary: string | null }
    const contactOf = async (customerId: string) =>
      ((await admin.request("GET", `/admin/integrations/customers/${customerId}`)) as { sync_records: Contact[] }).sync_records[0]
    // The CRM refuses the next call (a permanent refusal: it waits for a person, not for a retry).
    await admin.request("POST", "/admin/integrations/connections/crm/sandbox-failures", { count: 1, kind: "reject" })
    const email = `browser-contact-${Date.now()}@example.com`
    const { customer } = (await admin.request("POST", "/admin/customers", { email, first_name: "Grace", last_name: "Hopper", company_name: "Navy Labs" })) as { customer: { id: string } }
    let contact: Contact | undefined
    for (const until = Date.now() + 30_000; Date.now() < until && contact?.status !== "failed"; await new Promise((r) => setTimeout(r, 300))) contact = await contactOf(customer.id)
    expect(contact).toMatchObject({ status: "failed", last_error: "Sandbox CRM rejected upsertContact (simulated validation error; 0 more to come)" })

    await openAdminPage(`/app/customers/${customer.id}`)
    const widget = page.getByTestId("customer-integration-sync-widget")
    const row = widget.getByTestId("sync-row-crm")
    await row.getByTestId("sync-retry").waitFor({ timeout: 30_000 })
    await expect(row.textContent()).resolves.toContain("Contact → crm")
    await expect(row.getByTestId("sync-error").textContent()).resolves.toContain("Sandbox CRM rejected upsertContact")
    await page.waitForTimeout(500)
    await widget.screenshot({ path: path.join(ARTIFACTS, "customer-widget-failed.png") })

    await row.getByTestId("sync-retry").click()
    await row.getByText("Synced", { exact: true }).waitFor({ timeout: 30_000 })
    expect(await row.getByTestId("sync-retry").count()).toBe(0)
    expect(await contactOf(customer.id)).toMatchObject({ status: "synced", result_summary: expect.stringMatching(/^contact \S+ created \(e-mail, first name, last name, company\), company \S+$/) })
    await page.waitForTimeout(500)
    await widget.screenshot({ path: path.join(ARTIFACTS, "customer-widget.png") })
  })
})
