// P1 for `npm run bench`: does the plugin slow checkout, and what does it cost the store? Two identical demo stores —
// one with medusa-integration-hub and a connection of every kind (the ERP: the real Tryton when installed, else the
// sandbox; the sandbox carrier pricing the checkout's shipping; the sandbox gateway; the sandbox CRM), one without
// the plugin (flat-rate shipping) — take storefront checkouts through the Store API, alternating one order each.
// Measured side by side, in one process per store ("single") and as Medusa's server + worker pair ("split":
// projectConfig.workerMode, Redis event bus, workflow engine and locking; the checkout hits the server, the syncs
// run on the worker): p50/p95 of cart completion and of the whole checkout and their ratios, the CPU seconds every
// process of each store spent over the measured orders (until their syncs settled), and the ERP calls per sale.
// BENCH_PROFILE=1 also takes a V8 CPU profile of each store process over the same window and prints its heaviest
// frames and the SQL statements per order, by shape. Then P6 and P3 in the store with the plugin
// (bench-latency.mjs). Nothing here asserts.
import { mkdirSync, rmSync } from "node:fs"
import { emptyRedis } from "./demo-store.mjs"
import { benchOrder, cpuSeconds, erpCallsPerSale, percentile, startProfiles, stopProfiles, summarizeProfile } from "./bench-cpu.mjs"
import { placedToConfirmed, pluginAgainstBare, reportLatency, reportPluginAgainstBare } from "./bench-latency.mjs"

const P6_ORDERS = Number(process.env.BENCH_P6_ORDERS ?? 60)
const P6_RATE = Number(process.env.BENCH_P6_RATE ?? 1)
const P3_ORDERS = Number(process.env.BENCH_P3_ORDERS ?? 20)

/** Redis databases of the split deployment, one per store (their queues must not mix), emptied first. */
const REDIS = { with: "redis://127.0.0.1:6379/8", without: "redis://127.0.0.1:6379/9" }

/**
 * Starts one store of the pair: one process ("single"), or a server and a worker ("split"). Returns the handle, its
 * process groups (for the CPU count) and its profile directory.
 */
async function startStore({ startDemoStore, databaseUrl, log, deployment, withPlugin, ports, build }) {
  const key = withPlugin ? "with" : "without"
  const profileDir = `/tmp/mih-bench-profile/${deployment}-${key}`
  rmSync(profileDir, { recursive: true, force: true })
  const profileEnv = process.env.BENCH_PROFILE === "1" ? { BENCH_PROFILE_DIR: profileDir } : {}
  const split = deployment === "split"
  if (split) await emptyRedis(REDIS[key], "the split deployment")
  const handle = await startDemoStore({
    name: `bench-${key}`, port: ports.server, pgPort: withPlugin ? 54331 : 54332, trytonPort: 8801,
    databaseUrl: databaseUrl(`bench_${key}`), freshDatabase: true, dropDatabaseOnStop: true, withPlugin, build, log,
    // No stock check: the benchmark sells more than the test Tryton has in stock.
    env: {
      // DEMO_DEV_EVENTS: P3's bare workflow route.
      ...(withPlugin ? { INTEGRATION_ERP_CONNECTION_OPTIONS: JSON.stringify({ orderChecks: { stock: false } }), DEMO_DEV_EVENTS: "true" } : {}),
      ...(split ? { DEMO_REDIS_URL: REDIS[key] } : {}),
    },
    serverEnv: { ...profileEnv, ...(split ? { MEDUSA_WORKER_MODE: "server" } : {}) },
  })
  const groups = [handle.pid()]
  if (split) {
    const worker = await handle.startInstance(ports.worker, { ...profileEnv, MEDUSA_WORKER_MODE: "worker" })
    groups.push(worker.pid())
  }
  return { handle, groups: () => groups, profileDir }
}

