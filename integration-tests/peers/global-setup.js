const tryton = require("./tryton")

const requirePeers = process.env.REQUIRE_PEERS === "1" || process.env.CI === "true"

module.exports = async function globalSetup() {
  if (!tryton.available()) {
    if (requirePeers) {
      throw new Error("Tryton (trytond) is not installed and REQUIRE_PEERS/CI demands it: run .ci/run or see README 'Tests'")
    }
    console.log("\n[peers] trytond not installed: suites that need the real Tryton ERP will be skipped (install: see README)\n")
    process.env.TRYTON_PEER = "missing"
    return
  }
  const state = await tryton.start()
  process.env.TRYTON_PEER = "up"
  console.log(`\n[peers] Tryton ${state.url}/${state.database} up (pid ${state.pid})\n`)
}
