// P2, backlog drain at the vendor's limit (part of `npm run bench`): BENCH_BACKLOG_ORDERS (default 5000) orders are
// queued for the ERP at once, the ERP allows R calls per second (BENCH_BACKLOG_RATE, default 50; the sandbox ERP's
// simulated vendor limit answers 429 past it, counted across instances), and the store drains the queue with its
// connection's rate limit set to the same R. Measured with one store process, then with two sharing the limit
// through Redis: achieved calls/s against R, 429s received, peak RSS. Nothing here asserts.
import { spawnSync } from "node:child_process"

const ORDERS = Number(process.env.BENCH_BACKLOG_ORDERS ?? 5000)
const RATE = Number(process.env.BENCH_BACKLOG_RATE ?? 50)
const REDIS_URL = process.env.INTEGRATION_REDIS_URL ?? "redis://127.0.0.1:6379"
const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

/** Resident memory of a process group in MB (the store's npx, node and their children). */
function groupRssMb(pgid) {
  const r = spawnSync("ps", ["-o", "rss=", "-g", String(pgid)], { encoding: "utf8" })
  return r.stdout.split("\n").reduce((sum, line) => sum + (Number(line.trim()) || 0), 0) / 1024
}

/** Forgets the shared limiter and circuit state of earlier runs, so each phase starts alike. */
async function clearRedisState() {
  const { default: Redis } = await import("ioredis")
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 })
  try {
    const keys = await redis.keys("mih:*")
    if (keys.length) await redis.del(...keys)
  } finally {
    redis.disconnect()
  }
}

/** The backlog's records of a phase: the orders queued for the ERP (not the stock or CRM records of the same minutes). */
const BACKLOG_RECORDS = "created_at >= $1 AND connection_id = 'erp' AND entity_type = 'order' AND deleted_at IS NULL"

/**
 * One phase: queue the backlog, let `instances` store processes drain it, and read what happened from the call log.
 * @param {{ store: any, db: import("pg").Client, instances: number, port: number, log: (m: string) => void }} ctx
 */
async function drainPhase({ store, db, instances, port, log }) {
  await clearRedisState()
  const extra = []
  for (let i = 1; i < instances; i++) extra.push(await store.startInstance(port + i))
  const pgids = [store.pid(), ...extra.map((e) => e.pid())]
  const [{ now: phaseStart }] = (await db.query("SELECT now()")).rows
  log(`${instances} instance(s): queueing ${ORDERS} orders for the ERP`)
  store.exec("./backlog.ts", { BACKLOG_ORDERS: String(ORDERS) })

  let peakRss = 0
  const until = Date.now() + ((ORDERS * 2) / RATE) * 1000 * 2 + 180_000
  for (let synced = 0; synced < ORDERS && Date.now() < until; ) {
    await sleep(1_000)
    peakRss = Math.max(peakRss, pgids.reduce((sum, pgid) => sum + groupRssMb(pgid), 0))
    const { rows } = await db.query(
      `SELECT count(*) FILTER (WHERE status = 'synced')::int AS synced FROM sync_record WHERE ${BACKLOG_RECORDS}`,
      [phaseStart]
    )
    synced = rows[0].synced
    if (Math.random() < 0.1) log(`  ${synced}/${ORDERS} synced`)
  }
  const { rows: [calls] } = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'success')::int AS ok,
            count(*) FILTER (WHERE http_status = 429)::int AS too_many,
            count(*) FILTER (WHERE status = 'error' AND http_status IS DISTINCT FROM 429)::int AS other_errors,
            extract(epoch FROM max(created_at) - min(created_at))::float AS seconds
       FROM integration_log WHERE connection_id = 'erp' AND direction = 'out' AND created_at >= $1`,
    [phaseStart]
  )
  const { rows: [records] } = await db.query(
    `SELECT count(*) FILTER (WHERE status = 'synced')::int AS synced, count(*) FILTER (WHERE status = 'dead')::int AS dead
       FROM sync_record WHERE ${BACKLOG_RECORDS}`,
    [phaseStart]
  )
  for (const e of extra) await e.stop()
  const achieved = calls.seconds > 0 ? calls.ok / calls.seconds : 0
  return { instances, ...records, calls: calls.ok, seconds: calls.seconds, achieved, ratio: achieved / RATE, tooMany: calls.too_many, otherErrors: calls.other_errors, peakRss }
}

/** Runs P2 on a store started by the caller's `startDemoStore` and prints its table. */
export async function benchBacklog({ startDemoStore, databaseUrl, log }) {
  log(`starting a store with the sandbox ERP limited to ${RATE} calls/s, the connection's rate limit set to the same, Redis shared`)
  const store = await startDemoStore({
    name: "bench-backlog", port: 9204, pgPort: 54334, databaseUrl, freshDatabase: true, dropDatabaseOnStop: true, erp: "sandbox", build: false,
    env: {
      DEMO_ERP_VENDOR_RPS: String(RATE),
      INTEGRATION_REDIS_URL: REDIS_URL,
      INTEGRATION_ERP_CONNECTION_OPTIONS: JSON.stringify({ rateLimit: { requests: RATE, perSeconds: 1 } }),
    },
    log,
  })
  const { default: pg } = await import("pg")
  const db = new pg.Client({ connectionString: store.databaseUrl })
  await db.connect()
  try {
    const results = []
    for (const instances of [1, 2]) results.push(await drainPhase({ store, db, instances, port: 9204, log }))
    console.log(`\nP2, backlog drain: ${ORDERS} queued orders (2 ERP calls each) against an ERP allowing R = ${RATE} calls/s\n`)
    console.log("instances  synced  dead   calls   seconds  achieved/s  achieved/R  429s (after the first)  peak RSS")
    for (const r of results) {
      console.log(
        `${String(r.instances).padStart(9)}  ${String(r.synced).padStart(6)}  ${String(r.dead).padStart(4)}  ${String(r.calls).padStart(6)}  ` +
          `${r.seconds.toFixed(1).padStart(8)}  ${r.achieved.toFixed(1).padStart(10)}  ${r.ratio.toFixed(3).padStart(10)}  ` +
          `${String(r.tooMany).padStart(4)} (${String(Math.max(0, r.tooMany - 1)).padStart(4)})${" ".repeat(12)}  ${r.peakRss.toFixed(0).padStart(5)} MB`
      )
    }
    const met = results.every((r) => r.ratio >= 0.9 && r.tooMany <= 1 && r.synced === ORDERS)
    console.log(`goal: achieved ≥ 0.9 × R with no 429 after the first, every order synced → ${met ? "met" : "NOT met"}\n`)
    return results.map((r) => ({
      figure: `P2 backlog drain at the vendor's limit, ${r.instances} instance${r.instances > 1 ? "s" : ""}`,
      measured: `${r.ratio.toFixed(3)} of R, ${r.synced}/${ORDERS} synced, ${Math.max(0, r.tooMany - 1)} 429s after the first`,
      goal: "≥ 0.9 × R, no 429 after the first",
      met: r.ratio >= 0.9 && r.tooMany <= 1 && r.synced === ORDERS,
    }))
  } finally {
    await db.end()
    await store.stop()
  }
}
