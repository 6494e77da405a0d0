#!/usr/bin/env node
// `npm run bench`: what the plugin costs a store, each figure measured side by side in one run; nothing here asserts.
// P1 (scripts/bench-checkout.mjs): checkout with vs without the plugin, in one process and as a server + worker
// pair, with the CPU per order and the ERP calls per sale (BENCH_PROFILE=1: CPU profiles and their heaviest frames,
// and the SQL statements per order); then, in the store with the plugin, P6 (placed → ERP sale confirmed, at a
// steady rate) and, on Tryton in one process, P3 (the plugin's sync against a bare workflow making the same calls;
// scripts/bench-latency.mjs).
// Then P5, webhook ingest (scripts/bench-webhooks.mjs): the hub's webhook route against a bare route doing the same
// signature check, in one store. Then P2, backlog drain at the vendor's limit (scripts/bench-backlog.mjs), with one and two
// store processes. Then the stock import of 50,000 SKUs against Medusa's own batch route (scripts/bench-inventory.mjs).
// Then the Integrations console at scale: 1,000,000 call-log rows and 100,000 sync records (scripts/bench-console.mjs).
// At the end, every figure in one table.
// Env: BENCH_ONLY=checkout|webhooks|backlog|inventory|console (one part), BENCH_DEPLOYMENTS (default "single,split"),
// BENCH_ORDERS (default 300 per store), BENCH_WARMUP (default 20), BENCH_PROFILE=1, BENCH_P6_ORDERS (default 60; 0
// skips P6), BENCH_P6_RATE (orders/s, default 1), BENCH_P3_ORDERS (default 20; 0 skips P3), BENCH_WEBHOOKS, BENCH_CONCURRENCY,
// BENCH_BACKLOG_ORDERS, BENCH_BACKLOG_RATE, BENCH_INVENTORY_SKUS, BENCH_CONSOLE_LOGS, BENCH_CONSOLE_RECORDS,
// BENCH_CONSOLE_CALLS, DATABASE_URL (else embedded PostgreSQL).
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
const { benchCheckout } = await import("./bench-checkout.mjs")

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
  return benchWebhooks({ url: handle.url, secret: DEMO_WEBHOOK_SECRET, orderId: order.id, saleNumber: sync_records[0]?.external_number ?? null, admin, log })
}

/** Every figure of the run, printed in one table at the end. */
const summary = []

try {
  if (!ONLY || ONLY === "checkout") {
    const deployments = (process.env.BENCH_DEPLOYMENTS ?? "single,split").split(",").map((d) => d.trim())
    for (const [i, deployment] of deployments.entries()) {
      if (deployment !== "single" && deployment !== "split") throw new Error(`BENCH_DEPLOYMENTS: "${deployment}" is not single or split`)
      const handles = []
      stores.push({ handle: { stop: async () => { for (const h of handles) await h.stop() } } })
      summary.push(...(await benchCheckout({
        startDemoStore, StoreClient, adminClient, DEMO_ADDRESS, databaseUrl, log, deployment, orders: ORDERS, warmup: WARMUP,
        build: i === 0, stores: handles,
      })))
      stores.length = 0
    }
  }
  if (!ONLY || ONLY === "webhooks") summary.push(...(await benchWebhookIngest()))
  if (!ONLY || ONLY === "backlog") {
    const build = ONLY === "backlog"
    summary.push(...(await benchBacklog({ startDemoStore: (opts) => startDemoStore({ ...opts, build }), databaseUrl: databaseUrl("bench_backlog"), log })))
  }
  if (!ONLY || ONLY === "inventory") {
    const build = ONLY === "inventory"
    summary.push(...(await benchInventory({ startDemoStore: (opts) => startDemoStore({ ...opts, build: opts.build ?? build }), databaseUrl, adminClient, log })))
  }
  if (!ONLY || ONLY === "console") {
    const build = ONLY === "console"
    summary.push(...(await benchConsole({ startDemoStore: (opts) => startDemoStore({ ...opts, build }), databaseUrl, adminClient, log })))
  }
} catch (err) {
  console.error(`[bench] ${err.stack ?? err}`)
  process.exitCode = 1
} finally {
  await stopAll()
}
if (summary.length) {
  const width = Math.max(...summary.map((r) => r.figure.length))
  const measured = Math.max(...summary.map((r) => r.measured.length))
  console.log(`\nnpm run bench — every figure of this run (${new Date().toISOString().slice(0, 16)} UTC, ${(await import("node:os")).cpus().length} cores):\n`)
  console.log(`  ${"figure".padEnd(width)}  ${"measured".padEnd(measured)}  goal`)
  for (const r of summary) console.log(`  ${r.figure.padEnd(width)}  ${r.measured.padEnd(measured)}  ${r.goal}${r.met === null ? "" : r.met ? "  met" : "  NOT met"}`)
}
