import type { AuthenticatedMedusaRequest, MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { refuseWritesOfErpStock, StockWrite } from "../../sync/stock-ownership"

type LevelBody = { inventory_item_id?: unknown; location_id?: unknown; stocked_quantity?: unknown }

/** The stocked quantities one of Medusa's admin inventory-level routes is asked to set (create and update alike). */
export function stockWritesOf(path: string, params: Record<string, string>, body: unknown): StockWrite[] {
  const write = (b: LevelBody, itemId = b.inventory_item_id, locationId = b.location_id): StockWrite[] =>
    typeof itemId === "string" && typeof locationId === "string" && typeof b.stocked_quantity === "number"
      ? [{ inventory_item_id: itemId, location_id: locationId, stocked_quantity: b.stocked_quantity }]
      : []
  const b = (body ?? {}) as LevelBody & { create?: LevelBody[]; update?: LevelBody[] }
  const batch = [...(Array.isArray(b.create) ? b.create : []), ...(Array.isArray(b.update) ? b.update : [])]
  if (/\/location-levels\/batch$/.test(path)) return batch.flatMap((l) => write(l, params.id ?? l.inventory_item_id))
  if (params.location_id) return write(b, params.id, params.location_id)
  return write(b, params.id)
}

/**
 * Middleware on Medusa's admin routes that set stock levels: a level the ERP owns (sourceOfTruth.inventory) is
 * not changed here; the request fails with what to do instead, and the attempt is recorded as a conflict.
 */
export async function guardErpOwnedStock(req: MedusaRequest, _res: MedusaResponse, next: MedusaNextFunction) {
  try {
    const writes = stockWritesOf(req.originalUrl.split("?")[0], req.params as Record<string, string>, req.body)
    await refuseWritesOfErpStock(req.scope, writes, (req as AuthenticatedMedusaRequest).auth_context?.actor_id ?? null)
    next()
  } catch (err) {
    next(err)
  }
}
