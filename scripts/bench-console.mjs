// The console at scale (part of `npm run bench`; `BENCH_ONLY=console npm run bench` runs it alone). One demo store
// with the plugin and the sandbox providers; its database is seeded with BENCH_CONSOLE_LOGS call-log rows (default
// 1,000,000, spread over 30 days and the four connections) and BENCH_CONSOLE_RECORDS sync records (default 100,000:
// mostly synced, some failed on a few causes, some dead, some pending, each failure with its run). The roll-up runs
// over the whole log once (timed), then over 5 more minutes of calls (timed: it reads only the new rows). Then every
// console API is called BENCH_CONSOLE_CALLS times (default 30) and the month's health report 5 times, and their
// p50/p95 are printed against the goals (p95 < 300 ms; the report < 5 s), with the plan of the queries that matter
// (EXPLAIN: which index, or a sequential scan). Nothing here asserts.
import { createRequire } from "node:module"
import path from "node:path"
import pg from "pg"
import { percentile } from "./bench-cpu.mjs"

const require = createRequire(import.meta.url)
const LOGS = Number(process.env.BENCH_CONSOLE_LOGS ?? 1_000_000)
const RECORDS = Number(process.env.BENCH_CONSOLE_RECORDS ?? 100_000)
const CALLS = Number(process.env.BENCH_CONSOLE_CALLS ?? 30)
const CONNECTIONS = ["erp", "carrier", "gateway", "crm"]

/** `execute` as the hub's module code takes it (knex-style `?` placeholders) over a pg client. */
const executeOn = (client) => async (sql, params) => {
  let i = 0
  const text = sql.replace(/\?/g, () => `$${++i}`)
  return (await client.query(text, params)).rows
}

