import type { MedusaContainer } from "@medusajs/framework/types"
import { hubOf } from "../sync/hub"

const DAY_MS = 24 * 3600_000

/** Daily: removes integration log rows older than the `logRetentionDays` option, in batches. */
export default async function purgeIntegrationLogsJob(container: MedusaContainer, now = new Date()) {
  const hub = hubOf(container)
  return hub.purgeLogsBefore(new Date(now.getTime() - hub.pluginOptions.logRetentionDays * DAY_MS))
}

export const config = { name: "integration-hub-purge-integration-logs", schedule: "17 3 * * *" }
