import type { MedusaContainer } from "@medusajs/framework/types"
import { runDueSyncs } from "../lib/sync/engine"
import { sweepMissingSyncs } from "../lib/sync/sweep"

/** Every minute: run due retries, then give a sync record to any order that has none. */
export default async function retryDueSyncsJob(container: MedusaContainer) {
  await runDueSyncs(container)
  await sweepMissingSyncs(container)
}

export const config = { name: "integration-hub-retry-due-syncs", schedule: "* * * * *" }
