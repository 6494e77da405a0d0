import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import type { OdooClient } from "./client"
import { OdooPicking, OdooStockMove, PICKING_FIELDS, pickingSchema, STOCK_MOVE_FIELDS, stockMoveSchema } from "./types"

/** How our reference ends a transfer's Source Document: "Return of WH/OUT/00012 [medusa:return_01…]". */
export const tag = (reference: string) => ` [${reference}]`
/** A Source Document that carries a reference of ours (or anyone's, in brackets at its end). */
export const TAGGED = /\s\[[^\]]+\]$/

export const saleSchema = z.object({ id: z.number().int(), name: z.string(), state: z.string(), picking_ids: z.array(z.number().int()) })
export type OdooSaleWithPickings = z.infer<typeof saleSchema>

/** The reads the returns and the deliveries share: a sale with its transfers, transfers, their moves and SKUs. */
export class OdooPickings {
  constructor(private readonly client: OdooClient, private readonly connectionId: string) {}

  async readSale(saleExternalId: string, orderNumber: string): Promise<OdooSaleWithPickings> {
    const rows = await this.client.call<unknown[]>("sale.order", "read", { ids: [Number(saleExternalId)], params: { fields: ["id", "name", "state", "picking_ids"] } })
    if (!rows.length) throw new IntegrationError(`Odoo has no sale order with id ${saleExternalId} (order #${orderNumber})`, { connectionId: this.connectionId, code: "odoo_not_found", retryable: false })
    return saleSchema.parse(rows[0])
  }

  async readPickings(ids: number[]): Promise<OdooPicking[]> {
    if (!ids.length) return []
    return z.array(pickingSchema).parse(await this.client.call("stock.picking", "read", { ids, params: { fields: PICKING_FIELDS } }))
  }

  async searchMoves(domain: unknown[]): Promise<OdooStockMove[]> {
    return z.array(stockMoveSchema).parse(await this.client.call("stock.move", "search_read", { params: { domain, fields: STOCK_MOVE_FIELDS, order: "id asc" } }))
  }

  /** Each product's SKU (its Internal Reference), "product <id>" for one without. */
  async skusOf(productIds: number[]): Promise<Map<number, string>> {
    const ids = [...new Set(productIds)]
    if (!ids.length) return new Map()
    const rows = z.array(z.object({ id: z.number().int(), default_code: z.union([z.string(), z.literal(false)]) })).parse(
      await this.client.call("product.product", "read", { ids, params: { fields: ["default_code"] } })
    )
    return new Map(rows.map((p) => [p.id, p.default_code || `product ${p.id}`]))
  }
}

/** How messages name a transfer: its name (WH/OUT/00012), or its id before it has one. */
export const pickingLabel = (picking: OdooPicking) => picking.name || `id ${picking.id}`
