// What `npm run bench` measures with: percentiles, the CPU seconds a store's processes spent (read from /proc), V8
// CPU profiles taken over the measured window (BENCH_PROFILE=1; demo/app/bench-profiler.ts) and their heaviest
// frames, and the ERP calls per sale read from the hub's call log.
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs"
import path from "node:path"

/** The p-th percentile (nearest rank) of `values`. */
export const percentile = (values, p) => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]
}

/** Clock ticks per second of /proc/<pid>/stat's times (USER_HZ: 100 on every Linux the bench runs on). */
const TICKS = 100

/** CPU seconds (user + system) of every live process in these process groups (a store: npx and Medusa's server). */
export function cpuSeconds(groups) {
  const wanted = new Set(groups)
  let ticks = 0
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue
    let stat
    try {
      stat = readFileSync(`/proc/${entry}/stat`, "utf8")
    } catch {
      continue // exited meanwhile
    }
    // Fields after the command (which may hold spaces): state ppid pgrp … utime(14) stime(15).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ")
    if (wanted.has(Number(fields[2]))) ticks += Number(fields[11]) + Number(fields[12])
  }
  return ticks / TICKS
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

/** Runs `fn` with a client of the store's database, closed afterwards. */
export async function withDatabase(databaseUrl, fn) {
  const { default: pg } = await import("pg")
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * One storefront checkout of a blue shirt by `email`, shipping priced by the carrier connection where the plugin is
 * installed (a connection of every kind shows its cost).
 */
export const benchOrder = (client, seed, address, email) =>
  client.checkout({ regionId: seed.regionId, email, items: [{ variant_id: seed.variants["Blue shirt"], quantity: 1 }], address, shipping: "carrier" })

/** The profiled processes of one store: the pid files its processes wrote in `dir`, by role (shared | server | worker). */
function profiledPids(dir) {
  if (!existsSync(dir)) return new Map()
  return new Map(
    readdirSync(dir)
      .filter((f) => f.endsWith(".pid"))
      .map((f) => [f.slice(0, -4), Number(readFileSync(path.join(dir, f), "utf8"))])
  )
}

/** Starts the profiler in every process of the store that profiles into `dir`. */
export function startProfiles(dir) {
  for (const role of profiledPids(dir).keys()) rmSync(path.join(dir, `${role}.cpuprofile`), { force: true })
  for (const pid of profiledPids(dir).values()) process.kill(pid, "SIGUSR2")
}

/** Stops them; resolves with each process's profile and the SQL statements it sent meanwhile by shape, by role. */
export async function stopProfiles(dir) {
  const pids = profiledPids(dir)
  for (const pid of pids.values()) process.kill(pid, "SIGUSR2")
  const profiles = new Map()
  for (const role of pids.keys()) {
    const file = path.join(dir, `${role}.cpuprofile`)
    for (let waited = 0; waited < 100 && !existsSync(file); waited++) await sleep(100)
    // The file is written in one call; give it a moment to be complete.
    await sleep(200)
    const queries = path.join(dir, `${role}.queries.json`)
    if (existsSync(file)) {
      profiles.set(role, { file, profile: JSON.parse(readFileSync(file, "utf8")), queries: existsSync(queries) ? JSON.parse(readFileSync(queries, "utf8")) : {} })
    }
  }
  return profiles
}

/** Where a frame's code lives, in a reader's words: the hub, a Medusa package, a library, Node. */
export function areaOf(url) {
  if (!url) return "(V8: GC, idle, native)"
  // The plugin's build (the demo app links it; Node reports the real path), not the demo app's own build.
  if (/medusa-integration-hub\/|(?<!\/demo\/app)\/\.medusa\/server\/src\//.test(url)) return "medusa-integration-hub"
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/g)?.pop()?.replace("node_modules/", "")
  if (pkg) return pkg
  if (url.startsWith("node:")) return "node"
  return url.replace(/^file:\/\//, "")
}

/** Self time per node id of a .cpuprofile (samples × their time deltas), in ms. */
function selfTimes(profile) {
  const self = new Map()
  const { samples = [], timeDeltas = [] } = profile
  for (let i = 0; i < samples.length; i++) self.set(samples[i], (self.get(samples[i]) ?? 0) + (timeDeltas[i] ?? 0) / 1000)
  return self
}

/** The heaviest functions by self time and the areas they belong to, skipping idle and program time. */
export function summarizeProfile(profile, top = 15) {
  const self = selfTimes(profile)
  const frames = new Map()
  const areas = new Map()
  let busy = 0
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0
    const { functionName, url, lineNumber } = node.callFrame
    if (!ms || functionName === "(idle)" || functionName === "(program)") continue
    busy += ms
    const area = functionName === "(garbage collector)" ? "(garbage collector)" : areaOf(url)
    areas.set(area, (areas.get(area) ?? 0) + ms)
    const key = `${functionName || "(anonymous)"}  ${url ? `${shortUrl(url)}:${lineNumber + 1}` : ""}`
    frames.set(key, (frames.get(key) ?? 0) + ms)
  }
  const sorted = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top)
  return { busyMs: busy, frames: sorted(frames), areas: sorted(areas) }
}

