import { writeFileSync } from "node:fs"
import type { ExecArgs } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"

const BATCH = 1_000

/**
 * `medusa exec ./stock-bench.ts`: the inventory benchmark's catalogue. Creates BENCH_INVENTORY_SKUS inventory items
 * (BENCH-000000 …) with a level of BENCH_START_QUANTITY at the store's stock location, through the Inventory module
 * in batches, and writes `{ location_id, items: { sku: inventory_item_id } }` to BENCH_ITEMS_FILE.
 */
export default async function seedStockBench({ container }: ExecArgs) {
  const count = Number(process.env.BENCH_INVENTORY_SKUS ?? 50_000)
  const start = Number(process.env.BENCH_START_QUANTITY ?? 10)
  const inventory = container.resolve(Modules.INVENTORY)
  const [location] = await container.resolve(Modules.STOCK_LOCATION).listStockLocations({}, { take: 1 })
  const items: Record<string, string> = {}
  for (let done = 0; done < count; done += BATCH) {
    const created = await inventory.createInventoryItems(
      Array.from({ length: Math.min(BATCH, count - done) }, (_, i) => ({ sku: `BENCH-${String(done + i).padStart(6, "0")}`, title: `Bench item ${done + i}` }))
    )
    await inventory.createInventoryLevels(created.map((item) => ({ inventory_item_id: item.id, location_id: location.id, stocked_quantity: start })))
    for (const item of created) items[item.sku!] = item.id
  }
  writeFileSync(process.env.BENCH_ITEMS_FILE!, JSON.stringify({ location_id: location.id, items }))
}
