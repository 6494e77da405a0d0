import type { MedusaContainer } from "@medusajs/framework/types"
import { rollUpConnectionsHealth } from "../console/roll-up"

/**
 * Every 5 minutes: rolls each connection's new call-log rows up into its health buckets and snapshots its queue
 * and circuit into the last one (what the console's availability, charts and health report read).
 */
export default async function rollUpHealthJob(container: MedusaContainer) {
  await rollUpConnectionsHealth(container)
}

export const config = { name: "integration-hub-roll-up-health", schedule: "*/5 * * * *" }
