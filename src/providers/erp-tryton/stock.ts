import { z } from "@medusajs/framework/zod"
import type { ErpStockLevel, ErpStockPage, ErpStockPageRequest } from "../types"
import type { TrytonClient } from "./client"
import type { TrytonLookups } from "./lookups"
import { toTrytonDateTime } from "./mappers"
import { saleSchema, stockSchema } from "./types"

/** How far before a listing's start the next listing of changes begins (late commits, clock skew). */
const STOCK_CURSOR_OVERLAP_MS = 5 * 60_000

/** Stock in Tryton's warehouse: levels by SKU, listed page by page or by the moves changed since a cursor. */
export class TrytonStock {
  constructor(private readonly client: TrytonClient, private readonly lookups: TrytonLookups) {}

  async getStockLevels(skus: string[], opts: { warehouse?: string | null } = {}): Promise<Record<string, ErpStockLevel>> {
    if (!skus.length) return {}
    const rows = await this.readStock([["code", "in", skus]], await this.lookups.warehouseId(opts.warehouse))
    return Object.fromEntries(rows.map(({ level: { sku, ...level } }) => [sku, level]))
  }

  /**
   * Every product with a code, by id; or (with `changedSince`) the products of the stock moves created or changed
   * since, by move id. Quantities are Tryton's in the warehouse: `quantity` on hand, `forecast_quantity` with the
   * planned moves. The cursor is when the listing began, less a margin.
   */
  async listStockLevels(page: ErpStockPageRequest): Promise<ErpStockPage> {
    const warehouse = await this.lookups.warehouseId(page.warehouse)
    // A move committed a little after its create_date (a long transaction) is still found: the next listing starts
    // STOCK_CURSOR_OVERLAP_MS before this one began. Reading a product twice changes nothing.
    const cursor = new Date(Date.now() - STOCK_CURSOR_OVERLAP_MS).toISOString()
    const after = Number(page.after ?? 0)
    if (!page.changedSince) {
      const rows = await this.readStock([["code", "!=", null], ["id", ">", after]], warehouse, page.limit)
      return { levels: rows.map((r) => r.level), next: rows.length === page.limit ? String(rows[rows.length - 1].productId) : null, cursor }
    }
    const since = toTrytonDateTime(page.changedSince)
    const moves = z.array(z.object({ id: z.number().int(), product: z.number().int() })).parse(
      await this.client.model<unknown[]>("stock.move", "search_read", [
        [["id", ">", after], ["OR", ["create_date", ">=", since], ["write_date", ">=", since]]], 0, page.limit, [["id", "ASC"]], ["id", "product"],
      ])
    )
    const products = [...new Set(moves.map((m) => m.product))]
    const rows = products.length ? await this.readStock([["id", "in", products], ["code", "!=", null]], warehouse) : []
    return { levels: rows.map((r) => r.level), next: moves.length === page.limit ? String(moves[moves.length - 1].id) : null, cursor }
  }

  /** The products of `domain` that have a code, by id, each with its stock in the warehouse. */
  private async readStock(domain: unknown[], warehouse: number, limit: number | null = null): Promise<Array<{ productId: number; level: ErpStockLevel & { sku: string } }>> {
    const rows = await this.client.model<unknown[]>("product.product", "search_read", [domain, 0, limit, [["id", "ASC"]], ["id", "code", "quantity", "forecast_quantity"]], { locations: [warehouse] })
    return z.array(stockSchema).parse(rows).flatMap((r) => (r.code ? [{ productId: r.id, level: { sku: r.code, onHand: r.quantity, forecast: r.forecast_quantity } }] : []))
  }

  /** Of these sales, the ones Tryton has processed: their stock moves are planned, so its forecast counts them. */
  async salesCountedInStock(externalIds: string[]): Promise<Set<string>> {
    const rows = z.array(saleSchema.pick({ id: true, state: true, moves: true })).parse(
      await this.client.model<unknown[]>("sale.sale", "search_read", [[["id", "in", externalIds.map(Number)]], 0, null, null, ["id", "state", "moves"]])
    )
    return new Set(rows.filter((r) => (r.state === "processing" || r.state === "done") && (r.moves?.length ?? 0) > 0).map((r) => String(r.id)))
  }
}