const shortUrl = (url) => url.replace(/^file:\/\//, "").replace(/^.*node_modules\//, "").replace(/^.*\/\.medusa\/server\/src\//, "hub:")

/**
 * The ERP calls of each sale the hub created since `since`: the average per sale, for sales of a new customer (the
 * party was created) and of a returning one, and per operation; and every sync run the orders caused.
 */
export function erpCallsPerSale(databaseUrl, since, connectionId = "erp") {
  return withDatabase(databaseUrl, async (client) => {
    // One row per sale and operation (a sale without calls: one row, no operation).
    const { rows } = await client.query(
      `SELECT r.id, l.operation, count(l.id)::int AS calls
         FROM sync_record r LEFT JOIN integration_log l ON l.sync_record_id = r.id AND l.deleted_at IS NULL AND l.direction = 'out'
        WHERE r.deleted_at IS NULL AND r.connection_id = $1 AND r.entity_type = 'order' AND r.operation = 'create'
          AND r.status = 'synced' AND r.created_at >= $2
        GROUP BY r.id, l.operation`,
      [connectionId, since]
    )
    const saleOf = new Map()
    const byOperation = new Map()
    for (const row of rows) {
      const sale = saleOf.get(row.id) ?? { calls: 0, new_customer: false }
      sale.calls += row.calls
      sale.new_customer ||= row.operation?.endsWith("party.party.create") ?? false
      saleOf.set(row.id, sale)
      if (row.operation) byOperation.set(row.operation, (byOperation.get(row.operation) ?? 0) + row.calls)
    }
    const sales = [...saleOf.values()]
    // Every sync the orders caused (any connection, any operation), to show what a placed order sets going.
    const { rows: runs } = await client.query(
      `SELECT r.connection_id || ' ' || r.entity_type || '.' || r.operation AS what, count(*)::int AS runs
         FROM sync_run s JOIN sync_record r ON r.id = s.sync_record_id AND r.deleted_at IS NULL
        WHERE s.deleted_at IS NULL AND s.created_at >= $1 GROUP BY 1 ORDER BY 2 DESC`,
      [since]
    )
    const mean = (list) => (list.length ? list.reduce((sum, s) => sum + s.calls, 0) / list.length : null)
    const n = sales.length
    return {
      sales: n,
      perSale: mean(sales) ?? 0,
      newCustomer: { sales: sales.filter((s) => s.new_customer).length, perSale: mean(sales.filter((s) => s.new_customer)) },
      returning: { sales: sales.filter((s) => !s.new_customer).length, perSale: mean(sales.filter((s) => !s.new_customer)) },
      byOperation: [...byOperation].sort((x, y) => y[1] - x[1]).map(([operation, calls]) => ({ operation, perSale: n ? calls / n : 0 })),
      runs: runs.map((r) => ({ what: r.what, perSale: n ? r.runs / n : 0 })),
    }
  })
}
