#!/usr/bin/env node
// The npm registry this project's machines reach serves only the platform binaries of this machine's kind
// (e.g. @swc/core-linux-x64-gnu, not -darwin-arm64). `npm install` then writes a lock without the other
// platforms' optional packages, and `npm ci` refuses that lock as out of sync. This adds the missing
// optional entries, with their os/cpu, so `npm ci` accepts the lock and skips them on this platform.
// Run after `npm install` changes package-lock.json: node scripts/lockfile-platforms.mjs
import { spawnSync } from "node:child_process"
import { readFileSync, writeFileSync } from "node:fs"

const OS = ["darwin", "linux", "win32", "android", "freebsd", "openbsd", "openharmony", "sunos", "aix", "netbsd"]
const CPU = { arm64: "arm64", x64: "x64", ia32: "ia32", arm: "arm", ppc64: "ppc64", s390x: "s390x", loong64: "loong64", riscv64: "riscv64" }

const lock = JSON.parse(readFileSync("package-lock.json", "utf8"))
let added = 0
for (const [path, pkg] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(pkg.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`
    if (lock.packages[key] || lock.packages[`${path}/${key}`]) continue
    const parts = name.split("/").pop().split("-")
    const os = parts.find((p) => OS.includes(p))
    const cpu = parts.map((p) => CPU[p]).find(Boolean)
    if (!os || !cpu || !/^\d+\.\d+\.\d+/.test(version)) continue
    lock.packages[key] = { version, ...(pkg.dev ? { dev: true } : {}), optional: true, os: [os], cpu: [cpu] }
    added++
  }
}
writeFileSync("package-lock.json", `${JSON.stringify(lock, null, 2)}\n`)
console.log(`added ${added} platform entries`)
const check = spawnSync("npm", ["ci", "--dry-run", "--no-audit", "--no-fund"], { encoding: "utf8" })
const missing = `${check.stdout}${check.stderr}`.split("\n").filter((l) => l.includes("Missing:"))
if (missing.length) {
  console.error(`npm ci still refuses the lock:\n${missing.join("\n")}`)
  process.exit(1)
}
console.log("npm ci accepts package-lock.json")
