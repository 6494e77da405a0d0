#!/usr/bin/env node
// `npm run demo`: a Medusa store with the plugin and an ERP, an order placed through the Store API and synced,
// then the store keeps running with its admin at http://localhost:9000/app. Ctrl-C stops everything it started.
// Flags: --exit (stop after the order is synced; used as a smoke test). DEMO_ERP=sandbox uses the sandbox ERP even when
// trytond is installed (it also shows the inbound leg: a signed ERP webhook applied to the order).
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
process.chdir(root)
if (!existsSync("node_modules/.bin/medusa")) {
  console.log("[demo] installing dependencies (npm ci)")
  if (spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" }).status !== 0) process.exit(1)
}
const { startDemoStore } = await import("./demo-store.mjs")
const { afterCheckoutLeg } = await import("./demo-after-checkout.mjs")
const { StoreClient, adminClient, sendSandboxErpEvent, sendSandboxCarrierEvent, DEMO_ADDRESS, DEMO_WEBHOOK_SECRET } = await import("../demo/storefront.mjs")
process.env.DEMO_WEBHOOK_SECRET ||= DEMO_WEBHOOK_SECRET

const log = (m) => console.log(`[demo] ${m}`)
const port = Number(process.env.PORT ?? 9000)
const store = await startDemoStore({ port, databaseUrl: process.env.DATABASE_URL, erp: process.env.DEMO_ERP ?? "auto", log }).catch((err) => {
  console.error(`[demo] could not start the store: ${err.message}`)
  process.exit(1)
})

let stopping = false
const shutdown = async (code = 0) => {
  if (stopping) return
  stopping = true
  log("stopping the store, the ERP and the database it started")
  await store.stop()
  process.exit(code)
}
process.on("SIGINT", () => shutdown(0))
process.on("SIGTERM", () => shutdown(0))

/**
 * A refund made in the gateway's dashboard (the sandbox gateway, development only): the gateway's control refunds
 * 3.00 and hands back the signed webhook it sends about it, which is POSTed to the store's webhook route as the
 * gateway would; the store records the refund on the order (without refunding again) and the ERP credits it.
 */
async function gatewayRefundLeg(admin, order, paymentId, erpRefundsBefore, syncRecords) {
  const { webhook } = await admin.request("POST", "/admin/integrations/connections/gateway/sandbox-payments", { action: "refund", payment_id: paymentId, amount: "3.00" })
  const sent = await fetch(`${store.url}${webhook.url}`, { method: "POST", headers: webhook.headers, body: webhook.body, signal: AbortSignal.timeout(30_000) })
  let applied = null
  for (const until = Date.now() + 30_000; Date.now() < until && !applied; await new Promise((r) => setTimeout(r, 300))) {
    applied = (await admin.settledSyncs(order.id)).sync_records.find((r) => r.direction === "in" && r.connection_id === "gateway" && !["pending", "running"].includes(r.status))
  }
  console.log(`  3.00 refunded in the gateway's dashboard (signed webhook POST /hooks/integrations/gateway → HTTP ${sent.status}): ${applied ? `${applied.status} — ${applied.result_summary ?? applied.last_error}` : "not applied"}`)
  if (applied) syncRecords.push(applied)
  // The ERP's refunds effect runs again for the new refund (a new content revision of the same record).
  let credited = null
  for (const until = Date.now() + 30_000; Date.now() < until && !credited; await new Promise((r) => setTimeout(r, 300))) {
    const record = (await admin.settledSyncs(order.id)).sync_records.find((r) => r.operation === "record-refunds")
    if (record && record.revision !== erpRefundsBefore?.revision && !["pending", "running"].includes(record.status)) credited = record
  }
  console.log(`  the gateway's refund → ERP: ${credited ? `${credited.status} — ${credited.result_summary ?? credited.last_error}` : "not applied"}`)
  // The daily drift check, run now (the Integrations page's "Check now"): Medusa and the gateway agree.
  const drift = await admin.request("POST", "/admin/integrations/payments/drift/check", {})
  console.log(`  Payment drift check (Integrations page): ${drift.checked} payment(s) compared with the gateway, ${drift.drifted} disagreement(s)`)
}

/** What the storefront says it can still sell of the Blue shirt (the Store API's inventory_quantity). */
/** The adoption leg: Medusa compared with the ERP (what the daily reconciliation does), as the Cutover section's button asks. */
async function reconciliationLeg(admin) {
  const { run } = await admin.request("POST", "/admin/integrations/connections/erp/reconcile", {})
  let report = { run, drift_items: [] }
  for (const until = Date.now() + 60_000; report.run.status === "running" && Date.now() < until; await new Promise((r) => setTimeout(r, 300))) {
    report = await admin.request("GET", `/admin/integrations/reconciliation-runs/${run.id}`)
  }
  const { checked, drift_count, status, error } = report.run
  console.log(`  Reconciliation with the ERP (Integrations › Cutover): ${status === "done" ? `${checked} order(s) and stock level(s) compared, ${drift_count} difference(s)` : `${status}${error ? `: ${error}` : ""}`}`)
  for (const item of report.drift_items.slice(0, 5)) console.log(`    ${item.message} (fixes: ${item.fixes.join(", ")})`)
}

/**
 * Connections from the admin: a second carrier added as staff add one (its form's settings tested before saving, its
 * webhook secret sealed under encryptionKey and shown only masked), then the data key rotated.
 */
async function connectionsLeg(admin) {
  const id = "carrier-express"
  const body = { connection_id: id, provider: "sandbox-carrier", options: { carrier: "demo-express", webhookSecret: "whsec_ZGVtby1leHByZXNzLWNhcnJpZXItc2VjcmV0" } }
  const check = await admin.request("POST", "/admin/integrations/connection-checks", body)
  // A demo run again on the same database finds it there.
  const { connection } = await admin.request("GET", `/admin/integrations/connections/${id}`).catch(() => admin.request("POST", "/admin/integrations/connections", body))
  const rotated = await admin.request("POST", "/admin/integrations/secret-keys/rotate", {})
  console.log(`  Connection added from the admin (Integrations › Add connection): "${id}" tested before saving (${check.ok ? "it answered" : check.message}), its webhook secret encrypted and shown as ${connection.secrets.webhookSecret.mask}; data key rotated: ${rotated.reencrypted} connection(s) re-encrypted`)
}

async function shirtsForSale(storefront) {
  const { products } = await storefront.request("GET", `/store/products?fields=variants.sku,variants.inventory_quantity&region_id=${store.seed.regionId}&limit=50`)
  return products.flatMap((p) => p.variants ?? []).find((v) => v.sku === "SHIRT-BLUE")?.inventory_quantity ?? null
}

/**
 * The stock leg: the ERP owns inventory. An import sets Medusa's stock to the ERP's; then stock received in the ERP
 * (a real Tryton stock move) reaches the storefront's availability at the next import, which asks only for changes.
 */
async function stockLeg(admin, storefront) {
  const before = await shirtsForSale(storefront)
  const full = (await admin.request("POST", "/admin/integrations/inventory/import", { full: true })).sync_record
  console.log(`  Stock import from the ERP (POST /admin/integrations/inventory/import): ${full.status} — ${full.result_summary ?? full.last_error}`)
  const imported = await shirtsForSale(storefront)
  console.log(`  Blue shirts for sale in the storefront: ${before} before the import, ${imported} after (the ERP's forecast, less the orders it has not counted yet)`)
  if (store.erp !== "tryton") {
    // 25 shirts received in the sandbox ERP: it signs the stock.changed event it sends, and the store imports at once.
    const shirts = await admin.request("POST", "/admin/integrations/connections/erp/sandbox-stock", { levels: { "SHIRT-BLUE": 125 } })
    const sent = shirts.webhook
      ? (await fetch(`${store.url}${shirts.webhook.url}`, { method: "POST", headers: shirts.webhook.headers, body: shirts.webhook.body })).status
      : null
    if (sent === null) await admin.request("POST", "/admin/integrations/inventory/import", {})
    for (let i = 0; i < 50 && (await shirtsForSale(storefront)) === imported; i++) await new Promise((r) => setTimeout(r, 200))
    console.log(`  25 Blue shirts received in the sandbox ERP (125 on hand), ${sent ? `announced by its signed stock.changed webhook (HTTP ${sent}), which runs the import` : "then the next import"}`)
    console.log(`  Blue shirts for sale in the storefront now: ${await shirtsForSale(storefront)}`)
    return
  }
  const tryton = await store.tryton.session()
  const [product] = await tryton.model("product.product", "search", [["code", "=", "SHIRT-BLUE"]], 0, 1, null)
  const [supplier] = await tryton.model("stock.location", "search", [["type", "=", "supplier"]], 0, 1, null)
  const [storage] = await tryton.model("stock.location", "search", [["code", "=", "STO"]], 0, 1, null)
  const [unit] = await tryton.model("product.uom", "search", [["symbol", "=", "u"]], 0, 1, null)
  const [move] = await tryton.model("stock.move", "create", [{ product, from_location: supplier, to_location: storage, quantity: 25, uom: unit, unit_price: { __class__: "Decimal", decimal: "1" }, currency: 1 }])
  await tryton.model("stock.move", "do", [move])
  const next = (await admin.request("POST", "/admin/integrations/inventory/import", {})).sync_record
  console.log(`  25 Blue shirts received in Tryton (a stock move), then the next import: ${next.status} — ${next.result_summary ?? next.last_error}`)
  console.log(`  Blue shirts for sale in the storefront now: ${await shirtsForSale(storefront)}`)
}

try {
  log("placing an order through the Store API (cart → shipping → payment → complete)")
  const storefront = new StoreClient(store.url, store.seed.publishableKey)
  const order = await storefront.checkout({
    regionId: store.seed.regionId,
    email: `shopper-${Date.now()}@example.com`,
    items: [{ variant_id: store.seed.variants["Blue shirt"], quantity: 2 }, { variant_id: store.seed.variants["Red mug"], quantity: 1 }],
    address: DEMO_ADDRESS,
    shipping: "carrier",
    // The sandbox gateway (development only), so its ledger holds what Medusa captured and refunded.
    paymentProvider: store.seed.paymentProviderId ?? "pp_system_default",
  })
  log(`shipping chosen at checkout: ${storefront.lastShipping.name}, ${Number(storefront.lastShipping.amount).toFixed(2)} USD`)
  const admin = await adminClient(store.url, store.admin.email, store.admin.password)
  const { sync_records } = await admin.settledSyncs(order.id)
  const erpLabel = store.erp === "tryton" ? "Tryton (real ERP)" : "sandbox ERP (development provider)"
  console.log(`
  Order #${order.display_id} (${order.id}) placed.
  ERP sync to ${erpLabel}:`)
  for (const r of sync_records.filter((r) => r.connection_id === "erp")) {
    console.log(`    ${r.connection_id} ${r.operation}: ${r.status}${r.external_number ? ` — ERP sale number ${r.external_number}` : ""}${r.last_error ? ` — ${r.last_error}` : ""}`)
  }
  // The CRM leg: the buyer as a contact (a guest checkout, by e-mail) and the order as a deal with its lines.
  const deal = await admin.settledEffect(order.id, "deal")
  console.log(`  CRM (sandbox CRM, development provider): ${deal ? `${deal.status} — ${deal.result_summary ?? deal.last_error}` : "no deal effect"}`)
  // The money leg: staff capture the payment (as the admin's Capture button does); the ERP registers it on the invoice.
  const { order: withPayments } = await admin.request("GET", `/admin/orders/${order.id}?fields=id,payment_collections.payments.id`)
  const paymentId = withPayments.payment_collections?.[0]?.payments?.[0]?.id
  if (paymentId) {
    await admin.request("POST", `/admin/payments/${paymentId}/capture`, {})
    const payments = await admin.settledEffect(order.id, "record-payments")
    console.log(`  Payment captured in the admin → ERP: ${payments ? `${payments.status} — ${payments.result_summary ?? payments.last_error}` : "not recorded"}`)
    sync_records.push(...(payments ? [payments] : []))
    // A partial refund (as the admin's Refund button does): the ERP credits it with a credit note.
    await admin.request("POST", `/admin/payments/${paymentId}/refund`, { amount: 5 })
    const refunds = await admin.settledEffect(order.id, "record-refunds")
    console.log(`  5.00 refunded in the admin → ERP: ${refunds ? `${refunds.status} — ${refunds.result_summary ?? refunds.last_error}` : "not recorded"}`)
    sync_records.push(...(refunds ? [refunds] : []))
    if (store.seed.paymentProviderId) await gatewayRefundLeg(admin, order, paymentId, refunds, sync_records)
  }
  // The shipping leg: staff create the fulfillment (as the admin's button does); the carrier connection buys its
  // label; the carrier scans the parcel (signed tracking events) and the customer is told by e-mail.
  const { order: withItems } = await admin.request("GET", `/admin/orders/${order.id}?fields=id,*items`)
  await admin.request("POST", `/admin/orders/${order.id}/fulfillments`, { items: withItems.items.map((i) => ({ id: i.id, quantity: i.quantity })) })
  const labels = await admin.settledEffect(order.id, "ship-labels")
  console.log(`  Fulfillment created in the admin → carrier: ${labels ? `${labels.status} — ${labels.result_summary ?? labels.last_error}` : "no label effect"}`)
  if (labels?.status === "synced") {
    sync_records.push(labels)
    const seen = new Set()
    for (const status of ["in_transit", "delivered"]) {
      const sent = await sendSandboxCarrierEvent(store.url, { secret: process.env.DEMO_WEBHOOK_SECRET, labelId: labels.external_id, status })
      let applied = null
      for (const until = Date.now() + 30_000; Date.now() < until && !applied; await new Promise((r) => setTimeout(r, 300))) {
        applied = (await admin.settledSyncs(order.id)).sync_records.find((r) => r.direction === "in" && r.connection_id === "carrier" && !seen.has(r.id) && !["pending", "running"].includes(r.status))
      }
      if (applied) seen.add(applied.id)
      console.log(`  Carrier event "${status}" (signed webhook → HTTP ${sent.status}): ${applied ? `${applied.status} — ${applied.result_summary ?? applied.last_error}` : "not applied"}`)
      if (applied) sync_records.push(applied)
    }
    // Shipped in Medusa (the carrier's "in transit"): the ERP's shipment of the sale moves those lines.
    const delivered = await admin.settledEffect(order.id, "deliveries")
    console.log(`  Marked shipped → ERP: ${delivered ? `${delivered.status} — ${delivered.result_summary ?? delivered.last_error}` : "no delivery effect"}`)
    if (delivered) sync_records.push(delivered)
    const { notifications } = await admin.request("GET", "/admin/notifications?limit=20&order=-created_at")
    const shipping = (notifications ?? []).filter((n) => String(n.template ?? "").startsWith("integration-hub-shipment-"))
    console.log(`  Customer notified (Notification module, local provider): ${shipping.map((n) => `${n.template.replace("integration-hub-shipment-", "")} by ${n.channel} to ${n.to}`).join("; ") || "nothing"}`)
  }
  sync_records.push(...(await afterCheckoutLeg({ admin, storefront, store })))
  await stockLeg(admin, storefront)
  await reconciliationLeg(admin)
  await connectionsLeg(admin)
  if (store.erp === "sandbox") {
    // The inbound leg: the ERP tells the store it shipped the sale, as a signed webhook.
    const sale = sync_records.find((r) => r.operation === "create")
    const sent = await sendSandboxErpEvent(store.url, { secret: process.env.DEMO_WEBHOOK_SECRET, orderId: order.id, number: sale?.external_number ?? null, state: "done" })
    const after = await admin.settledSyncs(order.id)
    const event = after.sync_records.find((r) => r.direction === "in" && r.connection_id === "erp")
    console.log(`  ERP event (signed webhook POST /hooks/integrations/erp → HTTP ${sent.status}):
    sale.updated "done": ${event ? `${event.status} — ${event.result_summary ?? event.last_error}` : "not recorded"}`)
  }
  console.log(`
  Admin:       ${store.url}/app/orders/${order.id}   (the "Integrations" box on the right)
  Log in with: ${store.admin.email} / ${store.admin.password}
  Database:    ${process.env.DATABASE_URL ? "DATABASE_URL" : "embedded PostgreSQL (/tmp/mih-demo/pg)"}
${store.erp === "sandbox"
    ? `  Watch a failure, a retry and a recovery: make the sandbox ERP fail its next 3 calls
    (POST ${store.url}/admin/integrations/connections/erp/sandbox-failures with {"count": 3}, as an admin),
    create a draft order in the admin and convert it to an order, then press "Retry now" on its page.`
    : `  Watch a failure and a recovery: stop Tryton with  kill ${store.tryton.readState()?.pid}
    create a draft order in the admin and convert it to an order: its sync fails and a retry is scheduled;
    start Tryton again with  trytond -c ${store.tryton.readState()?.dir}/trytond.conf -d shop &
    then press "Retry now" on the order page.`}
  Ctrl-C stops everything.
`)
  if (process.argv.includes("--exit")) await shutdown(sync_records.every((r) => r.status === "synced") ? 0 : 1)
} catch (err) {
  console.error(`[demo] ${err.message}`)
  await shutdown(1)
}
