import type { IInventoryService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import type { ConnectionConfig } from "../modules/integration-hub/options"
import type { ErpProvider } from "../providers/types"
import { countedReservations } from "../workflows/import-inventory-from-erp/steps/plan-stock-levels"
import type { Drift, Found } from "./drift"
import { hubOf } from "./hub"

/**
 * ERP-owned stock: for each level the imports set, what an import would set now (the ERP's forecast, plus Medusa's
 * reservations of orders the ERP holds, as the import counts them) should be what Medusa stocks. A difference is a
 * change one side has not taken (an edit in Medusa, a change in the ERP not imported yet). The ERP owns stock: the
 * fix is to take its figures (a full import).
 */
export async function reconcileStock(container: MedusaContainer, connection: ConnectionConfig, erp: ErpProvider): Promise<Found> {
  const hub = hubOf(container)
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  const drifts: Drift[] = []
  let checked = 0
  const size = connection.inventory.batchSize
  for (let after = ""; ; ) {
    const rows = await hub.execute<{ location_id: string; sku: string; inventory_item_id: string }>(
      `SELECT location_id, sku, inventory_item_id FROM erp_stock_level
        WHERE connection_id = ? AND deleted_at IS NULL AND (location_id || '|' || sku) > ? ORDER BY location_id || '|' || sku LIMIT ?`,
      [connection.id, after, size]
    )
    if (!rows.length) break
    after = `${rows[rows.length - 1].location_id}|${rows[rows.length - 1].sku}`
    const byLocation = new Map<string, typeof rows>()
    rows.forEach((r) => byLocation.set(r.location_id, [...(byLocation.get(r.location_id) ?? []), r]))
    for (const [locationId, levels] of byLocation) {
      const warehouse = connection.inventory.locations?.[locationId] ?? null
      const current = await erp.getStockLevels(levels.map((l) => l.sku), { warehouse })
      const medusa = new Map(
        (await inventory.listInventoryLevels({ inventory_item_id: levels.map((l) => l.inventory_item_id), location_id: locationId }, { select: ["inventory_item_id", "stocked_quantity"] }))
          .map((l) => [l.inventory_item_id, Number(l.stocked_quantity)])
      )
      const counted = await countedReservations(container, connection.id, locationId, levels.map((l) => l.inventory_item_id))
      for (const level of levels) {
        checked += 1
        const erpLevel = current[level.sku]
        const reserved = counted.get(level.inventory_item_id) ?? 0
        const expected = erpLevel ? Math.max(0, Math.floor(erpLevel.forecast) + reserved) : null
        const stocked = medusa.get(level.inventory_item_id) ?? null
        if (expected === stocked) continue
        drifts.push({
          entity_type: "inventory_item", entity_id: level.inventory_item_id, kind: "stock",
          message: expected === null
            ? `SKU ${level.sku} at ${locationId}: ${connection.id} no longer has it, Medusa stocks ${stocked}`
            : `SKU ${level.sku} at ${locationId}: Medusa stocks ${stocked ?? "nothing"}, ${connection.id}'s figures give ${expected} (forecast ${Math.floor(erpLevel!.forecast)} + ${reserved} reserved by orders it holds)`,
          details: { sku: level.sku, location_id: locationId, medusa: stocked, erp: expected },
          fixes: ["accept", "ignore"],
        })
      }
    }
  }
  return { checked, drifts }
}
