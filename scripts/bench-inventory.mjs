// P-inventory, the stock import (part of `npm run bench`): BENCH_INVENTORY_SKUS (default 50,000) SKUs from an ERP into
// Medusa. Two identical stores get the same catalogue (inventory items with a level of 10 at their stock location);
// the ERP is the sandbox ERP (in the store's process: it measures our side), holding a new quantity for 90 % of the
// SKUs. Timed side by side in one run: the hub's full import (POST /admin/integrations/inventory/import, pages of
// 500: read Medusa's items, ask the ERP, plan, write with Medusa's batch workflow, remember) in the store with the
// plugin, against Medusa's own batch route (POST /admin/inventory-items/location-levels/batch) given every SKU's new
// quantity, in pages of 500, in the store without it. Prints both times, the ratio, each store's peak RSS, and how
// many levels differ from the ERP afterwards (speed must not come from skipping work). Nothing here asserts.
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import path from "node:path"

const SKUS = Number(process.env.BENCH_INVENTORY_SKUS ?? 50_000)
/**
 * BENCH_INVENTORY_HEAP_MB caps both stores' V8 heap (--max-old-space-size): a peak RSS says how lazily V8 collects,
 * an import that completes under a small cap says what it keeps.
 */
const HEAP_MB = process.env.BENCH_INVENTORY_HEAP_MB
const heapEnv = HEAP_MB ? { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --max-old-space-size=${Number(HEAP_MB)}`.trim() } : {}
const PAGE = 500
const START = 10
const sku = (i) => `BENCH-${String(i).padStart(6, "0")}`
/** What the ERP holds: one SKU in ten unchanged, the rest a new quantity (deterministic). */
const target = (i) => (i % 10 === 0 ? START : START + 1 + (i % 97))

function groupRssMb(pgid) {
  const r = spawnSync("ps", ["-o", "rss=", "-g", String(pgid)], { encoding: "utf8" })
  return r.stdout.split("\n").reduce((sum, line) => sum + (Number(line.trim()) || 0), 0) / 1024
}

/** Runs `work` while sampling the store's process group every 250 ms: its time and the peak RSS. */
async function measured(store, work) {
  let peak = groupRssMb(store.pid())
  const before = peak
  const timer = setInterval(() => (peak = Math.max(peak, groupRssMb(store.pid()))), 250)
  const started = performance.now()
  try {
    await work()
  } finally {
    clearInterval(timer)
  }
  return { ms: performance.now() - started, peakMb: Math.max(peak, groupRssMb(store.pid())), beforeMb: before }
}

/** Levels whose stocked quantity is not the ERP's, read straight from the store's database. */
async function mismatches(databaseUrl) {
  const { default: pg } = await import("pg")
  const db = new pg.Client({ connectionString: databaseUrl })
  await db.connect()
  try {
    const { rows } = await db.query(
      `SELECT i.sku, l.stocked_quantity::int AS q FROM inventory_item i JOIN inventory_level l ON l.inventory_item_id = i.id
        WHERE i.sku LIKE 'BENCH-%' AND i.deleted_at IS NULL AND l.deleted_at IS NULL`
    )
    return rows.filter((r) => r.q !== target(Number(r.sku.slice(6)))).length + Math.max(0, SKUS - rows.length)
  } finally {
    await db.end()
  }
}

/**
 * The full import through its admin route, which answers when the import is done: however long that takes (the
 * admin client's own timeout is a minute). Should the connection drop first, the import's record is polled instead.
 */
async function importWithoutTimeout(store, admin) {
  const url = store.url
  const login = await fetch(`${url}/auth/user/emailpass`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(store.admin) })
  const { token } = await login.json()
  try {
    const res = await fetch(`${url}/admin/integrations/inventory/import`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ full: true }), signal: AbortSignal.timeout(1_800_000),
    })
    if (res.ok) return (await res.json()).sync_record
  } catch {
    // The request outlived the server's request timeout: the import goes on; its record says when it is done.
  }
  for (;;) {
    const { sync_records: [record] } = await admin.request("GET", "/admin/integrations/sync-records?entity_type=inventory&limit=1")
    if (record && !["pending", "running"].includes(record.status)) return record
    await new Promise((r) => setTimeout(r, 500))
  }
}

/** Runs P-inventory on stores started by the caller's `startDemoStore` and prints its table. */
export async function benchInventory({ startDemoStore, databaseUrl, adminClient, log }) {
  const dir = mkdtempSync(path.join(tmpdir(), "mih-bench-inventory-"))
  const stockFile = path.join(dir, "erp-stock.json")
  writeFileSync(stockFile, JSON.stringify(Object.fromEntries(Array.from({ length: SKUS }, (_, i) => [sku(i), target(i)]))))
  const stores = []
  try {
    log(`starting the store WITH the plugin, its sandbox ERP holding ${SKUS} SKUs`)
    const withPlugin = await startDemoStore({
      name: "bench-inventory-with", port: 9205, pgPort: 54335, databaseUrl: databaseUrl("bench_inventory_with"), freshDatabase: true, dropDatabaseOnStop: true,
      erp: "sandbox", env: { DEMO_ERP_STOCK_FILE: stockFile, INTEGRATION_STOCK_IMPORT_MINUTES: "0" }, serverEnv: heapEnv, log,
    })
    stores.push(withPlugin)
    log("starting the same store WITHOUT the plugin")
    const without = await startDemoStore({
      name: "bench-inventory-without", port: 9206, pgPort: 54336, databaseUrl: databaseUrl("bench_inventory_without"), freshDatabase: true, dropDatabaseOnStop: true,
      withPlugin: false, build: false, serverEnv: heapEnv, log,
    })
    stores.push(without)
    const catalogue = {}
    for (const [label, store] of [["with", withPlugin], ["without", without]]) {
      log(`seeding ${SKUS} inventory items in the store ${label} the plugin`)
      const file = path.join(dir, `items-${label}.json`)
      store.exec("./stock-bench.ts", { BENCH_INVENTORY_SKUS: String(SKUS), BENCH_START_QUANTITY: String(START), BENCH_ITEMS_FILE: file })
      catalogue[label] = JSON.parse(readFileSync(file, "utf8"))
    }

    log("Medusa's own batch route, every SKU's new quantity, pages of 500 (store without the plugin)")
    const direct = await adminClient(without.url, without.admin.email, without.admin.password)
    const { location_id, items } = catalogue.without
    const medusa = await measured(without, async () => {
      for (let from = 0; from < SKUS; from += PAGE) {
        const update = []
        for (let i = from; i < Math.min(SKUS, from + PAGE); i++) update.push({ inventory_item_id: items[sku(i)], location_id, stocked_quantity: target(i) })
        await direct.request("POST", "/admin/inventory-items/location-levels/batch", { update })
      }
    })

    log("the hub's full import from the ERP (store with the plugin)")
    const admin = await adminClient(withPlugin.url, withPlugin.admin.email, withPlugin.admin.password)
    let summary = ""
    const ours = await measured(withPlugin, async () => {
      const record = await importWithoutTimeout(withPlugin, admin)
      summary = `${record.status}: ${record.result_summary ?? record.last_error}`
    })
    const [wrongOurs, wrongMedusa] = [await mismatches(withPlugin.databaseUrl), await mismatches(without.databaseUrl)]

    const ratio = ours.ms / medusa.ms
    const row = (label, m, wrong) =>
      `${label.padEnd(44)} ${(m.ms / 1000).toFixed(1).padStart(7)} s   peak RSS ${m.peakMb.toFixed(0).padStart(5)} MB (${m.beforeMb.toFixed(0)} MB before)   levels not as in the ERP: ${wrong}`
    console.log(`\nP-inventory, stock import: ${SKUS} SKUs (${Math.round(SKUS * 0.9)} with a new quantity), pages of ${PAGE}, one run${HEAP_MB ? `, both stores' heap capped at ${HEAP_MB} MB` : ""}\n`)
    console.log(row("Medusa's batch route, given the new levels", medusa, wrongMedusa))
    console.log(row("the hub's full import from the ERP", ours, wrongOurs))
    console.log(`  the import's summary: ${summary.slice(0, 240)}`)
    // RSS is the store's whole process group (npx and Medusa's server): most of it is Medusa's own, before any import.
    console.log(`\nratio hub/Medusa: ${ratio.toFixed(3)}; peak RSS of the store with the plugin: ${ours.peakMb.toFixed(0)} MB (+${(ours.peakMb - ours.beforeMb).toFixed(0)} MB during the import; Medusa's batch route: +${(medusa.peakMb - medusa.beforeMb).toFixed(0)} MB)`)
    console.log(`goal: ratio ≤ 1.2 and RSS < 500 MB → ${ratio <= 1.2 && ours.peakMb < 500 ? "met" : "NOT met"}\n`)
    const [grewOurs, grewMedusa] = [ours.peakMb - ours.beforeMb, medusa.peakMb - medusa.beforeMb]
    return [
      { figure: `P4 stock import of ${SKUS} SKUs, hub / Medusa's batch route`, measured: `${ratio.toFixed(3)} (${(ours.ms / 1000).toFixed(1)} vs ${(medusa.ms / 1000).toFixed(1)} s)`, goal: "≤ 1.2", met: ratio <= 1.2 && !wrongOurs },
      { figure: "P4 RSS growth during the import, hub vs Medusa", measured: `+${grewOurs.toFixed(0)} MB vs +${grewMedusa.toFixed(0)} MB`, goal: "≤ Medusa's", met: grewOurs <= grewMedusa },
    ]
  } finally {
    for (const s of stores.reverse()) await s.stop()
    rmSync(dir, { recursive: true, force: true })
  }
}
