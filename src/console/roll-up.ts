import type { MedusaContainer } from "@medusajs/framework/types"
import { rollUpHealth } from "../modules/integration-hub/health-rollup"
import { hubOf } from "../sync/hub"

/** Rolls every configured connection's new calls up into its health buckets, with its circuit's state now. */
export function rollUpConnectionsHealth(container: MedusaContainer, now = new Date()) {
  const hub = hubOf(container)
  return rollUpHealth((sql, params) => hub.execute(sql, params), hub.listConnections().map((c) => c.id), {
    now,
    circuit: async (id) => (await hub.getGuard(id).breaker.snapshot()).state,
  })
}