/** Runs P1 in one deployment; returns its figures for the summary table. */
export async function benchCheckout({ startDemoStore, StoreClient, adminClient, DEMO_ADDRESS, databaseUrl, log, deployment, orders, warmup, build, stores }) {
  log(`${deployment}: starting the store WITH the plugin and a connection of every kind${deployment === "split" ? " (server + worker)" : ""}`)
  const withPlugin = await startStore({ startDemoStore, databaseUrl, log, deployment, withPlugin: true, ports: { server: 9201, worker: 9211 }, build })
  stores.push(withPlugin.handle)
  log(`${deployment}: starting the same store WITHOUT the plugin`)
  const without = await startStore({ startDemoStore, databaseUrl, log, deployment, withPlugin: false, ports: { server: 9202, worker: 9212 }, build: false })
  stores.push(without.handle)
  const pair = [
    { label: `with plugin (${withPlugin.handle.erp} ERP, carrier, gateway, CRM)`, store: withPlugin, complete: [], checkout: [] },
    { label: "without plugin", store: without, complete: [], checkout: [] },
  ]
  for (const s of pair) s.client = new StoreClient(s.store.handle.url, s.store.handle.seed.publishableKey)
  const orderOn = async (s, i, record) => {
    const started = performance.now()
    // Each shopper orders twice, half a run apart: a returning customer the ERP already knows (the adapter's party
    // cache keeps 60 s, so in a short run the second sale finds it there, in a long one asks Tryton once).
    const email = `bench-${typeof i === "number" ? i % Math.max(1, Math.ceil(orders / 2)) : i}@example.com`
    const order = await benchOrder(s.client, s.store.handle.seed, DEMO_ADDRESS, email)
    if (record) {
      s.checkout.push(performance.now() - started)
      s.complete.push(s.client.lastCompleteMs)
    }
    return order
  }

  const admin = await adminClient(withPlugin.handle.url, withPlugin.handle.admin.email, withPlugin.handle.admin.password)
  /** Waits (≤ 180 s) until the ERP has `count` synced sales, so the CPU window holds every sync of its orders. */
  const settled = async (count) => {
    let synced = 0
    for (let waited = 0; waited < 180; waited++) {
      synced = (await admin.request("GET", "/admin/integrations/sync-records?status=synced&connection_id=erp&limit=1")).count
      if (synced >= count) break
      await new Promise((r) => setTimeout(r, 1000))
    }
    return synced
  }

  log(`${deployment}: warming up (${warmup} orders per store)`)
  for (let i = 0; i < warmup; i++) for (const s of pair) await orderOn(s, `warm-${i}`, false)
  await settled(warmup)
  const since = new Date()
  const cpuBefore = pair.map((s) => cpuSeconds(s.store.groups()))
  if (process.env.BENCH_PROFILE === "1") for (const s of pair) startProfiles(s.store.profileDir)
  log(`${deployment}: measuring ${orders} checkouts per store, alternating (the first store of each pair alternates too)`)
  for (let i = 0; i < orders; i++) {
    for (const s of i % 2 === 0 ? pair : [...pair].reverse()) await orderOn(s, i, true)
    if ((i + 1) % 50 === 0) log(`${i + 1}/${orders}`)
  }
  // Let the plugin's syncs finish, then check that they did: speed must not come from skipping work.
  const synced = await settled(orders + warmup)
  const cpu = pair.map((s, i) => cpuSeconds(s.store.groups()) - cpuBefore[i])
  const profiles = process.env.BENCH_PROFILE === "1" ? await Promise.all(pair.map((s) => stopProfiles(s.store.profileDir))) : null
  const calls = withPlugin.handle.databaseUrl ? await erpCallsPerSale(withPlugin.handle.databaseUrl, since) : null

  const row = (label, values) =>
    `${label.padEnd(34)} p50 ${percentile(values, 50).toFixed(1).padStart(7)} ms   p95 ${percentile(values, 95).toFixed(1).padStart(7)} ms`
  const [a, b] = pair
  const ratio = (p, key) => percentile(a[key], p) / percentile(b[key], p)
  const perOrderMs = (seconds) => (seconds / orders) * 1000
  const hubCpuMs = perOrderMs(cpu[0] - cpu[1])
  console.log(`\nP1 (${deployment === "split" ? "server + worker" : "one process"}): storefront checkout through the Store API, ${orders} orders per store, alternating, one run:\n`)
  console.log("cart completion (POST /store/carts/:id/complete)")
  for (const s of pair) console.log(`  ${row(s.label, s.complete)}`)
  console.log("whole checkout (cart, shipping, payment session, complete)")
  for (const s of pair) console.log(`  ${row(s.label, s.checkout)}`)
  console.log(`
ratio with/without plugin — cart completion: p50 ${ratio(50, "complete").toFixed(3)}, p95 ${ratio(95, "complete").toFixed(3)}
                          — whole checkout:  p50 ${ratio(50, "checkout").toFixed(3)}, p95 ${ratio(95, "checkout").toFixed(3)}
CPU of the store's processes over the measured orders and their syncs: with ${cpu[0].toFixed(1)} s (${perOrderMs(cpu[0]).toFixed(0)} ms/order), without ${cpu[1].toFixed(1)} s (${perOrderMs(cpu[1]).toFixed(0)} ms/order) → the plugin: ${hubCpuMs.toFixed(0)} ms per order
orders synced to the ERP by the plugin: ${synced} of ${orders + warmup}${calls ? `; ERP calls per sale: ${describeCalls(calls)} (${calls.byOperation.map((o) => `${o.operation} ${o.perSale.toFixed(1)}`).join(", ")})` : ""}${calls ? `\nsync runs per order: ${calls.runs.map((r) => `${r.what} ${r.perSale.toFixed(2)}`).join(", ")}` : ""}
`)
  if (profiles) printProfiles(pair, profiles, orders)
  const name = deployment === "split" ? "server + worker" : "one process"
  // The store without the plugin has nothing to add to P6 and P3: it stops first.
  await without.handle.stop()
  const later = []
  if (withPlugin.handle.databaseUrl && P6_ORDERS > 0) {
    const placed = await placedToConfirmed({ client: a.client, seed: withPlugin.handle.seed, databaseUrl: withPlugin.handle.databaseUrl, address: DEMO_ADDRESS, orders: P6_ORDERS, rate: P6_RATE, log, label: deployment })
    later.push(reportLatency(placed, P6_ORDERS, P6_RATE, name))
  }
  if (withPlugin.handle.databaseUrl && withPlugin.handle.erp === "tryton" && deployment === "single" && P3_ORDERS > 0) {
    const runs = await pluginAgainstBare({ client: a.client, admin, seed: withPlugin.handle.seed, databaseUrl: withPlugin.handle.databaseUrl, address: DEMO_ADDRESS, orders: P3_ORDERS, log, label: deployment })
    later.push(reportPluginAgainstBare(runs, name))
  }
  await withPlugin.handle.stop()
  stores.length = 0
  return [
    { figure: `P1 cart completion p50 / p95, ${name}`, measured: `${ratio(50, "complete").toFixed(3)} / ${ratio(95, "complete").toFixed(3)}`, goal: "≤ 1.05", met: ratio(50, "complete") <= 1.05 && ratio(95, "complete") <= 1.05 },
    { figure: `P1 whole checkout p50 / p95, ${name}`, measured: `${ratio(50, "checkout").toFixed(3)} / ${ratio(95, "checkout").toFixed(3)}`, goal: "(shown)", met: null },
    { figure: `CPU per order of the plugin, ${name}`, measured: `${hubCpuMs.toFixed(0)} ms (${perOrderMs(cpu[0]).toFixed(0)} vs ${perOrderMs(cpu[1]).toFixed(0)})`, goal: "≤ 100 ms", met: hubCpuMs <= 100 },
    ...(calls ? [{ figure: `ERP calls per sale (${withPlugin.handle.erp}), ${name}`, measured: describeCalls(calls), goal: "≤ 5 (returning customer)", met: calls.returning.perSale !== null && calls.returning.perSale <= 5 }] : []),
    ...later,
  ]
}

