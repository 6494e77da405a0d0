#!/usr/bin/env node
// `npm run compat`: does the package as published boot in a fresh store on the newest Medusa 2.x the registry
// serves? Builds and packs the plugin, installs the tarball into a new store next to the newest @medusajs/*
// releases (the plugin's other peers resolve from its ranges, as in any store), migrates a fresh PostgreSQL
// database, starts the store and checks the hub's tables and admin routes: every route README.md documents must
// be there (Medusa's own 404 fails the run; any answer of the hub's, its own 404 included, shows the route exists),
// and the tarball must hold every compiled source file. Removes everything it created.
// Database: DB_HOST (default localhost), DB_PORT (5432), DB_USERNAME (postgres), DB_PASSWORD; the user needs CREATEDB.
import { spawn } from "node:child_process"
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import net from "node:net"
import os from "node:os"
import path from "node:path"
import { ROOT, buildPlugin, dropDatabase, ensureDatabase, run, stopChild, waitForHealth } from "./demo-store.mjs"
import { documentedRoutes } from "./documented-routes.mjs"

const TAIL = 40
/** What a minimal store installs itself (create-medusa-app, plus the default plugin @medusajs/medusa loads). */
const STORE_PACKAGES = ["@medusajs/medusa", "@medusajs/framework", "@medusajs/cli", "@medusajs/admin-sdk", "@medusajs/draft-order"]
/** What loads medusa-config.ts, at the versions this repository uses. */
const TS_LOADER = ["ts-node", "typescript", "@swc/core"]

const plugin = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8"))
const started = Date.now()
const say = (line) => console.log(`compat: ${line} (${Math.round((Date.now() - started) / 1000)} s)`)
const env = { ...process.env, MEDUSA_DISABLE_TELEMETRY: "true" }