async function seed(client, log) {
  const started = performance.now()
  log(`seeding ${LOGS.toLocaleString("en")} call-log rows over 30 days`)
  // ~2 % errors (half of them the vendor's: 503 or no answer), ~0.3 % 429s, durations 20 ms – 2.5 s.
  await client.query(
    `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, created_at)
     SELECT 'ilog_bench_' || g, ($2::text[])[1 + g % 4], CASE WHEN g % 10 = 0 THEN 'in' ELSE 'out' END, 'bench.call',
            CASE WHEN g % 50 = 0 OR g % 333 = 0 THEN 'error' ELSE 'success' END,
            CASE WHEN g % 333 = 0 THEN 429 WHEN g % 100 = 0 THEN 503 WHEN g % 50 = 0 THEN 422 WHEN g % 177 = 0 THEN NULL ELSE 200 END,
            20 + (g::bigint * 7919) % 2500, now() - interval '30 days' + (g::double precision / $1) * interval '30 days'
       FROM generate_series(1, $1) g`,
    [LOGS, CONNECTIONS]
  )
  log(`seeding ${RECORDS.toLocaleString("en")} sync records with their failed runs`)
  const causes = [
    "Cannot sync order #%s to erp: line item 'Ghost hat' has SKU 'HAT-9', which is not a product in Tryton.",
    "Cannot sync order #%s to erp: the customer's country 'XK' is not a country in Tryton.",
    "Could not reach connection \"erp\": connect ECONNREFUSED 127.0.0.1:8000",
  ]
  await client.query(
    `INSERT INTO sync_record (id, connection_id, effect_key, direction, entity_type, entity_id, operation, status, attempts, last_error, last_error_code, next_attempt_at, failing_since, created_at, updated_at)
     SELECT 'isync_bench_' || g, ($2::text[])[1 + g % 4], 'order:order_bench_' || g || ':create', 'out', 'order', 'order_bench_' || g, 'create',
            CASE WHEN g % 100 < 95 THEN 'synced' WHEN g % 100 < 98 THEN 'failed' WHEN g % 100 < 99 THEN 'dead' ELSE 'pending' END,
            1 + g % 3,
            CASE WHEN g % 100 BETWEEN 95 AND 98 THEN replace(($3::text[])[1 + g % 3], '%s', g::text) END,
            CASE WHEN g % 100 BETWEEN 95 AND 98 THEN (ARRAY['unknown_sku', 'unknown_country', 'network'])[1 + g % 3] END,
            CASE WHEN g % 100 IN (95, 96) AND g % 3 = 2 THEN now() + interval '10 minutes' END,
            CASE WHEN g % 100 BETWEEN 95 AND 98 THEN now() - (g % 720) * interval '1 hour' END,
            now() - (g % 720) * interval '1 hour', now() - (g % 720) * interval '1 hour'
       FROM generate_series(1, $1) g`,
    [RECORDS, CONNECTIONS, causes]
  )
  await client.query(
    `INSERT INTO sync_run (id, sync_record_id, attempt, trigger, status, error, error_code, created_at, finished_at)
     SELECT 'isrun_bench_' || r.id, r.id, 1, 'event', CASE WHEN r.status = 'dead' THEN 'dead' ELSE 'failed' END, r.last_error, r.last_error_code, r.failing_since, r.failing_since
       FROM sync_record r WHERE r.id LIKE 'isync_bench_%' AND r.status IN ('failed', 'dead')`
  )
  await client.query(`UPDATE connection_state SET first_enabled_at = now() - interval '31 days', health_rolled_until = NULL`)
  await client.query("ANALYZE")
  log(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`)
}

/** The plan's shape in a few words: the indexes it uses, and any sequential scan of a big table. */
async function planOf(client, sql, params) {
  const { rows } = await client.query(`EXPLAIN (ANALYZE, FORMAT JSON) ${sql}`, params)
  const found = { indexes: new Set(), seq: new Set() }
  const walk = (node) => {
    if (node["Index Name"]) found.indexes.add(node["Index Name"])
    if (node["Node Type"] === "Seq Scan") found.seq.add(node["Relation Name"])
    for (const child of node.Plans ?? []) walk(child)
  }
  const plan = rows[0]["QUERY PLAN"][0]
  walk(plan.Plan)
  return `${plan["Execution Time"].toFixed(1)} ms · ${[...found.indexes].join(", ") || "no index"}${found.seq.size ? ` · SEQ SCAN ${[...found.seq].join(", ")}` : ""}`
}

/**
 * @param {{ startDemoStore: Function, databaseUrl: (name: string) => string | undefined, adminClient: Function, log: (m: string) => void }} deps
 */
export async function benchConsole({ startDemoStore, databaseUrl, adminClient, log }) {
  log("starting a store with the plugin and the sandbox providers for the console at scale")
  const store = await startDemoStore({ name: "bench-console", port: 9206, pgPort: 54336, databaseUrl: databaseUrl("bench_console"), freshDatabase: true, dropDatabaseOnStop: true, erp: "sandbox", log })
  const client = new pg.Client({ connectionString: store.databaseUrl })
  await client.connect()
  try {
    await seed(client, log)
    const { rollUpHealth } = require(path.join(process.cwd(), ".medusa/server/src/modules/integration-hub/health-rollup.js"))
    const execute = executeOn(client)
    let started = performance.now()
    const first = await rollUpHealth(execute, CONNECTIONS)
    const firstMs = performance.now() - started
    // Five more minutes of calls, then the next roll-up: it reads only those.
    await client.query(
      `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, created_at)
       SELECT 'ilog_bench_new_' || g, ($1::text[])[1 + g % 4], 'out', 'bench.call', 'success', 200, 40, now() + interval '1 minute' + (g * interval '250 milliseconds')
         FROM generate_series(1, 1200) g`,
      [CONNECTIONS]
    )
    started = performance.now()
    await rollUpHealth(execute, CONNECTIONS, { now: new Date(Date.now() + 12 * 60_000) })
    const nextMs = performance.now() - started
    const buckets = [...first.values()].reduce((a, b) => a + b, 0)

    const admin = await adminClient(store.url, store.admin.email, store.admin.password)
    const month = new Date().toISOString().slice(0, 7)
    const { groups } = await admin.request("GET", "/admin/integrations/queue")
    const routes = [
      ["connections overview", "/admin/integrations/connections"],
      ["work queue (open, grouped)", "/admin/integrations/queue"],
      ["work queue, one cause", `/admin/integrations/queue?cause=${groups[0]?.cause}`],
      ["work queue, in flight", "/admin/integrations/queue?view=in_flight"],
      ["work queue, resolved", "/admin/integrations/queue?view=resolved"],
      ["connection history 24 h", "/admin/integrations/connections/erp/history?window=24h"],
      ["connection history 30 d", "/admin/integrations/connections/erp/history?window=30d"],
      ["call log, newest", "/admin/integrations/logs"],
      ["call log, one connection, errors", "/admin/integrations/logs?connection_id=erp&direction=out&status=error"],
      ["webhook events", "/admin/integrations/webhook-events"],
      ["alerts", "/admin/integrations/alerts"],
      ["sync records, failed", "/admin/integrations/sync-records?status=failed"],
    ]
    const timings = []
    for (const [label, url] of routes) {
      const ms = []
      for (let i = 0; i < CALLS + 3; i++) {
        const t = performance.now()
        await admin.request("GET", url)
        if (i >= 3) ms.push(performance.now() - t)
      }
      timings.push([label, ms])
    }
    const report = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      await admin.request("GET", `/admin/integrations/reports/health?month=${month}`)
      report.push(performance.now() - t)
    }

    const since = new Date(Date.now() - 30 * 86_400_000)
    const plans = [
      ["roll-up of new rows", `SELECT count(*) FROM integration_log WHERE connection_id = $1 AND direction = 'out' AND created_at >= $2 AND created_at < $3 AND deleted_at IS NULL`, ["erp", new Date(Date.now() - 300_000), new Date()]],
      ["30-day window", `SELECT sum(calls) FROM health_bucket WHERE connection_id = $1 AND deleted_at IS NULL AND bucket_start >= $2 AND bucket_start < $3`, ["erp", since, new Date()]],
      ["queue groups", `SELECT connection_id, last_error_code, count(*) FROM sync_record WHERE deleted_at IS NULL AND status IN ('failed', 'dead') GROUP BY 1, 2`, []],
      ["report's failed runs", `SELECT count(*) FROM sync_run WHERE status IN ('failed', 'dead') AND deleted_at IS NULL AND created_at >= $1 AND created_at < $2`, [since, new Date()]],
      ["call log newest page", `SELECT id FROM integration_log WHERE deleted_at IS NULL ORDER BY created_at DESC LIMIT 50`, []],
      ["overview's last day", `SELECT connection_id, count(*) FROM integration_log WHERE direction = 'out' AND created_at > now() - interval '24 hours' AND deleted_at IS NULL GROUP BY 1`, []],
    ]
    const explained = []
    for (const [label, sql, params] of plans) explained.push([label, await planOf(client, sql, params)])

    const { rows: [sizes] } = await client.query(`SELECT (SELECT count(*) FROM integration_log) AS logs, (SELECT count(*) FROM sync_record) AS records, (SELECT count(*) FROM health_bucket) AS buckets`)
    console.log(`\nThe console at scale: ${Number(sizes.logs).toLocaleString("en")} call-log rows, ${Number(sizes.records).toLocaleString("en")} sync records, ${Number(sizes.buckets).toLocaleString("en")} health buckets\n`)
    console.log(`first roll-up of the whole log: ${(firstMs / 1000).toFixed(1)} s (${buckets.toLocaleString("en")} buckets); next roll-up (5 minutes of new calls): ${nextMs.toFixed(0)} ms\n`)
    console.log(`admin API, ${CALLS} calls each (goal p95 < 300 ms):`)
    for (const [label, ms] of timings) {
      const p95 = percentile(ms, 95)
      console.log(`  ${label.padEnd(36)} p50 ${percentile(ms, 50).toFixed(1).padStart(7)} ms   p95 ${p95.toFixed(1).padStart(7)} ms   ${p95 < 300 ? "met" : "NOT met"}`)
    }
    const reportP95 = percentile(report, 95)
    console.log(`  ${"health report, one month".padEnd(36)} p50 ${percentile(report, 50).toFixed(1).padStart(7)} ms   max ${reportP95.toFixed(1).padStart(7)} ms   ${reportP95 < 5000 ? "met (goal < 5 s)" : "NOT met (goal < 5 s)"}`)
    console.log("\nquery plans (EXPLAIN ANALYZE):")
    for (const [label, plan] of explained) console.log(`  ${label.padEnd(24)} ${plan}`)
    console.log("")
    const [slowest, slowestMs] = timings.map(([label, ms]) => [label, percentile(ms, 95)]).sort((x, y) => y[1] - x[1])[0]
    return [
      { figure: "console: slowest admin route p95 at scale", measured: `${slowestMs.toFixed(0)} ms (${slowest})`, goal: "< 300 ms", met: slowestMs < 300 },
      { figure: "console: health report of one month, max", measured: `${(reportP95 / 1000).toFixed(2)} s`, goal: "< 5 s", met: reportP95 < 5000 },
    ]
  } finally {
    await client.end()
    await store.stop()
  }
}
