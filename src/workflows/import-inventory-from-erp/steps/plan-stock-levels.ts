import type { IInventoryService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ErpStockLevel } from "../../../providers/types"
import { hubOf } from "../../../sync/hub"
import { MedusaStockItem, planStockLevels, StockPlan } from "../plan"

export const planStockLevelsStepId = "plan-stock-levels"

export type PlanStockLevelsInput = { connection_id: string; location_id: string; levels: Array<ErpStockLevel & { sku: string }> }

/** The order module's generated list of order items (item → order), which its typed interface does not declare. */
type OrderItems = { listOrderItems(filters: { item_id: string[] }, config: { select: string[] }): Promise<Array<{ order_id: string; item_id: string }>> }

/**
 * Reads what Medusa holds for the ERP's SKUs at the location (the items, their levels, the reservations of orders
 * the ERP already counts) and plans the levels to write. Reads only: nothing to compensate.
 */
export const planStockLevelsStep = createStep(planStockLevelsStepId, async (input: PlanStockLevelsInput, { container }) => {
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  const skus = [...new Set(input.levels.map((l) => l.sku))]
  const items = skus.length ? await inventory.listInventoryItems({ sku: skus }, { select: ["id", "sku"] }) : []
  const ids = items.map((i) => i.id)
  const levels = ids.length
    ? await inventory.listInventoryLevels({ inventory_item_id: ids, location_id: input.location_id }, { select: ["id", "inventory_item_id", "stocked_quantity", "reserved_quantity"] })
    : []
  const levelOf = new Map(levels.map((l) => [l.inventory_item_id, { id: l.id, stocked_quantity: Number(l.stocked_quantity), reserved_quantity: Number(l.reserved_quantity) }]))
  const stockItems: MedusaStockItem[] = items.flatMap((i) => (i.sku ? [{ id: i.id, sku: i.sku, level: levelOf.get(i.id) ?? null }] : []))
  const plan: StockPlan = planStockLevels({
    locationId: input.location_id,
    levels: input.levels,
    items: stockItems,
    countedReservations: await countedReservations(container, input.connection_id, input.location_id, ids),
  })
  return new StepResponse(plan)
})

/**
 * Per inventory item: Medusa's reservations at the location for orders the ERP counts already: orders whose sale this
 * connection created (their order.create record is synced or linked) and whose sale the ERP's own figures count (it
 * processed it, `salesCountedInStock`). The ERP's forecast has those subtracted; a sale it holds unprocessed is not.
 */
export async function countedReservations(container: MedusaContainer, connectionId: string, locationId: string, itemIds: string[]): Promise<Map<string, number>> {
  const counted = new Map<string, number>()
  if (!itemIds.length) return counted
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  const reservations = (await inventory.listReservationItems({ inventory_item_id: itemIds, location_id: locationId }, { select: ["inventory_item_id", "line_item_id", "quantity"] }))
    .filter((r): r is typeof r & { line_item_id: string } => !!r.line_item_id)
  if (!reservations.length) return counted
  const orderItems = await (container.resolve(Modules.ORDER) as unknown as OrderItems).listOrderItems({ item_id: [...new Set(reservations.map((r) => r.line_item_id))] }, { select: ["order_id", "item_id"] })
  const orderOf = new Map(orderItems.map((i) => [i.item_id, i.order_id]))
  const orderIds = [...new Set(orderItems.map((i) => i.order_id))]
  const synced = await hubOf(container).listSyncRecords(
    { connection_id: connectionId, entity_type: "order", operation: "create", status: ["synced", "linked"], entity_id: orderIds },
    { select: ["entity_id", "external_id"] }
  )
  const erp = hubOf(container).getProvider(connectionId, "erp")
  const sales = synced.flatMap((r) => (r.external_id ? [r.external_id] : []))
  const counting = erp.salesCountedInStock && sales.length ? await erp.salesCountedInStock(sales) : null
  const inErp = new Set(synced.filter((r) => !counting || (r.external_id !== null && counting.has(r.external_id))).map((r) => r.entity_id))
  for (const r of reservations) {
    const order = orderOf.get(r.line_item_id)
    if (order && inErp.has(order)) counted.set(r.inventory_item_id, (counted.get(r.inventory_item_id) ?? 0) + Number(r.quantity))
  }
  return counted
}
