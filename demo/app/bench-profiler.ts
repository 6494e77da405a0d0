import { Session } from "node:inspector"
import { mkdirSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import path from "node:path"

type Query = (this: unknown, config: unknown, ...rest: unknown[]) => unknown

/**
 * Counts the SQL statements this process sends while `counting()` says so, by statement shape (literals and
 * parameters taken out): pg's Client.query, as knex (MikroORM) calls it, wrapped once.
 */
function countQueries(counting: () => boolean): Map<string, number> {
  const counts = new Map<string, number>()
  const pg = createRequire(require.resolve("knex"))("pg") as { Client: { prototype: { query: Query } } }
  const query = pg.Client.prototype.query
  pg.Client.prototype.query = function (this: unknown, config: unknown, ...rest: unknown[]) {
    if (counting()) {
      const text = typeof config === "string" ? config : String((config as { text?: unknown } | null)?.text ?? "")
      const shape = text.replace(/\s+/g, " ").replace(/'(?:[^']|'')*'/g, "?").replace(/\$\d+|\b\d+\b/g, "?").replace(/(\?, )+\?/g, "…").slice(0, 160)
      counts.set(shape, (counts.get(shape) ?? 0) + 1)
    }
    return query.call(this, config, ...rest)
  }
  return counts
}

/**
 * `BENCH_PROFILE=1 npm run bench`: a CPU profiler the benchmark turns on and off from outside, in the server and in
 * the worker alike (a worker has no HTTP routes). Loaded by medusa-config.ts only when BENCH_PROFILE_DIR is set,
 * which the benchmark sets for store processes only (not their builds or migrations). The process writes its pid
 * to <dir>/<role>.pid; SIGUSR2 starts V8's sampling profiler, the next SIGUSR2 stops it and writes
 * <dir>/<role>.cpuprofile (the format Chrome DevTools opens) and <role>.queries.json (the SQL statements sent
 * meanwhile, counted by shape). <role>: MEDUSA_WORKER_MODE, "shared" when unset.
 */
export function installBenchProfiler(dir: string): void {
  const role = process.env.MEDUSA_WORKER_MODE || "shared"
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, `${role}.pid`), String(process.pid))
  let session: Session | null = null
  const queries = countQueries(() => session !== null)
  process.on("SIGUSR2", () => {
    if (!session) {
      queries.clear()
      session = new Session()
      session.connect()
      session.post("Profiler.enable", () => session?.post("Profiler.setSamplingInterval", { interval: 1000 }, () => session?.post("Profiler.start")))
      return
    }
    const running = session
    session = null
    running.post("Profiler.stop", (err, result) => {
      writeFileSync(path.join(dir, `${role}.queries.json`), JSON.stringify(Object.fromEntries(queries)))
      if (!err) writeFileSync(path.join(dir, `${role}.cpuprofile`), JSON.stringify(result.profile))
      running.disconnect()
    })
  })
}
