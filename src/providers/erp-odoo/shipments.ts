import { z } from "@medusajs/framework/zod"
import type { ErpShipment, ErpShipmentPage, ErpShipmentPageRequest } from "../types"
import type { OdooClient } from "./client"
import { odooDateTime } from "./mappers"
import { OdooPickings } from "./pickings"

/** How far before a listing's start the next one begins (a delivery validated in a long transaction is still found). */
const SHIPMENT_CURSOR_OVERLAP_MS = 5 * 60_000

const many2one = z.union([z.tuple([z.number().int(), z.string()]), z.literal(false)])
const pickingSchema = z.object({
  id: z.number().int(), name: z.union([z.string(), z.literal(false)]), date_done: z.union([z.string(), z.literal(false)]), move_ids: z.array(z.number().int()),
  carrier_tracking_ref: z.union([z.string(), z.literal(false)]).optional(), carrier_id: many2one.optional(),
})
const moveSchema = z.object({ id: z.number().int(), product_id: z.tuple([z.number().int(), z.string()]), quantity: z.number(), state: z.string(), sale_line_id: many2one })

/**
 * Deliveries Odoo's warehouse validated (outgoing `stock.picking` done), for stores that ship in Odoo: each with what
 * left by SKU (its done moves) and the sale order those moves were sold on (their sale line's order, whose Customer
 * Reference is ours). The carrier's tracking number and name come from the Delivery app's fields on the transfer
 * (`carrier_tracking_ref`, `carrier_id`), when this Odoo has that app; null otherwise.
 */
export class OdooShipments {
  private carrierFields?: Promise<boolean>
  private readonly pickings: OdooPickings

  constructor(private readonly client: OdooClient, connectionId: string) {
    this.pickings = new OdooPickings(client, connectionId)
  }

  async listShipmentsDone(page: ErpShipmentPageRequest): Promise<ErpShipmentPage> {
    const cursor = new Date(Date.now() - SHIPMENT_CURSOR_OVERLAP_MS).toISOString()
    const since = odooDateTime(new Date(page.changedSince ?? page.notBefore))
    const carrier = await this.hasCarrierFields()
    const rows = z.array(pickingSchema).parse(await this.client.call("stock.picking", "search_read", {
      params: {
        domain: [["picking_type_code", "=", "outgoing"], ["state", "=", "done"], ["id", ">", Number(page.after ?? 0)], ["write_date", ">=", since]],
        fields: ["id", "name", "date_done", "move_ids", ...(carrier ? ["carrier_tracking_ref", "carrier_id"] : [])], order: "id asc", limit: page.limit,
      },
    }))
    const moves = await this.readMoves(rows.flatMap((r) => r.move_ids))
    const shipments = rows.flatMap((r) => this.bySale(r, moves))
    return { shipments, next: rows.length === page.limit ? String(rows[rows.length - 1].id) : null, cursor }
  }

  /** The done moves with their SKU and the reference of the sale order they were sold on. */
  private async readMoves(ids: number[]): Promise<Map<number, { sku: string; quantity: number; saleReference: string }>> {
    if (!ids.length) return new Map()
    const moves = z.array(moveSchema).parse(await this.client.call("stock.move", "read", { ids, params: { fields: ["id", "product_id", "quantity", "state", "sale_line_id"] } }))
    const done = moves.filter((m) => m.state === "done" && m.sale_line_id)
    const lineIds = [...new Set(done.map((m) => (m.sale_line_id as [number, string])[0]))]
    const lines = lineIds.length
      ? z.array(z.object({ id: z.number().int(), order_id: z.tuple([z.number().int(), z.string()]) })).parse(await this.client.call("sale.order.line", "read", { ids: lineIds, params: { fields: ["order_id"] } }))
      : []
    const orderIds = [...new Set(lines.map((l) => l.order_id[0]))]
    const orders = orderIds.length
      ? z.array(z.object({ id: z.number().int(), client_order_ref: z.union([z.string(), z.literal(false)]) })).parse(await this.client.call("sale.order", "read", { ids: orderIds, params: { fields: ["client_order_ref"] } }))
      : []
    const skuOf = await this.pickings.skusOf(done.map((m) => m.product_id[0]))
    const orderOfLine = new Map(lines.map((l) => [l.id, l.order_id[0]]))
    const reference = new Map(orders.map((o) => [o.id, o.client_order_ref || null]))
    const out = new Map<number, { sku: string; quantity: number; saleReference: string }>()
    for (const m of done) {
      const saleReference = reference.get(orderOfLine.get((m.sale_line_id as [number, string])[0]) ?? -1)
      const sku = skuOf.get(m.product_id[0])
      if (saleReference && sku && !sku.startsWith("product ")) out.set(m.id, { sku, quantity: m.quantity, saleReference })
    }
    return out
  }

  /** One shipment per sale order it carries goods of. */
  private bySale(row: z.infer<typeof pickingSchema>, moves: Map<number, { sku: string; quantity: number; saleReference: string }>): ErpShipment[] {
    const bySale = new Map<string, Map<string, number>>()
    for (const id of row.move_ids) {
      const m = moves.get(id)
      if (!m) continue
      const lines = bySale.get(m.saleReference) ?? new Map<string, number>()
      lines.set(m.sku, (lines.get(m.sku) ?? 0) + m.quantity)
      bySale.set(m.saleReference, lines)
    }
    const doneAt = row.date_done ? new Date(`${row.date_done.replace(" ", "T")}Z`).toISOString() : new Date().toISOString()
    return [...bySale].map(([saleReference, lines]) => ({
      externalId: String(row.id), number: row.name || null, saleReference, doneAt,
      trackingNumber: row.carrier_tracking_ref || null, carrier: row.carrier_id ? row.carrier_id[1] : null,
      lines: [...lines].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => a.sku.localeCompare(b.sku)),
    }))
  }

  /** Whether this Odoo has the Delivery app's carrier fields on transfers, asked once. */
  private hasCarrierFields(): Promise<boolean> {
    if (!this.carrierFields) {
      const asked = this.client
        .call<Record<string, unknown>>("stock.picking", "fields_get", { params: { allfields: ["carrier_tracking_ref", "carrier_id"], attributes: ["type"] } })
        .then((fields) => "carrier_tracking_ref" in fields && "carrier_id" in fields)
      this.carrierFields = asked
      asked.catch(() => {
        if (this.carrierFields === asked) this.carrierFields = undefined
      })
    }
    return this.carrierFields
  }
}
