import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { INTEGRATION_HUB_MODULE } from "../../modules/integration-hub"
import type IntegrationHubModuleService from "../../modules/integration-hub/service"
import type { SyncIntent } from "../../modules/integration-hub/service"
import { processSyncRecord } from "./engine"
import { syncOperation } from "./operations"

/** How far back the first sweep of a process looks for orders that never got a sync record. */
export const SWEEP_LOOKBACK_MS = 7 * 24 * 3600_000
/** Later sweeps look at orders changed since the previous sweep started, with this much overlap. */
export const SWEEP_OVERLAP_MS = 5 * 60_000
const PAGE = 200

/** When this process's last complete sweep started: later sweeps only read orders changed since. */
let lastSweepStartedAt: Date | null = null

/**
 * Catch-up: gives a sync record to every recent placed order (and every canceled one) that has none
 * on an enabled ERP connection, then runs it, so no sync depends on an event having arrived.
 * The first sweep of a process reads the last seven days; later ones only the orders changed (placed or
 * canceled) since the previous sweep, so a busy store is not re-read every minute.
 * Returns the number of records it created.
 */
export async function sweepMissingSyncs(container: MedusaContainer, now = new Date()): Promise<number> {
  const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const connections = hub.listConnections({ kind: syncOperation("order", "create").kind, enabledOnly: true })
  if (!connections.length) return 0

  const since = lastSweepStartedAt
    ? new Date(lastSweepStartedAt.getTime() - SWEEP_OVERLAP_MS)
    : new Date(now.getTime() - SWEEP_LOOKBACK_MS)
  let created = 0
  for (let skip = 0; ; skip += PAGE) {
    const { data: orders } = await query.graph({
      entity: "order",
      fields: ["id", "status"],
      filters: { updated_at: { $gte: since } },
      pagination: { skip, take: PAGE, order: { updated_at: "ASC" } },
    })
    const placed = orders.filter((o) => o.status !== "draft")
    if (placed.length) {
      const existing = await hub.listSyncRecords(
        { entity_type: "order", entity_id: placed.map((o) => o.id) },
        { select: ["connection_id", "entity_id", "operation"] }
      )
      const have = new Set(existing.map((r) => `${r.connection_id}|${r.entity_id}|${r.operation}`))
      const missing: SyncIntent[] = []
      for (const order of placed) {
        const operations = order.status === "canceled" ? ["create", "cancel"] : ["create"]
        for (const connection of connections) {
          for (const operation of operations) {
            if (have.has(`${connection.id}|${order.id}|${operation}`)) continue
            missing.push({
              connection_id: connection.id,
              entity_type: "order",
              entity_id: order.id,
              operation,
              external_ref: syncOperation("order", operation).externalRef(order.id),
            })
          }
        }
      }
      if (missing.length) {
        const records = await hub.ensureSyncRecords(missing)
        created += missing.length
        // create before cancel: a canceled order's create record is skipped, then the cancel finds nothing.
        for (const record of records) await processSyncRecord(container, record.id)
      }
    }
    if (orders.length < PAGE) {
      lastSweepStartedAt = now
      return created
    }
  }
}
