import type { MedusaContainer } from "@medusajs/framework/types"
import { hubOf } from "../sync/hub"

const DAY_MS = 24 * 3600_000

/**
 * Daily: removes integration log rows and rejected webhook deliveries older than the `logRetentionDays` option, in
 * batches; returns how many rows went. Accepted webhook events stay (their records point at them).
 */
export default async function purgeIntegrationLogsJob(container: MedusaContainer, now = new Date()) {
  const hub = hubOf(container)
  const before = new Date(now.getTime() - hub.pluginOptions.logRetentionDays * DAY_MS)
  return (await hub.purgeLogsBefore(before)) + (await hub.purgeRejectedWebhooksBefore(before))
}

export const config = { name: "integration-hub-purge-integration-logs", schedule: "17 3 * * *" }
