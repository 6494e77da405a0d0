#!/usr/bin/env node
// `npm test`: installs what is missing (npm packages, the real peers), then runs the unit tests and the
// integration tests (Medusa's test runner on real PostgreSQL, the real Tryton ERP, Chromium for the admin UI).
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"

const strict = process.env.CI === "true" || process.env.REQUIRE_PEERS === "1"
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } }).status ?? 1
const must = (...args) => {
  const status = run(...args)
  if (status !== 0) process.exit(status)
}

if (!existsSync("node_modules/.bin/jest")) must("npm", ["ci", "--no-audit", "--no-fund"])
if (run("bash", ["scripts/ensure-peers.sh"]) !== 0) {
  if (strict) {
    console.error("[peers] a required peer is missing and CI/REQUIRE_PEERS forbids skipping")
    process.exit(1)
  }
  console.log("[peers] continuing: suites whose peer is missing will be skipped with a reason")
}

const env = {
  DB_HOST: process.env.DB_HOST ?? "localhost",
  DB_USERNAME: process.env.DB_USERNAME ?? "postgres",
  DB_PASSWORD: process.env.DB_PASSWORD ?? "",
  MEDUSA_DISABLE_TELEMETRY: "true",
  NODE_ENV: "test",
  // A passing run prints the runner's summary only: server logs at error level, no Node warnings about
  // experimental VM modules or pg's deprecations, console output of the app under test silenced (--silent).
  // Failures still print their assertion, expected and received. LOG_LEVEL=info and TEST_VERBOSE=1 bring it all back.
  LOG_LEVEL: process.env.LOG_LEVEL ?? "error",
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules --disable-warning=ExperimentalWarning --disable-warning=DeprecationWarning`.trim(),
}
const quiet = process.env.TEST_VERBOSE === "1" ? [] : ["--silent"]
// `npm test -- --selectProjects unit` (npm run test:unit) runs one project; other arguments go to jest as they are.
const args = process.argv.slice(2)
const only = args.includes("--selectProjects") ? args[args.indexOf("--selectProjects") + 1] : null
const filters = only ? args.filter((_, i) => i !== args.indexOf("--selectProjects") && i !== args.indexOf("--selectProjects") + 1) : args
// A path or name filter may match tests of one project only; the other must not fail for finding none.
const rest = filters.length ? [...filters, "--passWithNoTests"] : filters
if (!only || only === "unit") must("npx", ["jest", "--selectProjects", "unit", ...quiet, ...rest], env)
// One suite at a time (they share the Tryton database and fixed sandbox ports), in one worker that jest replaces
// once a finished suite leaves its heap above the limit: each suite boots a whole Medusa app whose modules stay
// reachable after teardown, and in one process for the whole run they outgrew V8's 4 GB heap (CI exit 134).
const memoryLimit = process.env.TEST_WORKER_MEMORY ?? "1200MB"
// A whole run builds the plugin and the demo store once; the suites that need them take those (MIH_PREBUILT).
if ((!only || only === "integration") && !filters.length) {
  const { buildDemo } = await import("./demo-store.mjs")
  buildDemo({ ...process.env, ...env })
  env.MIH_PREBUILT = "1"
}
if (!only || only === "integration")
  must("npx", ["jest", "--selectProjects", "integration", "--maxWorkers=1", `--workerIdleMemoryLimit=${memoryLimit}`, "--forceExit", ...quiet, ...rest], env)
