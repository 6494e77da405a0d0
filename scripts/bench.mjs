#!/usr/bin/env node
// `npm run bench`: does the plugin slow checkout? Two identical demo stores — one with medusa-integration-hub and a
// live ERP connection (the real Tryton when installed, else the sandbox ERP), one without the plugin — take
// storefront checkouts through the Store API, alternating one order each, and the p50/p95 of cart completion
// (and of the whole checkout) are compared side by side. Goal: with/without ≤ 1.05. Nothing here asserts.
// Then P5, webhook ingest (scripts/bench-webhooks.mjs): the hub's webhook route against a bare route doing the same
// signature check, in one store. Then P2, backlog drain at the vendor's limit (scripts/bench-backlog.mjs), with one and two
// store processes. Then the stock import of 50,000 SKUs against Medusa's own batch route (scripts/bench-inventory.mjs).
// Then the Integrations console at scale: 1,000,000 call-log rows and 100,000 sync records (scripts/bench-console.mjs).
// Env: BENCH_ONLY=checkout|webhooks|backlog|inventory|console (one part), BENCH_ORDERS (default 300 per store),
// BENCH_WARMUP (default 20), BENCH_WEBHOOKS, BENCH_CONCURRENCY, BENCH_BACKLOG_ORDERS, BENCH_BACKLOG_RATE,
// BENCH_INVENTORY_SKUS, BENCH_CONSOLE_LOGS, BENCH_CONSOLE_RECORDS, BENCH_CONSOLE_CALLS, DATABASE_URL (else embedded PostgreSQL).
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
process.chdir(root)
if (!existsSync("node_modules/.bin/medusa")) {
  if (spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" }).status !== 0) process.exit(1)
}
const { startDemoStore } = await import("./demo-store.mjs")
const { StoreClient, adminClient, DEMO_ADDRESS, DEMO_WEBHOOK_SECRET } = await import("../demo/storefront.mjs")
const { benchWebhooks } = await import("./bench-webhooks.mjs")
const { benchBacklog } = await import("./bench-backlog.mjs")
const { benchInventory } = await import("./bench-inventory.mjs")
const { benchConsole } = await import("./bench-console.mjs")

const ONLY = process.env.BENCH_ONLY
const ORDERS = Number(process.env.BENCH_ORDERS ?? 300)
const WARMUP = Number(process.env.BENCH_WARMUP ?? 20)
const log = (m) => console.log(`[bench] ${m}`)

function databaseUrl(name) {
  if (!process.env.DATABASE_URL) return undefined
  const url = new URL(process.env.DATABASE_URL)
  url.pathname = `/${url.pathname.slice(1) || "medusa"}_${name}`
  return url.toString()
}

const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

const stores = []
const stopAll = async () => {
  for (const s of stores) await s.handle.stop()
}
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    await stopAll()
    process.exit(130)
  })
}

