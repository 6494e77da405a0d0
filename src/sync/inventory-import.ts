import type { IInventoryService, IStockLocationService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { IntegrationError } from "../lib/errors"
import type { InventorySettings } from "../modules/integration-hub/options"
import type { ErpProvider, ErpStockLevel } from "../providers/types"
import { ImportInventoryPageResult, importInventoryPageWorkflow } from "../workflows/import-inventory-from-erp"
import { hubOf } from "./hub"
import type { OperationResult, OperationRun } from "./operations"

/** How many SKUs a summary names of those on one side only (the counts are always complete). */
const NAMED = 10

type Location = { id: string; name: string; warehouse: string | null }
type Totals = { created: number; updated: number; unchanged: number; clamped: string[]; erpOnly: string[]; erpOnlyCount: number; medusaOnly: string[]; medusaOnlyCount: number }

/**
 * The stock import of the ERP connection that owns inventory: page by page (`inventory.batchSize` SKUs at a time, so
 * memory stays flat), each page written through the import-inventory-from-erp workflow at each stock location it
 * maps. Incremental (only what the ERP reports changed since the last import) when the provider can list changes
 * and a full import is not due; a full one reads every SKU and also reports the SKUs Medusa sells that the ERP does
 * not know. SKUs on one side only are reported, never guessed at.
 */
export async function importInventory(container: MedusaContainer, run: OperationRun): Promise<OperationResult> {
  const startedAt = new Date()
  const hub = hubOf(container)
  const connection = hub.findConnection(run.connection_id)!
  const settings = connection.inventory
  const erp = hub.getProvider(run.connection_id, "erp")
  const locations = await locationsOf(container, run.connection_id, settings)
  const state = await hub.stockImportState(run.connection_id)
  const fullDue = !state.full_at || Date.now() - state.full_at.getTime() >= settings.fullEveryHours * 3_600_000
  const full = !erp.listStockLevels || !state.cursor || fullDue
  const totals: Totals = { created: 0, updated: 0, unchanged: 0, clamped: [], erpOnly: [], erpOnlyCount: 0, medusaOnly: [], medusaOnlyCount: 0 }

  const page = async (location: Location, levels: Array<ErpStockLevel & { sku: string }>) => {
    if (!levels.length) return
    const { result, errors } = await importInventoryPageWorkflow(container).run({
      input: { connection_id: run.connection_id, location_id: location.id, levels, shadow: run.shadow },
      throwOnError: false,
    })
    if (errors.length) throw errors[0].error
    add(totals, result as ImportInventoryPageResult)
  }

  let cursor: string | null = null
  for (const location of locations) {
    if (erp.listStockLevels) {
      const seen = full ? new Set<string>() : null
      for (let after: string | null = null, first = true; first || after; first = false) {
        const listed = await erp.listStockLevels({ warehouse: location.warehouse, changedSince: full ? null : state.cursor, after, limit: settings.batchSize })
        if (first && (!cursor || listed.cursor < cursor)) cursor = listed.cursor
        listed.levels.forEach((l) => seen?.add(l.sku))
        await page(location, listed.levels)
        after = listed.next
      }
      if (seen) await eachMedusaSkuPage(container, settings.batchSize, async (skus) => noteMedusaOnly(totals, skus.filter((s) => !seen.has(s))))
    } else {
      await eachMedusaSkuPage(container, settings.batchSize, async (skus) => {
        const levels = await erp.getStockLevels(skus, { warehouse: location.warehouse })
        noteMedusaOnly(totals, skus.filter((s) => !levels[s]))
        await page(location, Object.entries(levels).map(([sku, level]) => ({ sku, ...level })))
      })
    }
  }
  if (!run.shadow) {
    // A full import has seen every SKU the ERP still has: levels of SKUs it no longer reports are Medusa's again.
    if (full) await hub.forgetErpStockBefore(run.connection_id, startedAt)
    await hub.saveStockImportState(run.connection_id, { cursor, ...(full ? { fullAt: new Date() } : {}) })
  }
  return { result: { status: "synced", summary: describeImport(totals, { full, since: full ? null : state.cursor, locations, shadow: run.shadow }) } }
}

/** The stock locations the connection's stock goes to, with their ERP warehouse (null: the provider's default). */
async function locationsOf(container: MedusaContainer, connectionId: string, settings: InventorySettings): Promise<Location[]> {
  const all = await container.resolve<IStockLocationService>(Modules.STOCK_LOCATION).listStockLocations({}, { select: ["id", "name"] })
  const name = new Map(all.map((l) => [l.id, l.name]))
  if (settings.locations) {
    const missing = Object.keys(settings.locations).filter((id) => !name.has(id))
    if (missing.length) {
      throw new IntegrationError(`Cannot import stock from ${connectionId}: Medusa has no stock location ${missing.join(", ")} (connections[].inventory.locations of "${connectionId}")`, {
        connectionId, code: "unknown_stock_location", retryable: false,
      })
    }
    return Object.entries(settings.locations).map(([id, warehouse]) => ({ id, name: name.get(id)!, warehouse }))
  }
  if (all.length !== 1) {
    throw new IntegrationError(
      `Cannot import stock from ${connectionId}: Medusa has ${all.length ? `${all.length} stock locations (${all.map((l) => `${l.name} ${l.id}`).join(", ")})` : "no stock location"}; say which ERP warehouse each one shows in connections[].inventory.locations of "${connectionId}"`,
      { connectionId, code: "stock_locations_unmapped", retryable: false }
    )
  }
  return [{ id: all[0].id, name: all[0].name, warehouse: null }]
}

/** Every SKU Medusa has an inventory item for, a page at a time, by id. */
async function eachMedusaSkuPage(container: MedusaContainer, size: number, fn: (skus: string[]) => Promise<void>): Promise<void> {
  const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
  for (let skip = 0; ; skip += size) {
    const items = await inventory.listInventoryItems({}, { select: ["id", "sku"], skip, take: size, order: { id: "ASC" } })
    const skus = items.flatMap((i) => (i.sku ? [i.sku] : []))
    if (skus.length) await fn(skus)
    if (items.length < size) return
  }
}

function add(totals: Totals, page: ImportInventoryPageResult) {
  totals.created += page.created
  totals.updated += page.updated
  totals.unchanged += page.unchanged
  totals.clamped.push(...page.clamped.slice(0, Math.max(0, NAMED - totals.clamped.length)))
  totals.erpOnlyCount += page.erpOnly.length
  totals.erpOnly.push(...page.erpOnly.slice(0, Math.max(0, NAMED - totals.erpOnly.length)))
}

function noteMedusaOnly(totals: Totals, skus: string[]) {
  totals.medusaOnlyCount += skus.length
  totals.medusaOnly.push(...skus.slice(0, Math.max(0, NAMED - totals.medusaOnly.length)))
}

const named = (skus: string[], count: number) => `${skus.join(", ")}${count > skus.length ? `, and ${count - skus.length} more` : ""}`

/** "full import to Main warehouse: 2 levels changed, 1 created, 97 unchanged; only in Medusa: 2 SKUs (…); only in the ERP: 1 SKU (…)". */
export function describeImport(t: Totals, opts: { full: boolean; since: string | null; locations: Location[]; shadow: boolean }): string {
  const what = opts.full ? "full import" : `changes since ${opts.since}`
  const verb = opts.shadow ? "would be " : ""
  const parts = [`${what} to ${opts.locations.map((l) => l.name).join(", ")}: ${t.updated} level(s) ${verb}changed, ${t.created} ${verb}created, ${t.unchanged} unchanged`]
  if (opts.shadow) parts[0] += " (shadow mode: nothing written)"
  if (t.medusaOnlyCount) parts.push(`only in Medusa (not in the ERP, left as they are): ${t.medusaOnlyCount} SKU(s) (${named(t.medusaOnly, t.medusaOnlyCount)})`)
  if (t.erpOnlyCount) parts.push(`only in the ERP (Medusa sells no such SKU): ${t.erpOnlyCount} SKU(s) (${named(t.erpOnly, t.erpOnlyCount)})`)
  if (t.clamped.length) parts.push(`the ERP has promised more than it holds of ${t.clamped.join(", ")}: stocked set to 0`)
  return parts.join("; ")
}
