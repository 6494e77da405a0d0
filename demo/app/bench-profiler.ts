import { Session } from "node:inspector"
import { mkdirSync, writeFileSync } from "node:fs"
import path from "node:path"

/**
 * `BENCH_PROFILE=1 npm run bench`: a CPU profiler the benchmark turns on and off from outside, in the server and in
 * the worker alike (a worker has no HTTP routes). Loaded by medusa-config.ts only when BENCH_PROFILE_DIR is set,
 * which the benchmark sets for store processes only (not their builds or migrations). The process writes its pid
 * to <dir>/<role>.pid; SIGUSR2 starts V8's sampling profiler, the next SIGUSR2 stops it and writes
 * <dir>/<role>.cpuprofile (the format Chrome DevTools opens). <role>: MEDUSA_WORKER_MODE, "shared" when unset.
 */
export function installBenchProfiler(dir: string): void {
  const role = process.env.MEDUSA_WORKER_MODE || "shared"
  mkdirSync(dir, { recursive: true })
  writeFileSync(path.join(dir, `${role}.pid`), String(process.pid))
  let session: Session | null = null
  process.on("SIGUSR2", () => {
    if (!session) {
      session = new Session()
      session.connect()
      session.post("Profiler.enable", () => session?.post("Profiler.setSamplingInterval", { interval: 1000 }, () => session?.post("Profiler.start")))
      return
    }
    const running = session
    session = null
    running.post("Profiler.stop", (err, result) => {
      if (!err) writeFileSync(path.join(dir, `${role}.cpuprofile`), JSON.stringify(result.profile))
      running.disconnect()
    })
  })
}
