import type { MedusaContainer } from "@medusajs/framework/types"
import { drainDueSyncs, keepDraining } from "../sync/engine"
import { sweepMissingSyncs } from "../sync/sweep"

/** How long the job itself drains; a larger backlog goes on draining in the background. */
const JOB_BUDGET_MS = 20_000

/** Every minute: run due retries, then give a record to any entity that should have an effect and has none. */
export default async function retryDueSyncsJob(container: MedusaContainer) {
  const { exhausted } = await drainDueSyncs(container, { budgetMs: JOB_BUDGET_MS })
  await sweepMissingSyncs(container)
  if (exhausted) keepDraining(container)
}

export const config = { name: "integration-hub-retry-due-syncs", schedule: "* * * * *" }