/** "5.0 returning customer, 7.0 new customer": the mean calls of each kind of sale. */
const describeCalls = (calls) =>
  [["returning customer", calls.returning], ["new customer", calls.newCustomer]]
    .filter(([, kind]) => kind.sales)
    .map(([label, kind]) => `${kind.perSale.toFixed(2)} ${label}`)
    .join(", ")

/** Each profiled process's heaviest areas and frames by self time (the files open in Chrome DevTools), and its SQL. */
function printProfiles(pair, profiles, orders) {
  const statements = profiles.map((byRole) => {
    const all = new Map()
    for (const { queries } of byRole.values()) for (const [shape, n] of Object.entries(queries)) all.set(shape, (all.get(shape) ?? 0) + n)
    return all
  })
  const total = (m) => [...m.values()].reduce((a, b) => a + b, 0)
  console.log(`SQL statements per order, every process of the store: with the plugin ${(total(statements[0]) / orders).toFixed(1)}, without ${(total(statements[1]) / orders).toFixed(1)}; the plugin's most frequent (per order):`)
  const added = [...statements[0]].map(([shape, n]) => [shape, (n - (statements[1].get(shape) ?? 0)) / orders]).filter(([, n]) => n > 0.05).sort((a, b) => b[1] - a[1])
  for (const [shape, n] of added.slice(0, 25)) console.log(`  ${n.toFixed(2).padStart(6)}  ${shape}`)
  console.log("")
  for (const [i, s] of pair.entries()) {
    for (const [role, { file, profile }] of profiles[i]) {
      const { busyMs, frames, areas } = summarizeProfile(profile)
      console.log(`CPU profile, ${s.label}, ${role} process (${file}): busy ${(busyMs / 1000).toFixed(1)} s`)
      console.log("  by package (self time):")
      for (const [area, ms] of areas) console.log(`    ${(ms / 1000).toFixed(2).padStart(7)} s  ${((ms / busyMs) * 100).toFixed(1).padStart(5)} %  ${area}`)
      console.log("  heaviest functions (self time):")
      for (const [frame, ms] of frames) console.log(`    ${(ms / 1000).toFixed(2).padStart(7)} s  ${frame}`)
      console.log("")
    }
  }
}

mkdirSync("/tmp/mih-bench-profile", { recursive: true })
