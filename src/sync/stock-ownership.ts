import type { IStockLocationService, MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { inventoryOwner } from "../modules/integration-hub/options"
import { hubOf } from "./hub"

/** A stocked quantity someone asks Medusa to set: which item, at which location, to what. */
export type StockWrite = { inventory_item_id: string; location_id: string; stocked_quantity: number }

/**
 * Refuses writes of stocked quantities the ERP owns (sourceOfTruth.inventory): levels its import set, i.e. SKUs
 * the ERP knows at the locations it stocks. A write of the value the ERP already gave is let through (the admin
 * saving an unchanged form). Each refused write is recorded as a conflict (both values, both times, the winner, the
 * rule), then one error names every SKU and says where to change it. SKUs the ERP does not know stay Medusa's.
 */
export async function refuseWritesOfErpStock(container: MedusaContainer, writes: StockWrite[], actorId: string | null): Promise<void> {
  const hub = hubOf(container)
  const owner = inventoryOwner(hub.pluginOptions)
  if (!owner?.enabled || !writes.length) return
  const owned = await hub.listErpStockLevels({
    connection_id: owner.id,
    inventory_item_id: [...new Set(writes.map((w) => w.inventory_item_id))],
    location_id: [...new Set(writes.map((w) => w.location_id))],
  })
  const ownedBy = new Map(owned.map((o) => [`${o.inventory_item_id}|${o.location_id}`, o]))
  const refused = writes.flatMap((w) => {
    const level = ownedBy.get(`${w.inventory_item_id}|${w.location_id}`)
    return level && level.stocked !== w.stocked_quantity ? [{ write: w, level }] : []
  })
  if (!refused.length) return
  const now = new Date()
  const rule = `sourceOfTruth.inventory = "${hub.pluginOptions.sourceOfTruth.inventory}"`
  await hub.createConflictRecords(refused.map(({ write, level }) => ({
    entity: "inventory", entity_id: write.inventory_item_id, field: `stocked_quantity@${write.location_id}`, connection_id: owner.id,
    attempted_by: "medusa", winning_value: String(level.stocked), losing_value: String(write.stocked_quantity),
    winning_at: level.imported_at, losing_at: now, winner: owner.id, rule, actor_id: actorId,
  })))
  const locations = await container.resolve<IStockLocationService>(Modules.STOCK_LOCATION).listStockLocations({ id: [...new Set(refused.map((r) => r.write.location_id))] }, { select: ["id", "name"] })
  const where = new Map(locations.map((l) => [l.id, l.name]))
  const what = refused.map(({ write, level }) => `SKU ${level.sku} at ${where.get(write.location_id) ?? write.location_id} (${level.stocked} from the ERP, ${write.stocked_quantity} asked)`).join(", ")
  const every = owner.inventory.importEveryMinutes ? `every ${owner.inventory.importEveryMinutes} min, or ` : ""
  throw new MedusaError(
    MedusaError.Types.NOT_ALLOWED,
    `The stock of ${what} comes from ERP connection "${owner.id}" (${rule}): change it in the ERP; the next import (${every}POST /admin/integrations/inventory/import) brings it here. Nothing was changed; the attempt is recorded as a conflict.`
  )
}
