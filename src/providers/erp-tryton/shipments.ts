import { z } from "@medusajs/framework/zod"
import type { ErpShipment, ErpShipmentPage, ErpShipmentPageRequest } from "../types"
import type { TrytonClient } from "./client"
import { toTrytonDateTime } from "./mappers"

/** How far before a listing's start the next one begins (a shipment done in a long transaction is still found). */
const SHIPMENT_CURSOR_OVERLAP_MS = 5 * 60_000

const datetime = z.object({ year: z.number(), month: z.number(), day: z.number(), hour: z.number(), minute: z.number(), second: z.number(), microsecond: z.number() })
const shipmentSchema = z.object({ id: z.number().int(), number: z.string().nullable(), write_date: datetime.nullable(), outgoing_moves: z.array(z.number().int()) })
const moveSchema = z.object({ id: z.number().int(), product: z.number().int().nullable(), quantity: z.number(), origin: z.string().nullable(), state: z.string() })

/**
 * Customer shipments Tryton's warehouse completed (`stock.shipment.out` done), for stores that ship in Tryton: each
 * with what left by SKU (its outgoing moves done) and the sale those moves were sold on (their origin, a sale line).
 * Tryton 6.0 keeps no carrier or tracking number on a shipment without its shipping modules: both are null.
 */
export class TrytonShipments {
  constructor(private readonly client: TrytonClient) {}

  async listShipmentsDone(page: ErpShipmentPageRequest): Promise<ErpShipmentPage> {
    const cursor = new Date(Date.now() - SHIPMENT_CURSOR_OVERLAP_MS).toISOString()
    const since = toTrytonDateTime(page.changedSince ?? page.notBefore)
    const rows = z.array(shipmentSchema).parse(
      await this.client.model<unknown[]>("stock.shipment.out", "search_read", [
        [["state", "=", "done"], ["id", ">", Number(page.after ?? 0)], ["write_date", ">=", since]], 0, page.limit, [["id", "ASC"]], ["id", "number", "write_date", "outgoing_moves"],
      ])
    )
    const moves = await this.readMoves(rows.flatMap((r) => r.outgoing_moves))
    const shipments = rows.flatMap((r) => this.bySale(r, moves))
    return { shipments, next: rows.length === page.limit ? String(rows[rows.length - 1].id) : null, cursor }
  }

  /** The done moves with their SKU and the reference of the sale they were sold on. */
  private async readMoves(ids: number[]): Promise<Map<number, { sku: string; quantity: number; saleReference: string }>> {
    if (!ids.length) return new Map()
    const moves = z.array(moveSchema).parse(await this.client.model<unknown[]>("stock.move", "read", [ids, ["id", "product", "quantity", "origin", "state"]]))
    const done = moves.filter((m) => m.state === "done" && m.product && m.origin?.startsWith("sale.line,"))
    const lineIds = [...new Set(done.map((m) => Number(m.origin!.split(",")[1])))]
    const productIds = [...new Set(done.map((m) => m.product!))]
    const [lines, products] = await Promise.all([
      this.client.model<unknown[]>("sale.line", "read", [lineIds, ["id", "sale"]]).then((r) => z.array(z.object({ id: z.number().int(), sale: z.number().int() })).parse(r)),
      this.client.model<unknown[]>("product.product", "read", [productIds, ["id", "code"]]).then((r) => z.array(z.object({ id: z.number().int(), code: z.string().nullable() })).parse(r)),
    ])
    const saleIds = [...new Set(lines.map((l) => l.sale))]
    const sales = z.array(z.object({ id: z.number().int(), reference: z.string().nullable() })).parse(
      await this.client.model<unknown[]>("sale.sale", "read", [saleIds, ["id", "reference"]])
    )
    const saleOfLine = new Map(lines.map((l) => [l.id, l.sale]))
    const reference = new Map(sales.map((s) => [s.id, s.reference]))
    const code = new Map(products.map((p) => [p.id, p.code]))
    const out = new Map<number, { sku: string; quantity: number; saleReference: string }>()
    for (const m of done) {
      const sku = code.get(m.product!)
      const saleReference = reference.get(saleOfLine.get(Number(m.origin!.split(",")[1])) ?? -1)
      if (sku && saleReference) out.set(m.id, { sku, quantity: m.quantity, saleReference })
    }
    return out
  }

  /** One shipment per sale it carries goods of (Tryton may group several sales' moves in one). */
  private bySale(row: z.infer<typeof shipmentSchema>, moves: Map<number, { sku: string; quantity: number; saleReference: string }>): ErpShipment[] {
    const bySale = new Map<string, Map<string, number>>()
    for (const id of row.outgoing_moves) {
      const m = moves.get(id)
      if (!m) continue
      const lines = bySale.get(m.saleReference) ?? new Map<string, number>()
      lines.set(m.sku, (lines.get(m.sku) ?? 0) + m.quantity)
      bySale.set(m.saleReference, lines)
    }
    const w = row.write_date
    const doneAt = w ? new Date(Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second, Math.floor(w.microsecond / 1000))).toISOString() : new Date().toISOString()
    return [...bySale].map(([saleReference, lines]) => ({
      externalId: String(row.id), number: row.number, saleReference, doneAt, trackingNumber: null, carrier: null,
      lines: [...lines].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => a.sku.localeCompare(b.sku)),
    }))
  }
}
