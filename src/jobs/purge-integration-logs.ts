import type { MedusaContainer } from "@medusajs/framework/types"
import { purgeHealthBucketsBefore } from "../modules/integration-hub/health-rollup"
import { hubOf } from "../sync/hub"

const DAY_MS = 24 * 3600_000
/** The console's health buckets are kept 13 months: a year's health report compares with the same month before. */
const BUCKET_RETENTION_DAYS = 397

/**
 * Daily: removes integration log rows and rejected webhook deliveries older than the `logRetentionDays` option, in
 * batches, and health buckets older than 13 months; returns how many rows went. Accepted webhook events stay (their
 * records point at them).
 */
export default async function purgeIntegrationLogsJob(container: MedusaContainer) {
  // Medusa passes its step context after the container: the time is taken here, never from an argument.
  const now = new Date()
  const hub = hubOf(container)
  const before = new Date(now.getTime() - hub.pluginOptions.logRetentionDays * DAY_MS)
  const bucketsBefore = new Date(now.getTime() - BUCKET_RETENTION_DAYS * DAY_MS)
  return (
    (await hub.purgeLogsBefore(before)) +
    (await hub.purgeRejectedWebhooksBefore(before)) +
    (await purgeHealthBucketsBefore((sql, params) => hub.execute(sql, params), bucketsBefore))
  )
}

export const config = { name: "integration-hub-purge-integration-logs", schedule: "17 3 * * *" }
