// P6 for `npm run bench`: how soon a placed order is a confirmed sale in the ERP. Orders go into the store with the
// plugin at a steady rate (BENCH_P6_RATE per second, default 1), each shopper ordering twice as in P1; for each, the
// time from the order's creation to the moment its ERP sync record settled as synced (the sale created, quoted and
// confirmed), both read from the store's database, so one clock. Nothing here asserts.
import { benchOrder, percentile, withDatabase } from "./bench-cpu.mjs"

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * @param {{ client: { checkout: Function }, seed: object, databaseUrl: string, address: object, orders: number, rate: number, log: (m: string) => void, label: string }} p
 * @returns {Promise<{ latencies: number[], synced: number }>} ms per order, and how many of them synced within 60 s
 */
export async function placedToConfirmed({ client, seed, databaseUrl, address, orders, rate, log, label }) {
  log(`${label}: P6, ${orders} orders at ${rate} per second, each until its ERP sale is confirmed`)
  const started = performance.now()
  const placed = await Promise.all(
    Array.from({ length: orders }, async (_, i) => {
      await sleep(Math.max(0, started + (i * 1000) / rate - performance.now()))
      return (await benchOrder(client, seed, address, `bench-p6-${i % Math.max(1, Math.ceil(orders / 2))}@example.com`)).id
    })
  )
  return withDatabase(databaseUrl, async (db) => {
    const query = () =>
      db.query(
        `SELECT o.id, extract(epoch FROM (r.synced_at - o.created_at)) * 1000 AS ms
           FROM "order" o JOIN sync_record r ON r.entity_id = o.id AND r.deleted_at IS NULL
          WHERE o.id = ANY($1) AND r.connection_id = 'erp' AND r.entity_type = 'order' AND r.operation = 'create' AND r.status = 'synced'`,
        [placed]
      )
    let rows = []
    for (let waited = 0; waited < 60; waited++) {
      rows = (await query()).rows
      if (rows.length >= placed.length) break
      await sleep(1000)
    }
    return { latencies: rows.map((r) => Number(r.ms)), synced: rows.length }
  })
}

/** The P6 line and its summary row. */
export function reportLatency({ latencies, synced }, orders, rate, name) {
  const p50 = latencies.length ? percentile(latencies, 50) : NaN
  const p95 = latencies.length ? percentile(latencies, 95) : NaN
  console.log(
    `P6 (${name}): order placed → ERP sale confirmed, ${orders} orders at ${rate}/s: p50 ${p50.toFixed(0)} ms, p95 ${p95.toFixed(0)} ms` +
      ` (goal p50 ≤ 1500, p95 ≤ 3000); ${synced} of ${orders} confirmed within a minute\n`
  )
  return {
    figure: `P6 placed → ERP confirmed p50 / p95, ${name}`,
    measured: `${(p50 / 1000).toFixed(2)} s / ${(p95 / 1000).toFixed(2)} s`,
    goal: "≤ 1.5 s / ≤ 3 s",
    met: synced === orders && p50 <= 1500 && p95 <= 3000,
  }
}

/**
 * P3: the plugin's order → ERP sync against a bare Medusa workflow making the same Tryton calls with the same
 * adapter (demo/app/src/workflows/bench-bare-erp-sale.ts), one order at a time in a quiet store, by one returning
 * customer (the party cached on both sides, so each sale costs the same calls). The plugin's time runs from its
 * sync record (written once the event's revision read the order) to the record settled as synced: claim, steps,
 * lock, call log, settle. The bare workflow is timed around its run, the order read beforehand. Both are printed
 * with their Tryton calls per sale, which must match for the ratio to mean anything.
 */
export async function pluginAgainstBare({ client, admin, seed, databaseUrl, address, orders, log, label }) {
  log(`${label}: P3, ${orders} orders, each synced by the plugin and then by a bare workflow`)
  const plugin = { ms: [], calls: [] }
  const bare = { ms: [], calls: [] }
  await withDatabase(databaseUrl, async (db) => {
    for (let i = -2; i < orders; i++) {
      const order = await benchOrder(client, seed, address, "bench-p3@example.com")
      // Every sync of the order settled (the CRM's too), so the bare run has the store to itself.
      let erp = null
      for (let waited = 0; waited < 600; waited++) {
        const { rows } = await db.query(
          `SELECT r.connection_id, r.status, extract(epoch FROM (r.synced_at - r.created_at)) * 1000 AS ms,
                  (SELECT count(*)::int FROM integration_log l WHERE l.sync_record_id = r.id AND l.direction = 'out') AS calls
             FROM sync_record r WHERE r.entity_id = $1 AND r.deleted_at IS NULL`,
          [order.id]
        )
        erp = rows.find((r) => r.connection_id === "erp" && r.status === "synced") ?? null
        if (erp && rows.every((r) => !["pending", "running"].includes(r.status))) break
        await sleep(100)
      }
      if (!erp) throw new Error(`P3: order ${order.id} was not synced to the ERP within a minute`)
      const run = await admin.request("POST", "/admin/dev/bench/bare-erp-sale", { order_id: order.id })
      if (i < 0) continue // warming both adapters' caches
      plugin.ms.push(Number(erp.ms))
      plugin.calls.push(erp.calls)
      bare.ms.push(run.ms)
      bare.calls.push(run.calls)
    }
  })
  return { plugin, bare }
}

/** The P3 lines and summary row. */
export function reportPluginAgainstBare({ plugin, bare }, name) {
  const mean = (values) => values.reduce((a, b) => a + b, 0) / values.length
  const ratio = percentile(plugin.ms, 50) / percentile(bare.ms, 50)
  const line = (label, s) =>
    `  ${label.padEnd(44)} p50 ${percentile(s.ms, 50).toFixed(0).padStart(5)} ms   p95 ${percentile(s.ms, 95).toFixed(0).padStart(5)} ms   Tryton calls per sale ${mean(s.calls).toFixed(2)}`
  console.log(`P3 (${name}): one order at a time, ${plugin.ms.length} orders, one returning customer:`)
  console.log(line("the plugin's sync (record → synced)", plugin))
  console.log(line("a bare workflow, same adapter and calls", bare))
  console.log(`  plugin / bare at p50: ${ratio.toFixed(2)} (goal ≤ 1.3)\n`)
  return {
    figure: `P3 plugin sync / bare workflow p50, ${name}`,
    measured: `${ratio.toFixed(2)} (${percentile(plugin.ms, 50).toFixed(0)} vs ${percentile(bare.ms, 50).toFixed(0)} ms; ${mean(plugin.calls).toFixed(1)} vs ${mean(bare.calls).toFixed(1)} calls)`,
    goal: "≤ 1.3",
    met: ratio <= 1.3,
  }
}
