import type { MedusaContainer } from "@medusajs/framework/types"
import { drainDueSyncs, keepDraining } from "../sync/engine"
import { sweepMissingSyncs } from "../sync/sweep"

/** How long the job itself drains; a larger backlog, and retries coming due before the next run, go on in the background. */
const JOB_BUDGET_MS = 20_000

/**
 * Every minute: run due retries, give a record to any entity that should have an effect and has none, then leave
 * the rest to the background drain (a backlog, and retries due within the minute, each run when it comes due).
 */
export default async function retryDueSyncsJob(container: MedusaContainer) {
  await drainDueSyncs(container, { budgetMs: JOB_BUDGET_MS })
  await sweepMissingSyncs(container)
  keepDraining(container)
}

/**
 * Every minute by default; INTEGRATION_HUB_RETRY_SCHEDULE (a cron expression) changes it. The integration tests
 * set a weekly one: they run the job themselves, so the scheduler cannot race their assertions. Keep the next run
 * within 24 days: Medusa's in-memory scheduler cannot wait longer (its timer fires at once, again and again).
 */
export const config = { name: "integration-hub-retry-due-syncs", schedule: process.env.INTEGRATION_HUB_RETRY_SCHEDULE || "* * * * *" }
