#!/usr/bin/env node
// `npm run faults`: does every order reach the real Tryton ERP exactly once when the ERP misbehaves and the store
// crashes? The demo store (a real Medusa store, real PostgreSQL, the plugin) talks to Tryton through a fault proxy
// (scripts/faults/proxy.mjs: 5xx, hangs, 429s, lost answers, one outage) while orders are placed through the
// Store API, `order.placed` is re-delivered twice per order out of order, and the store process is SIGKILLed and
// restarted mid-run. The faults stay on for a while after the last order, then heal; the suite waits for the
// store to converge and checks, straight against Tryton, that every order has exactly one sale.
// Exits 1 when an order is lost or duplicated or the store did not converge; with FAULTS_STRICT=1 also when a
// target is not met. `--ci`: the short mode (100 orders, one kill, a 20 s outage). `--workers`: two store processes,
// a server (the Store and Admin API) and a worker (events, jobs, syncs), on Medusa's Redis event bus, Redis workflow
// engine and Redis locking, sharing each connection's rate limit and circuit through Redis (FAULTS_REDIS_URL,
// default redis://127.0.0.1:6379/7, emptied first); the kills alternate, worker first. Env (overrides the mode):
// FAULTS_ORDERS, FAULTS_KILLS, FAULTS_OUTAGE_S, FAULTS_TAIL_S (faults kept on after the last order),
// FAULTS_CONVERGE_S (longest wait for convergence), FAULTS_CONCURRENCY, FAULTS_ORDERS_PER_MIN (the store's order rate;
// 0: as fast as the checkouts go), FAULTS_SEED, FAULTS_RATES (JSON, e.g.
// {"error":0.3}), INTEGRATION_ERP_CONNECTION_OPTIONS (JSON merged into the ERP connection), DATABASE_URL.
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
process.chdir(root)
const startedAt = Date.now()
/** A progress line, with the minutes:seconds since the suite started. */
const log = (m) => {
  const s = Math.round((Date.now() - startedAt) / 1000)
  console.log(`[faults] ${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")} ${m}`)
}
if (!existsSync("node_modules/.bin/medusa")) {
  log("installing dependencies (npm ci)")
  if (spawnSync("npm", ["ci", "--no-audit", "--no-fund"], { stdio: "inherit" }).status !== 0) process.exit(1)
}
if (spawnSync("sh", ["-c", "command -v trytond && command -v trytond-admin"], { stdio: "ignore" }).status !== 0) {
  log("trytond is missing: installing the real peers (scripts/ensure-peers.sh)")
  if (spawnSync("bash", ["scripts/ensure-peers.sh"], { stdio: "inherit" }).status !== 0 || spawnSync("sh", ["-c", "command -v trytond"], { stdio: "ignore" }).status !== 0) {
    console.error("[faults] the suite needs the real Tryton ERP (sudo apt-get install tryton-server tryton-modules-sale)")
    process.exit(1)
  }
}
const { startDemoStore, emptyRedis } = await import("./demo-store.mjs")
const { StoreClient, adminClient } = await import("../demo/storefront.mjs")
const { startFaultProxy, seededRandom, DEFAULT_RATES, IN_FLIGHT_MS } = await import("./faults/proxy.mjs")
const { createGate, createRedeliverer, placeOrders } = await import("./faults/load.mjs")
const { duplicateEvidence, listOrders, listSyncRecords, partiesByEmail, salesByReference, syncedOnce, waitForConvergence } = await import("./faults/verify.mjs")
const { groupReasons, printReport } = await import("./faults/report.mjs")

/** Ports of this suite's own processes: clear of the tests (8764/8765), the demo (9000) and the benchmark (92xx, 880x). */
const PORTS = { store: 9301, worker: 9302, pg: 54341, tryton: 8811, proxy: 8812 }
/**
 * Short calls and retries sized to a run of minutes (the plugin's defaults: 8 s calls, retries 30 s … 1 h); the
 * plugin's 30 attempts. No stock check: 1,000 orders sell more than the test Tryton has in stock.
 */