/** The newest release of `name` within `range`, as the registry serves it. */
function newest(name, range) {
  const out = JSON.parse(run("npm", ["view", `${name}@${range}`, "version", "--json"]))
  const versions = [out].flat()
  const key = (v) => v.split(".").map(Number)
  return versions.sort((a, b) => key(a).reduce((d, x, i) => d || x - key(b)[i], 0)).at(-1)
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = net.createServer().once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

function databaseUrl(name) {
  const user = encodeURIComponent(process.env.DB_USERNAME || "postgres")
  const password = process.env.DB_PASSWORD ? `:${encodeURIComponent(process.env.DB_PASSWORD)}` : ""
  return `postgres://${user}${password}@${process.env.DB_HOST || "localhost"}:${process.env.DB_PORT || "5432"}/${name}`
}

async function tablesIn(url) {
  const { default: pg } = await import("pg")
  const client = new pg.Client({ connectionString: url })
  await client.connect()
  try {
    const { rows } = await client.query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'")
    return new Set(rows.map((r) => r.table_name))
  } finally {
    await client.end()
  }
}

const MEDUSA_CONFIG = `import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: "http://localhost:8000",
      adminCors: "http://localhost:9000",
      authCors: "http://localhost:9000",
      jwtSecret: "compat-jwt-secret",
      cookieSecret: "compat-cookie-secret",
    },
  },
  admin: { disable: true },
  plugins: [
    {
      resolve: "${plugin.name}",
      options: { connections: [{ id: "erp", kind: "erp", provider: "sandbox", options: {} }] },
    },
  ],
})
`

/**
 * The compiled files of src/ (admin, tests and type declarations aside) the tarball lacks. `medusa plugin:build`
 * leaves out any path with a segment named `test`, `unit-tests` or `integration-tests`, whatever it holds.
 */
function missingFromTarball(packedPaths) {
  const packed = new Set(packedPaths)
  return readdirSync(path.join(ROOT, "src"), { recursive: true })
    .map((file) => file.split(path.sep).join("/"))
    .filter((file) => /\.tsx?$/.test(file) && !/\.d\.ts$|\.spec\.tsx?$/.test(file) && !/^admin\/|(^|\/)__tests__\//.test(file))
    .map((file) => `.medusa/server/src/${file.replace(/\.tsx?$/, ".js")}`)
    .filter((file) => !packed.has(file))
}

/** A value for a documented route's `:param`: the store's connection where one is meant, else an id nothing has. */
const paramValue = (previous, name) => (name === "connection_id" || previous === "connections" ? "erp" : `compat_missing_${name}`)

/**
 * Calls `method route` as the admin (the webhook route without a session, as a vendor would). A 404 whose body is
 * not JSON is Medusa's router ("Cannot POST …"): no such route. The hub's own 404 is JSON (`{ type, message }`).
 */
async function callRoute(base, token, { method, route }) {
  const segments = route.split("/")
  const url = base + segments.map((s, i) => (s.startsWith(":") ? paramValue(segments[i - 1], s.slice(1)) : s)).join("/")
  const headers = route.startsWith("/admin/") ? { authorization: `Bearer ${token}` } : {}
  const init = method === "GET" ? { method, headers } : { method, headers: { ...headers, "content-type": "application/json" }, body: "{}" }
  const res = await fetch(url, init)
  const text = await res.text()
  let json = true
  try {
    JSON.parse(text)
  } catch {
    json = false
  }
  const said = /<pre>([^<]*)<\/pre>/.exec(text)?.[1] ?? text
  return { status: res.status, missing: res.status === 404 && !json, body: said.replace(/\s+/g, " ").trim().slice(0, 120) }
}

const cleanups = []
let storeOutput = []

async function main() {
  const versions = Object.fromEntries(STORE_PACKAGES.map((name) => [name, newest(name, "2")]))
  const medusa = versions["@medusajs/medusa"]
  say(`newest 2.x: ${Object.entries(versions).map(([n, v]) => `${n} ${v}`).join(", ")}`)

  buildPlugin(env)
  const packDir = mkdtempSync(path.join(os.tmpdir(), "mih-compat-pack-"))
  cleanups.push(() => rmSync(packDir, { recursive: true, force: true }))
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", packDir], { env }))
  const tarball = path.join(packDir, packed.filename)
  say(`built and packed ${packed.filename} (${packed.entryCount} files, ${Math.round(packed.size / 1024)} kB)`)
  // Not thrown at once: the routes checked below name what a store owner would meet.
  const failures = []
  const unpacked = missingFromTarball(packed.files.map((f) => f.path))
  if (unpacked.length) failures.push(`the tarball lacks ${unpacked.join(", ")}`)
  else say("the tarball holds every compiled file of src/")

  const store = mkdtempSync(path.join(os.tmpdir(), "mih-compat-store-"))
  cleanups.push(() => rmSync(store, { recursive: true, force: true }))
  const dev = plugin.devDependencies
  writeFileSync(
    path.join(store, "package.json"),
    `${JSON.stringify(
      {
        name: "compat-store",
        private: true,
        dependencies: { ...versions, [plugin.name]: `file:${tarball}` },
        devDependencies: Object.fromEntries(TS_LOADER.map((name) => [name, dev[name]])),
      },
      null,
      2
    )}\n`
  )
  writeFileSync(
    path.join(store, "tsconfig.json"),
    `${JSON.stringify({ compilerOptions: { target: "ES2021", module: "Node16", moduleResolution: "Node16", esModuleInterop: true, skipLibCheck: true }, "ts-node": { swc: true } }, null, 2)}\n`
  )
  writeFileSync(path.join(store, "medusa-config.ts"), MEDUSA_CONFIG)
  run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error"], { cwd: store, env, tail: TAIL })
  const installed = (name) => JSON.parse(readFileSync(path.join(store, "node_modules", name, "package.json"), "utf8")).version
  const peers = Object.keys(plugin.peerDependencies).map((name) => `${name} ${installed(name)}`)
  say(`installed a fresh store with the tarball; the plugin's peers resolved to ${peers.join(", ")}`)

  const url = databaseUrl(`mih_compat_${Date.now()}`)
  await ensureDatabase(url)
  cleanups.push(() => dropDatabase(url))
  const storeEnv = { ...env, DATABASE_URL: url, NODE_ENV: "production", LOG_LEVEL: "warn" }
  run("npx", ["medusa", "db:migrate"], { cwd: store, env: storeEnv, tail: TAIL })
  const expected = JSON.parse(readFileSync(path.join(ROOT, "src/modules/integration-hub/migrations/.snapshot-integration-hub.json"), "utf8")).tables.map((t) => t.name)
  const tables = await tablesIn(url)
  const missing = expected.filter((t) => !tables.has(t))
  if (missing.length) throw new Error(`db:migrate did not create the hub's tables ${missing.join(", ")}`)
  say(`migrated a fresh database; the hub's tables are there: ${expected.join(", ")}`)

  const admin = { email: "compat@example.com", password: `compat-${process.pid}-${Date.now()}` }
  run("npx", ["medusa", "user", "-e", admin.email, "-p", admin.password], { cwd: store, env: storeEnv, tail: TAIL })
  const port = await freePort()
  const child = spawn("npx", ["medusa", "start"], { cwd: store, env: { ...storeEnv, PORT: String(port) }, stdio: ["ignore", "pipe", "pipe"], detached: true })
  const keep = (chunk) => {
    storeOutput.push(...chunk.toString().split("\n").filter((l) => l && !/nodedir/.test(l)))
    storeOutput = storeOutput.slice(-500)
  }
  child.stdout.on("data", keep)
  child.stderr.on("data", keep)
  cleanups.push(() => stopChild(child))
  const base = `http://localhost:${port}`
  await waitForHealth(base, child)
  say(`medusa start answers ${base}/health`)

  const anonymous = await fetch(`${base}/admin/integrations/sync-records`)
  if (anonymous.status !== 401) throw new Error(`GET /admin/integrations/sync-records without a session answered ${anonymous.status}, want 401`)
  // Medusa authenticates all of /admin before routing, so 401 alone does not show the route exists: ask as an admin too.
  const login = await fetch(`${base}/auth/user/emailpass`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(admin) })
  const { token } = await login.json()
  if (!token) throw new Error(`admin login answered ${login.status}`)
  const listed = await fetch(`${base}/admin/integrations/sync-records`, { headers: { authorization: `Bearer ${token}` } })
  const body = await listed.json().catch(() => null)
  if (listed.status !== 200 || !Array.isArray(body?.sync_records)) {
    throw new Error(`GET /admin/integrations/sync-records as an admin answered ${listed.status} ${JSON.stringify(body)}, want 200 with sync_records`)
  }
  say("GET /admin/integrations/sync-records: 401 without a session, 200 with sync_records as an admin")

  const routes = documentedRoutes(readFileSync(path.join(ROOT, "README.md"), "utf8"))
  const answers = []
  for (const route of routes) {
    const answer = await callRoute(base, token, route)
    answers.push(`${route.method} ${route.route} ${answer.status}`)
    if (answer.missing) failures.push(`${route.method} ${route.route}, documented in README.md, is not a route of the installed plugin (404 ${answer.body})`)
  }
  say(`the ${routes.length} routes README.md documents answered: ${answers.join(", ")}`)
  // Only as good as telling Medusa's 404 apart: a path that is no route (beside the `[action]` one) must read as missing.
  const nowhere = { method: "POST", route: "/admin/integrations/connections/:id/compat-no-such-route" }
  const probe = await callRoute(base, token, nowhere)
  if (!probe.missing) failures.push(`POST ${nowhere.route}, no route, answered ${probe.status} ${probe.body}: Medusa's own 404 is no longer told apart`)
  else say(`POST ${nowhere.route}, no route, answered Medusa's 404 (${probe.body})`)
  if (failures.length) throw new Error(failures.join("\n"))
  say("no documented route is missing")
  return medusa
}

async function cleanup() {
  for (const fn of cleanups.reverse()) await Promise.resolve().then(fn).catch((err) => console.error(`compat: cleanup: ${err.message}`))
}

// Stopped from outside (Ctrl-C, CI's timeout): the store runs in its own process group, so stop it here.
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    console.error(`compat: ${signal}: cleaning up`)
    await cleanup()
    process.exit(1)
  })
}

try {
  const medusa = await main()
  await cleanup()
  say("stopped the store, dropped the database, removed the temporary directories")
  console.log(`compat: plugin ${plugin.version} boots on @medusajs/medusa ${medusa}`)
} catch (err) {
  console.error(`compat: FAILED: ${err.message}`)
  if (storeOutput.length) console.error(`--- last ${TAIL} lines of the store's output ---\n${storeOutput.slice(-TAIL).join("\n")}`)
  await cleanup()
  process.exit(1)
}
