import type { MedusaContainer } from "@medusajs/framework/types"
import { requestEffect } from "./engine"
import { SHIPMENT_IMPORT } from "./erp-shipments"
import { hubOf } from "./hub"

/** The shipment-import record of a connection (one per connection: each look is a run of it). */
const importRecord = async (container: MedusaContainer, connectionId: string) =>
  (await hubOf(container).listSyncRecords({ ...SHIPMENT_IMPORT, entity_id: connectionId, connection_id: connectionId }))[0] ?? null

/**
 * Starts each shipping ERP's look for completed shipments when `shipmentImportEveryMinutes` have passed since the
 * last one; a failed look is left to its retries. Returns the connections it started.
 */
export async function importShipmentsIfDue(container: MedusaContainer, now = Date.now()): Promise<string[]> {
  const hub = hubOf(container)
  const started: string[] = []
  for (const c of hub.listConnections({ kind: "erp", enabledOnly: true }).filter((c) => c.fulfilment === "erp")) {
    const record = await importRecord(container, c.id)
    if (record && !["synced", "skipped"].includes(record.status)) continue
    const last = record?.synced_at ?? record?.updated_at
    if (last && now - new Date(last).getTime() < c.shipmentImportEveryMinutes * 60_000) continue
    await requestEffect(container, { ...SHIPMENT_IMPORT, entity_id: c.id }, { trigger: "sweep" })
    started.push(c.id)
  }
  return started
}