const DEFAULT_CONNECTION = { timeoutMs: 3_000, retry: { baseDelayMs: 2_000, maxDelayMs: 20_000, maxAttempts: 30 }, orderChecks: { stock: false } }
/** How long after its order a sync still counts as "synced while the faults were on". */
const WINDOW_S = 300
/**
 * The store's order rate while the faults are on: 20 a minute (1,200 an hour, a very busy shop). Under these faults
 * one Tryton on SQLite on 2 cores takes about 25 syncs a minute; faster than that, the queue grows without bound
 * and "synced within 5 minutes" measures only the load.
 */
const ORDERS_PER_MIN = 20
const MODES = {
  full: { orders: 1000, kills: 2, outageS: 60, tailS: WINDOW_S, convergeS: 600, ordersPerMin: ORDERS_PER_MIN },
  // CI keeps its run short: the short mode places its 100 orders a little faster than the ERP takes them.
  ci: { orders: 100, kills: 1, outageS: 20, tailS: 60, convergeS: 180, ordersPerMin: 30 },
}

/** The run's settings: the mode's, each overridable by its FAULTS_* variable. */
function readConfig() {
  const mode = process.argv.includes("--ci") ? "ci" : "full"
  const preset = MODES[mode]
  const num = (name, fallback) => {
    const raw = process.env[name]
    const value = raw === undefined || raw === "" ? fallback : Number(raw)
    if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a whole number ≥ 0, not "${raw}"`)
    return value
  }
  const json = (name, fallback) => (process.env[name] ? JSON.parse(process.env[name]) : fallback)
  return {
    mode,
    workers: process.argv.includes("--workers"),
    redisUrl: process.env.FAULTS_REDIS_URL || "redis://127.0.0.1:6379/7",
    orders: Math.max(1, num("FAULTS_ORDERS", preset.orders)),
    kills: num("FAULTS_KILLS", preset.kills),
    outageS: num("FAULTS_OUTAGE_S", preset.outageS),
    tailS: num("FAULTS_TAIL_S", preset.tailS),
    convergeS: num("FAULTS_CONVERGE_S", preset.convergeS),
    concurrency: Math.max(1, num("FAULTS_CONCURRENCY", 4)),
    ordersPerMin: num("FAULTS_ORDERS_PER_MIN", preset.ordersPerMin),
    seed: num("FAULTS_SEED", 1),
    rates: { ...DEFAULT_RATES, ...json("FAULTS_RATES", {}) },
    connection: json("INTEGRATION_ERP_CONNECTION_OPTIONS", DEFAULT_CONNECTION),
    strict: process.env.FAULTS_STRICT === "1",
  }
}

/** A database of its own next to DATABASE_URL's (like the benchmark's); none means embedded PostgreSQL. */
function databaseUrl() {
  if (!process.env.DATABASE_URL) return undefined
  const url = new URL(process.env.DATABASE_URL)
  url.pathname = `/${url.pathname.slice(1) || "medusa"}_faults`
  return url.toString()
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
const seconds = (ms) => Math.round(ms / 1000)

/**
 * Order counts after which the store is killed: evenly spread, but kept out of the middle, where the outage is (so
 * each fault's effect can be told apart): one kill at 35 %, two at 33 % and 67 %.
 */
function killPoints(orders, kills) {
  return Array.from({ length: kills }, (_, j) => {
    let f = (j + 1) / (kills + 1)
    if (f > 0.4 && f < 0.6) f = f <= 0.5 ? 0.35 : 0.65
    return Math.max(1, Math.round(orders * f))
  })
}

/**
 * Waits (at most `maxMs`) for the hub's first sweep, which records when it first saw the connection enabled: the
 * sweep recovers an order whose event a crash lost only when the order is younger than that, so no kill comes earlier.
 */
async function waitForFirstSweep(url, maxMs) {
  const { default: pg } = await import("pg")
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    for (const until = Date.now() + maxMs; ; await sleep(2_000)) {
      if ((await client.query("SELECT 1 FROM connection_state WHERE deleted_at IS NULL")).rowCount) return true
      if (Date.now() >= until) return false
    }
  } finally {
    await client.end()
  }
}

/** What the suite started, for the cleanup (also on failure and Ctrl-C). */
const resources = { proxy: null, starting: null, store: null, worker: null }

/** Stops the store (and the Tryton and PostgreSQL it started) and the proxy; waits for a store still starting. */
async function cleanup() {
  const store = resources.store ?? (await resources.starting?.catch(() => null))
  resources.starting = resources.store = null
  await store?.stop()
  await resources.proxy?.stop()
  resources.proxy = null
}

/** The last lines the store (and the worker) printed, for when something failed. */
function printStoreTail() {
  for (const [name, handle] of [["store", resources.store], ["worker", resources.worker]]) {
    const tail = (handle?.output ?? []).join("").split("\n").slice(-40).join("\n")
    if (tail.trim()) console.error(`[faults] last ${name} output:\n${tail}`)
  }
}

/** Places the orders with the faults on, the outage at half-way and the kills; returns what happened when. */
async function runFaultPhase({ config, proxy, store, worker, admin, client }) {
  const gate = createGate()
  const random = seededRandom(config.seed ^ 0x5eed)
  const redeliver = createRedeliverer({ admin, gate, random })
  const kills = killPoints(config.orders, config.kills)
  const timeline = { kills: [], outage: null }
  let killChain = Promise.resolve()
  let sweptOnce = false
  let placedSoFar = 0
  let outageDone = Promise.resolve()

  /**
   * Crashes a store process (SIGKILL: no shutdown hooks; the checkouts and syncs in flight are cut off) and restarts
   * it; new checkouts wait meanwhile, unless only the worker crashed (the server keeps taking orders). Before the hub's
   * first sweep, checkouts pause until it has run. With a worker, the kills alternate: the worker, then the server.
   */
  const crash = async () => {
    const target = worker && timeline.kills.length % 2 === 0 ? { name: "worker", process: worker } : { name: worker ? "server" : "store", process: store }
    if (!sweptOnce) sweptOnce = await waitForFirstSweep(store.databaseUrl, 0)
    if (!sweptOnce) {
      gate.close()
      log("checkouts paused until the hub's first sweep has run (before it, a crash could lose an order for good)")
      if (!(await waitForFirstSweep(store.databaseUrl, 90_000))) log("the hub's first sweep did not happen within 90 s; killing anyway")
      sweptOnce = true
      gate.open()
      await sleep(2_000) // checkouts in flight again when the kill comes
    }
    if (target.process === store) gate.close()
    const afterOrders = placedSoFar
    await target.process.kill("SIGKILL")
    const killedAt = Date.now()
    log(`SIGKILL to the ${target.name} after ${afterOrders} orders; restarting it`)
    try {
      await target.process.restart()
    } catch (err) {
      gate.abort(err)
      throw err
    }
    gate.open()
    timeline.kills.push({ target: target.name, afterOrders, restartS: seconds(Date.now() - killedAt) })
    log(`${target.name} back after ${seconds(Date.now() - killedAt)} s`)
  }

  const onPlaced = (n, order) => {
    placedSoFar = n
    redeliver.add(order.id)
    if (n % Math.max(1, Math.round(config.orders / 10)) === 0) log(`${n}/${config.orders} orders placed`)
    if (n === Math.ceil(config.orders / 2) && config.outageS > 0) {
      log(`ERP outage for ${config.outageS} s (every connection to the proxy is cut)`)
      timeline.outage = { afterOrders: n }
      outageDone = proxy.outage(config.outageS * 1000).then(() => log("outage over"))
    }
    if (kills.includes(n)) {
      killChain = killChain.then(crash)
      killChain.catch(() => {}) // awaited after the orders; a failed restart also fails the checkouts at once
    }
  }

  proxy.enable()
  log(`faults on; placing ${config.orders} orders, ${config.concurrency} at a time${config.ordersPerMin ? `, at most ${config.ordersPerMin} a minute` : ""}`)
  const started = Date.now()
  const intervalMs = config.ordersPerMin ? 60_000 / config.ordersPerMin : 0
  const { placed, failed, retried } = await placeOrders({ client, seed: store.seed, count: config.orders, concurrency: config.concurrency, gate, onPlaced, intervalMs })
  const lastOrderAt = Date.now()
  log(`${placed.length} orders placed in ${seconds(lastOrderAt - started)} s${failed.length ? ` (${failed.length} checkouts failed for good; the last: ${failed.at(-1).error})` : ""}`)
  await killChain

  // Checkouts cut off by a kill may have placed orders the suite never heard of: they get their re-deliveries too.
  const orders = await listOrders(admin)
  const known = new Set(placed.map((o) => o.id))
  for (const o of orders) if (!known.has(o.id)) redeliver.add(o.id)
  const redelivered = await redeliver.flush()
  log(`order.placed re-delivered ${redelivered.emitted} times, shuffled${redelivered.notEmitted ? ` (${redelivered.notEmitted} could not be emitted)` : ""}`)

  const healIn = lastOrderAt + config.tailS * 1000 - Date.now()
  if (healIn > 0) log(`faults stay on for ${seconds(healIn)} s more (${config.tailS} s after the last order)`)
  for (const until = lastOrderAt + config.tailS * 1000; Date.now() < until; ) {
    await sleep(Math.min(30_000, until - Date.now()))
    const { count } = await admin.request("GET", "/admin/integrations/sync-records?status=synced&limit=1")
    if (Date.now() < until) log(`with faults on: ${count}/${orders.length} synced`)
  }
  const duringFaults = proxy.counters()
  proxy.heal()
  const healedAt = Date.now()
  await outageDone
  log("faults off (healed); waiting for the store to converge")
  return { orders, placedBySuite: placed.length, failedCheckouts: failed, retriedCheckouts: retried, redelivered, timeline, healedAt, duringFaults }
}

/** The measurements of the table, read after convergence from Tryton (directly) and the admin API. */
async function measure({ config, proxy, store, admin, phase, convergence }) {
  const tryton = await store.tryton.session()
  const sales = await salesByReference(tryton)
  const parties = await partiesByEmail(tryton)
  const records = await listSyncRecords(admin)
  const ids = phase.orders.map((o) => o.id)
  const createdAt = new Map(phase.orders.map((o) => [o.id, new Date(o.created_at).getTime()]))
  const syncedDuringFaults = records.filter((r) => {
    if (r.entity_type !== "order" || r.operation !== "create" || !r.synced_at || !createdAt.has(r.entity_id)) return false
    const at = new Date(r.synced_at).getTime()
    return at <= phase.healedAt && at - createdAt.get(r.entity_id) <= WINDOW_S * 1000
  }).length
  const live = (id) => sales.get(`medusa:${id}`)?.live ?? 0
  const duplicated = ids.filter((id) => live(id) > 1)
  const counters = proxy.counters()
  const rateLimited = counters.rateLimit + counters.rateLimitInFlight + counters.rateLimitInWindow
  return {
    target: config.orders,
    placed: ids.length,
    windowS: WINDOW_S,
    syncedDuringFaults,
    exactlyOnce: syncedOnce(ids, sales),
    lost: ids.filter((id) => live(id) === 0).length,
    duplicatedSales: duplicated.length,
    duplicates: await duplicateEvidence(tryton, admin, duplicated),
    duplicatedParties: [...parties.values()].filter((n) => n > 1).length,
    dead: records.filter((r) => r.status === "dead"),
    unsettled: records.filter((r) => r.status !== "synced"),
    convergeS: convergence.converged ? seconds(convergence.at - phase.healedAt) : null,
    convergeCapS: config.convergeS,
    stuck: Boolean(convergence.stuck),
    rateLimit: { total: rateLimited, afterFirst: Math.max(0, rateLimited - 1), inFlight: counters.rateLimitInFlight, inFlightMs: IN_FLIGHT_MS, inWindow: counters.rateLimitInWindow },
    counters,
  }
}

/** The lines under the table that say how the run was made. */
function notes(config, phase, m, convergence) {
  const c = phase.duringFaults
  const share = (n) => `${n} (${c.requests ? ((100 * n) / c.requests).toFixed(1) : 0} %)`
  const statusCounts = m.unsettled.reduce((counts, r) => counts.set(r.status, (counts.get(r.status) ?? 0) + 1), new Map())
  const byStatus = [...statusCounts].map(([status, n]) => `${n} ${status}`).join(", ")
  return [
    `mode ${config.mode}: ${config.orders} orders, ${config.concurrency} checkouts at a time${config.ordersPerMin ? `, at most ${config.ordersPerMin} a minute` : ", as fast as they go"}, each order with its own e-mail (faults-<n>.<attempt>@example.com);`,
    `  ${phase.placedBySuite} placed by completed checkouts, ${m.placed - phase.placedBySuite} more by checkouts a kill cut off (found in the store); ` +
      `${phase.retriedCheckouts} checkout attempts failed and were made again${phase.failedCheckouts.length ? `, ${phase.failedCheckouts.length} orders never placed` : ""}`,
    `faults (seed ${config.seed}): ${Object.entries(config.rates).map(([k, v]) => `${k} ${Math.round(v * 100)} %`).join(", ")}; hangs closed after 60 s; Retry-After: 1`,
    `while the faults were on the proxy saw ${c.requests} calls: ${share(c.error)} 5xx, ${share(c.hang)} hangs, ${share(c.rateLimit)} random 429s, ` +
      `${share(c.rateLimitInFlight + c.rateLimitInWindow)} 429s inside a Retry-After window (${c.rateLimitInFlight} of them within ${IN_FLIGHT_MS} ms of the 429 that opened it), ${share(c.lostAnswer)} lost answers, ${share(c.outage)} cut by the outage, ${share(c.passed)} passed; ` +
      `after healing ${m.counters.requests - c.requests} more`,
    `outage: ${config.outageS} s from order ${phase.timeline.outage?.afterOrders ?? "-"}; kills (SIGKILL): ${phase.timeline.kills.map((k) => `the ${k.target} after order ${k.afterOrders} (back in ${k.restartS} s)`).join(", ") || "none"}`,
    config.workers
      ? `two processes: a server (Store and Admin API) and a worker (events, jobs, syncs) on Medusa's Redis event bus, workflow engine and locking; rate limit and circuit shared in Redis (${config.redisUrl})`
      : "one store process (Medusa's in-memory event bus and workflow engine)",
    `order.placed re-delivered ${phase.redelivered.emitted} times (2 per order, shuffled across orders)`,
    `ERP connection (INTEGRATION_ERP_CONNECTION_OPTIONS): ${JSON.stringify(config.connection)}`,
    `faults stayed on ${config.tailS} s after the last order; "synced within ${WINDOW_S / 60} min" counts a sync made before healing and at most ${WINDOW_S} s after its order`,
    ...(convergence.stuck ? ["convergence stopped early: no record was left to run by itself (none pending, running or with a retry scheduled)"] : []),
    ...(m.unsettled.length
      ? [`sync records not synced at the end: ${byStatus}; why: ${groupReasons(m.unsettled).slice(0, 3).map(([reason, n]) => `${n} × ${reason}`).join("; ")}`]
      : []),
  ]
}

