import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import type { ErpStockLevel, ErpStockPage, ErpStockPageRequest } from "../types"
import { OdooClient } from "./client"
import type { OdooLookups } from "./lookups"
import { odooDateTime } from "./mappers"
import { PRODUCT_FIELDS, productSchema, quantSchema, saleOrderSchema, warehouseSchema } from "./types"

/** Stock per warehouse from its quants (the warehouse's stock location and below; forecast less reserved), listed page by page or by changes. */
export class OdooStock {
  constructor(private readonly client: OdooClient, private readonly connectionId: string, private readonly lookups: OdooLookups) {}

  /**
   * Without a warehouse: the company's quantities, Odoo's own `qty_available` (on hand) and `virtual_available`
   * (forecast: on hand less every confirmed delivery, plus every confirmed receipt). In a warehouse (its `code`): the
   * stock quants of its stock location and the locations under it, on hand = their `quantity`, forecast = on hand
   * less their `reserved_quantity` (what Odoo has set aside for deliveries, the orders it already has).
   */
  async getStockLevels(skus: string[], opts: { warehouse?: string | null } = {}): Promise<Record<string, ErpStockLevel>> {
    if (!skus.length) return {}
    const rows = z.array(productSchema).parse(await this.lookups.readProducts(skus)).filter((p) => p.default_code)
    if (!opts.warehouse) return Object.fromEntries(rows.map((p) => [p.default_code as string, { onHand: p.qty_available, forecast: p.virtual_available }]))
    const levels = await this.warehouseLevels(await this.warehouseStock(opts.warehouse), rows.map((p) => p.id))
    return Object.fromEntries(rows.map((p) => [p.default_code as string, levels.get(p.id) ?? { onHand: 0, forecast: 0 }]))
  }

  /**
   * A warehouse's stock, page by page by product id: every product with an internal reference, or (with
   * `changedSince`) those whose quants there were written since (Odoo's `write_date`, UTC). The cursor is this
   * listing's start less 5 minutes, so a quant written while it ran is listed again next time, not missed. Without a
   * warehouse code, the company's first warehouse.
   */
  async listStockLevels(page: ErpStockPageRequest): Promise<ErpStockPage> {
    const cursor = odooDateTime(new Date(Date.now() - 5 * 60_000))
    const location = await this.warehouseStock(page.warehouse ?? null)
    const after = page.after ? Number(page.after) : 0
    let ids: number[]
    if (page.changedSince) {
      const quants = z.array(quantSchema).parse(await this.client.call<unknown[]>("stock.quant", "search_read", {
        params: { domain: [["location_id", "child_of", location], ["write_date", ">=", page.changedSince], ["product_id", ">", after]], fields: ["product_id"] },
      }))
      ids = [...new Set(quants.map((q) => q.product_id[0]))].sort((a, b) => a - b).slice(0, page.limit + 1)
    } else {
      ids = await this.client.call<number[]>("product.product", "search", { params: { domain: [["default_code", "!=", false], ["id", ">", after]], order: "id asc", limit: page.limit + 1 } })
    }
    const more = ids.length > page.limit
    ids = ids.slice(0, page.limit)
    const products = ids.length
      ? z.array(productSchema).parse(await this.client.call<unknown[]>("product.product", "read", { ids, params: { fields: PRODUCT_FIELDS } })).filter((p) => p.default_code)
      : []
    const levels = await this.warehouseLevels(location, products.map((p) => p.id))
    return {
      levels: products.map((p) => ({ sku: p.default_code as string, ...(levels.get(p.id) ?? { onHand: 0, forecast: 0 }) })),
      next: more ? String(ids[ids.length - 1]) : null,
      cursor,
    }
  }

  /** The stock location of the warehouse of this code (or the company's first warehouse). */
  private async warehouseStock(code: string | null): Promise<number> {
    const domain = code ? [["code", "=", code]] : []
    const [warehouse] = z.array(warehouseSchema).parse(await this.client.call<unknown[]>("stock.warehouse", "search_read", { params: { domain, fields: ["code", "lot_stock_id"], limit: 1, order: "id asc" } }))
    if (!warehouse) {
      throw this.permanent(
        code
          ? `Odoo (connection "${this.connectionId}") has no warehouse with the short name "${code}": give an existing warehouse's code in connections[].inventory.locations`
          : `Odoo (connection "${this.connectionId}") has no warehouse to read stock from`,
        "odoo_unknown_warehouse"
      )
    }
    return warehouse.lot_stock_id[0]
  }

  /** On hand and forecast per product in a stock location and its children, summed over its quants. */
  private async warehouseLevels(location: number, productIds: number[]): Promise<Map<number, ErpStockLevel>> {
    const levels = new Map<number, ErpStockLevel>()
    if (!productIds.length) return levels
    const quants = z.array(quantSchema).parse(await this.client.call<unknown[]>("stock.quant", "search_read", {
      params: { domain: [["product_id", "in", productIds], ["location_id", "child_of", location]], fields: ["product_id", "quantity", "reserved_quantity"] },
    }))
    for (const q of quants) {
      const level = levels.get(q.product_id[0]) ?? { onHand: 0, forecast: 0 }
      level.onHand += q.quantity ?? 0
      level.forecast += (q.quantity ?? 0) - (q.reserved_quantity ?? 0)
      levels.set(q.product_id[0], level)
    }
    return levels
  }

  /** Of these sales, the confirmed ones: Odoo plans their deliveries on confirming, so its forecast counts them. */
  async salesCountedInStock(externalIds: string[]): Promise<Set<string>> {
    const rows = await this.client.call<unknown[]>("sale.order", "search_read", { params: { domain: [["id", "in", externalIds.map(Number)]], fields: ["id", "state"] } })
    return new Set(z.array(saleOrderSchema.pick({ id: true, state: true })).parse(rows).filter((r) => r.state === "sale" || r.state === "done").map((r) => String(r.id)))
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
