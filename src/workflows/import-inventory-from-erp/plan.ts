import type { ErpStockLevel } from "../../providers/types"

/** A Medusa inventory item with its level at the location being imported (none when it has no level there). */
export type MedusaStockItem = { id: string; sku: string; level: { id: string; stocked_quantity: number; reserved_quantity: number } | null }

export type StockPlan = {
  create: Array<{ inventory_item_id: string; location_id: string; stocked_quantity: number }>
  update: Array<{ id: string; inventory_item_id: string; location_id: string; stocked_quantity: number }>
  /** SKUs whose level already shows the ERP's stock. */
  unchanged: number
  /** SKUs the ERP reported that Medusa does not sell (no inventory item with that SKU). */
  erpOnly: string[]
  /** Levels that would be negative (the ERP has promised more than it holds): set to 0. */
  clamped: string[]
  /** Every SKU of the page Medusa sells, as imported (the ERP's levels from now on). */
  imported: Array<{ sku: string; inventory_item_id: string; forecast: number; counted_reserved: number; stocked: number }>
}

/**
 * Medusa's stocked quantity for each SKU the ERP reported: what the ERP can still promise (its forecast: on hand,
 * less every sale it has planned to ship, plus what it expects to receive) plus Medusa's reservations for orders
 * the ERP already counts among those planned sales (orders synced to it and not yet shipped by Medusa). Medusa
 * subtracts all its reservations from the stocked quantity, so what it still sells is the ERP's forecast less the
 * orders the ERP has not heard of yet: an order is never counted twice, whether it is in flight, planned in the ERP
 * or already shipped there. Only levels that differ are written.
 */
export function planStockLevels(input: {
  locationId: string
  levels: Array<ErpStockLevel & { sku: string }>
  items: MedusaStockItem[]
  /** Per inventory item id: the quantity Medusa reserves at this location for orders the ERP counts. */
  countedReservations: Map<string, number>
}): StockPlan {
  const bySku = new Map(input.items.map((i) => [i.sku, i]))
  const plan: StockPlan = { create: [], update: [], unchanged: 0, erpOnly: [], clamped: [], imported: [] }
  for (const level of input.levels) {
    const item = bySku.get(level.sku)
    if (!item) {
      plan.erpOnly.push(level.sku)
      continue
    }
    const forecast = Math.floor(level.forecast)
    const counted = input.countedReservations.get(item.id) ?? 0
    const stocked = Math.max(0, forecast + counted)
    if (forecast + counted < 0) plan.clamped.push(level.sku)
    plan.imported.push({ sku: level.sku, inventory_item_id: item.id, forecast, counted_reserved: counted, stocked })
    if (!item.level) plan.create.push({ inventory_item_id: item.id, location_id: input.locationId, stocked_quantity: stocked })
    else if (item.level.stocked_quantity !== stocked) plan.update.push({ id: item.level.id, inventory_item_id: item.id, location_id: input.locationId, stocked_quantity: stocked })
    else plan.unchanged++
  }
  return plan
}