async function main() {
  const config = readConfig()
  log(`mode ${config.mode}${config.workers ? " with a worker" : ""}: ${config.orders} orders, ${config.kills} kill(s), a ${config.outageS} s outage, faults on ${config.tailS} s after the last order, convergence awaited ≤ ${config.convergeS} s`)
  log(`ERP connection options: ${JSON.stringify(config.connection)} (short timeout, retries sized to minutes)`)
  const proxy = (resources.proxy = await startFaultProxy({ target: `http://127.0.0.1:${PORTS.tryton}`, port: PORTS.proxy, seed: config.seed, rates: config.rates }).catch((err) => {
    // The proxy's port doubles as the suite's lock: a second run would reset the first one's Tryton and store.
    throw err.code === "EADDRINUSE" ? new Error(`port ${PORTS.proxy} is in use: is another \`npm run faults\` running? (it uses ports ${Object.values(PORTS).join(", ")})`) : err
  }))
  log(`fault proxy on ${proxy.url} in front of Tryton on 127.0.0.1:${PORTS.tryton} (healed until the orders start)`)
  if (config.workers) await emptyRedis(config.redisUrl, "--workers (FAULTS_REDIS_URL)")
  resources.starting = startDemoStore({
    name: "faults", port: PORTS.store, pgPort: PORTS.pg, trytonPort: PORTS.tryton, erp: "tryton",
    databaseUrl: databaseUrl(), freshDatabase: true, dropDatabaseOnStop: true, log,
    env: {
      TRYTON_URL: proxy.url, INTEGRATION_ERP_CONNECTION_OPTIONS: JSON.stringify(config.connection), DEMO_DEV_EVENTS: "true",
      // The suite measures the order path; no invoice per sale (as in the runs whose figures the README shows).
      TRYTON_INVOICE_METHOD: "manual",
      ...(config.workers ? { DEMO_REDIS_URL: config.redisUrl, MEDUSA_WORKER_MODE: "server" } : {}),
    },
  })
  const store = (resources.store = await resources.starting)
  let worker = null
  if (config.workers) {
    log(`starting the worker process on port ${PORTS.worker} (MEDUSA_WORKER_MODE=worker)`)
    worker = resources.worker = await store.startInstance(PORTS.worker, { MEDUSA_WORKER_MODE: "worker" })
  }
  const base = `http://127.0.0.1:${PORTS.store}`
  const admin = await adminClient(base, store.admin.email, store.admin.password)
  // The re-deliveries need the demo's dev route; fail now rather than after the orders.
  await admin.request("POST", "/admin/dev/events", { events: [{ name: "faults.ready", data: {} }] })
  const client = new StoreClient(base, store.seed.publishableKey)

  const phase = await runFaultPhase({ config, proxy, store, worker, admin, client })
  const convergence = await waitForConvergence({
    admin, openTryton: () => store.tryton.session(), orderIds: phase.orders.map((o) => o.id), maxMs: config.convergeS * 1000, log,
  })
  log(convergence.converged ? `converged ${seconds(convergence.at - phase.healedAt)} s after healing` : "did not converge")
  const m = await measure({ config, proxy, store, admin, phase, convergence })
  const rows = printReport(m, notes(config, phase, m, convergence))
  const hardFailed = rows.filter((r) => r.hard && !r.met)
  const softFailed = rows.filter((r) => !r.hard && r.met === false)
  if (hardFailed.length) {
    log(`FAILED: ${hardFailed.map((r) => r.label).join("; ")}`)
    printStoreTail()
    return 1
  }
  if (config.strict && softFailed.length) {
    log(`FAILED (FAULTS_STRICT=1): targets not met: ${softFailed.map((r) => r.label.trim()).join("; ")}`)
    return 1
  }
  log(`invariants hold${softFailed.length ? `; targets not met: ${softFailed.map((r) => r.label.trim()).join("; ")}` : "; every target met"}`)
  return 0
}

let interrupted = false
let cleaning = null
/** One cleanup, however many ways (the end of the run, a failure, a signal) ask for it. */
const cleanupOnce = () => (cleaning ??= cleanup())
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, async () => {
    if (interrupted) return
    interrupted = true
    log(`${signal}: stopping everything the suite started`)
    await cleanupOnce()
    process.exit(130)
  })
}

let code = 1
try {
  code = await main()
} catch (err) {
  // After a signal, failures are the cleanup pulling the store away: not worth printing.
  if (!interrupted) {
    console.error(`[faults] ${err.stack ?? err}`)
    printStoreTail()
  }
}
await cleanupOnce()
process.exit(interrupted ? 130 : code)
