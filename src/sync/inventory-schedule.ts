import type { MedusaContainer } from "@medusajs/framework/types"
import { inventoryOwner } from "../modules/integration-hub/options"
import { requestEffect } from "./engine"
import { hubOf } from "./hub"

const IMPORT = { entity_type: "inventory", operation: "import" } as const

/** The stock import record of a connection (one per connection: each import is a run of it). */
export const stockImportRecord = async (container: MedusaContainer, connectionId: string) =>
  (await hubOf(container).listSyncRecords({ ...IMPORT, entity_id: connectionId, connection_id: connectionId }))[0] ?? null

/**
 * Starts the owner's stock import when it is due: `inventory.importEveryMinutes` after the last one finished. An
 * import that failed is left to its retries (with their backoff), not started again on top. Returns whether one ran.
 */
export async function importInventoryIfDue(container: MedusaContainer, now = Date.now()): Promise<boolean> {
  const hub = hubOf(container)
  const owner = inventoryOwner(hub.pluginOptions)
  if (!owner?.enabled || owner.inventory.importEveryMinutes === 0) return false
  const record = await stockImportRecord(container, owner.id)
  if (record && !["synced", "skipped"].includes(record.status)) return false
  const last = record?.synced_at ?? record?.updated_at
  if (last && now - new Date(last).getTime() < owner.inventory.importEveryMinutes * 60_000) return false
  await requestEffect(container, { ...IMPORT, entity_id: owner.id }, { trigger: "sweep" })
  return true
}

/**
 * Staff (or the ERP, through its webhook) asked for an import now: runs it at once, a full one when asked, and
 * returns its record as it is afterwards; null when no enabled ERP connection owns inventory.
 */
export async function importInventoryNow(container: MedusaContainer, opts: { full?: boolean; trigger?: "manual" | "webhook" } = {}) {
  const hub = hubOf(container)
  const owner = inventoryOwner(hub.pluginOptions)
  if (!owner?.enabled) return null
  if (opts.full) await hub.requireFullStockImport(owner.id)
  await requestEffect(container, { ...IMPORT, entity_id: owner.id }, { trigger: opts.trigger ?? "manual" })
  return stockImportRecord(container, owner.id)
}
