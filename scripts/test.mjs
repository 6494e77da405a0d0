#!/usr/bin/env node
// `npm test`: installs what is missing, then runs unit and integration tests (real PostgreSQL + real Tryton).
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"

const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { stdio: "inherit", env: { ...process.env, ...env } })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

if (!existsSync("node_modules/.bin/jest")) run("npm", ["ci", "--no-audit", "--no-fund"])

const env = {
  DB_HOST: process.env.DB_HOST ?? "localhost",
  DB_USERNAME: process.env.DB_USERNAME ?? "postgres",
  DB_PASSWORD: process.env.DB_PASSWORD ?? "",
  MEDUSA_DISABLE_TELEMETRY: "true",
  NODE_ENV: "test",
  LOG_LEVEL: process.env.LOG_LEVEL ?? "warn",
  NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --experimental-vm-modules`.trim(),
}
run("npx", ["jest", "--selectProjects", "unit", ...process.argv.slice(2)], env)
run("npx", ["jest", "--selectProjects", "integration", "--runInBand", "--forceExit", ...process.argv.slice(2)], env)