/** Checkout with vs without the plugin (goal ≤ 1.05). */
async function benchCheckout() {
  log("starting the store WITH the plugin and a live ERP connection")
  // No stock check: the benchmark sells more than the test Tryton has in stock.
  const withPlugin = await startDemoStore({
    name: "bench-with", port: 9201, pgPort: 54331, trytonPort: 8801, databaseUrl: databaseUrl("bench_with"), freshDatabase: true, dropDatabaseOnStop: true, log,
    env: { INTEGRATION_ERP_CONNECTION_OPTIONS: JSON.stringify({ orderChecks: { stock: false } }) },
  })
  stores.push({ label: `with plugin (${withPlugin.erp} ERP, carrier, gateway, CRM)`, handle: withPlugin, complete: [], checkout: [] })
  log("starting the same store WITHOUT the plugin")
  const without = await startDemoStore({ name: "bench-without", port: 9202, pgPort: 54332, databaseUrl: databaseUrl("bench_without"), freshDatabase: true, dropDatabaseOnStop: true, withPlugin: false, build: false, log })
  stores.push({ label: "without plugin", handle: without, complete: [], checkout: [] })

  for (const s of stores) s.client = new StoreClient(s.handle.url, s.handle.seed.publishableKey)
  const orderOn = async (s, i, record) => {
    const started = performance.now()
    const order = await s.client.checkout({
      regionId: s.handle.seed.regionId,
      email: `bench-${i}@example.com`,
      items: [{ variant_id: s.handle.seed.variants["Blue shirt"], quantity: 1 }],
      address: DEMO_ADDRESS,
      // With the plugin, shipping is priced by its carrier connection (a connection of every kind shows its cost).
      shipping: "carrier",
    })
    if (record) {
      s.checkout.push(performance.now() - started)
      s.complete.push(s.client.lastCompleteMs)
    }
    return order
  }

  log(`warming up (${WARMUP} orders per store)`)
  for (let i = 0; i < WARMUP; i++) for (const s of stores) await orderOn(s, `warm-${i}`, false)
  log(`measuring ${ORDERS} checkouts per store, alternating (the first store of each pair alternates too)`)
  const placed = []
  for (let i = 0; i < ORDERS; i++) {
    const pair = i % 2 === 0 ? stores : [...stores].reverse()
    for (const s of pair) {
      const order = await orderOn(s, i, true)
      if (s === stores[0]) placed.push(order.id)
    }
    if ((i + 1) % 50 === 0) log(`${i + 1}/${ORDERS}`)
  }

  // Let the plugin's syncs finish, then check that they did: speed must not come from skipping work.
  const admin = await adminClient(withPlugin.url, withPlugin.admin.email, withPlugin.admin.password)
  let synced = 0
  for (let waited = 0; waited < 120; waited++) {
    const { count } = await admin.request("GET", "/admin/integrations/sync-records?status=synced&connection_id=erp&limit=1")
    synced = count
    if (synced >= placed.length + WARMUP) break
    await new Promise((r) => setTimeout(r, 1000))
  }

  const row = (label, values) =>
    `${label.padEnd(34)} p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms`
  const [a, b] = stores
  console.log(`\nStorefront checkout through the Store API, ${ORDERS} orders per store, alternating, one run:\n`)
  console.log("cart completion (POST /store/carts/:id/complete)")
  for (const s of stores) console.log(`  ${row(s.label, s.complete)}`)
  console.log("whole checkout (cart, shipping, payment session, complete)")
  for (const s of stores) console.log(`  ${row(s.label, s.checkout)}`)
  const ratio = (p, key) => percentile(a[key], p) / percentile(b[key], p)
  console.log(`
ratio with/without plugin — cart completion: p50 ${ratio(50, "complete").toFixed(3)}, p95 ${ratio(95, "complete").toFixed(3)}
                          — whole checkout:  p50 ${ratio(50, "checkout").toFixed(3)}, p95 ${ratio(95, "checkout").toFixed(3)}
goal: ≤ 1.05 (syncing must never slow checkout) → ${ratio(50, "complete") <= 1.05 && ratio(95, "complete") <= 1.05 ? "met" : "NOT met"}
orders synced to the ERP by the plugin: ${synced} of ${placed.length + WARMUP}
`)
  await stopAll()
  stores.length = 0
}

/** P5: a store whose sandbox ERP takes signed webhooks, one order for the events to be about. */
async function benchWebhookIngest() {
  log("starting a store with the plugin and the sandbox ERP taking signed webhooks")
  const handle = await startDemoStore({
    name: "bench-webhooks", port: 9203, pgPort: 54333, databaseUrl: databaseUrl("bench_webhooks"), freshDatabase: true,
    dropDatabaseOnStop: true, erp: "sandbox", build: ONLY === "webhooks", env: { DEMO_WEBHOOK_SECRET }, log,
  })
  stores.push({ handle })
  const order = await new StoreClient(handle.url, handle.seed.publishableKey).checkout({
    regionId: handle.seed.regionId,
    email: "bench-webhooks@example.com",
    items: [{ variant_id: handle.seed.variants["Blue shirt"], quantity: 1 }],
    address: DEMO_ADDRESS,
  })
  const admin = await adminClient(handle.url, handle.admin.email, handle.admin.password)
  const { sync_records } = await admin.settledSyncs(order.id)
  await benchWebhooks({ url: handle.url, secret: DEMO_WEBHOOK_SECRET, orderId: order.id, saleNumber: sync_records[0]?.external_number ?? null, admin, log })
}

try {
  if (!ONLY || ONLY === "checkout") await benchCheckout()
  if (!ONLY || ONLY === "webhooks") await benchWebhookIngest()
  if (!ONLY || ONLY === "backlog") {
    const build = ONLY === "backlog"
    await benchBacklog({ startDemoStore: (opts) => startDemoStore({ ...opts, build }), databaseUrl: databaseUrl("bench_backlog"), log })
  }
  if (!ONLY || ONLY === "inventory") {
    const build = ONLY === "inventory"
    await benchInventory({ startDemoStore: (opts) => startDemoStore({ ...opts, build: opts.build ?? build }), databaseUrl, adminClient, log })
  }
  if (!ONLY || ONLY === "console") {
    const build = ONLY === "console"
    await benchConsole({ startDemoStore: (opts) => startDemoStore({ ...opts, build }), databaseUrl, adminClient, log })
  }
} catch (err) {
  console.error(`[bench] ${err.stack ?? err}`)
  process.exitCode = 1
} finally {
  await stopAll()
}
