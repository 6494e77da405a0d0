import type { MedusaContainer } from "@medusajs/framework/types"
import { runDueSyncs } from "../sync/engine"
import { sweepMissingSyncs } from "../sync/sweep"

/** Every minute: run due retries, then give a record to any entity that should have an effect and has none. */
export default async function retryDueSyncsJob(container: MedusaContainer) {
  await runDueSyncs(container)
  await sweepMissingSyncs(container)
}

export const config = { name: "integration-hub-retry-due-syncs", schedule: "* * * * *" }
