import type { MedusaContainer } from "@medusajs/framework/types"
import { rollUpHealth } from "../modules/integration-hub/health-rollup"
import { hubOf } from "../sync/hub"

/**
 * Every 5 minutes: rolls each connection's new call-log rows up into its health buckets and snapshots its queue
 * and circuit into the last one (what the console's availability, charts and health report read).
 */
export default async function rollUpHealthJob(container: MedusaContainer, now = new Date()) {
  const hub = hubOf(container)
  return rollUpHealth((sql, params) => hub.execute(sql, params), hub.listConnections().map((c) => c.id), {
    now,
    circuit: async (id) => (await hub.getGuard(id).breaker.snapshot()).state,
  })
}

export const config = { name: "integration-hub-roll-up-health", schedule: "*/5 * * * *" }
