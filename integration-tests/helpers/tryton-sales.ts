import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { trytonPeer } from "./tryton-env"

/** A Tryton sale as the reconciliation and adoption suites check it. */
export type TrytonSaleRow = { id: number; number: string | null; state: string; reference: string }

/**
 * Live Tryton sales whose reference is one of these: not cancelled, and not "done" with every move cancelled (how
 * Tryton ends a processed sale that is cancelled).
 */
export async function liveSales(references: string[]): Promise<TrytonSaleRow[]> {
  const tryton = await trytonPeer.session()
  const sales = await tryton.model<Array<TrytonSaleRow & { moves: number[] }>>("sale.sale", "search_read", [["reference", "in", references], ["state", "!=", "cancelled"]], 0, null, [["id", "ASC"]], ["id", "number", "state", "reference", "moves"])
  const live: TrytonSaleRow[] = []
  for (const { moves, ...sale } of sales) {
    const states = sale.state === "done" && moves.length ? await tryton.model<Array<{ state: string }>>("stock.move", "read", moves, ["state"]) : []
    if (!states.length || !states.every((m) => m.state === "cancelled")) live.push(sale)
  }
  return live
}

/** The order's number as staff see it (#1042). */
export async function displayIdOf(container: MedusaContainer, orderId: string): Promise<number> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["display_id"], filters: { id: orderId } })
  return Number((data[0] as { display_id: number }).display_id)
}

type ShipmentRow = { id: number; state: string; reference: string | null; "outgoing_moves.": Array<{ quantity: number; state: string; "product.": { code: string } }> }

/** The sale's customer shipments as Tryton has them, oldest first: state, reference and what each moves by SKU. */
export async function shipmentsOfSale(saleId: string | number): Promise<Array<{ state: string; reference: string | null; moves: Record<string, number> }>> {
  const tryton = await trytonPeer.session()
  const [{ shipments }] = await tryton.model<Array<{ shipments: number[] }>>("sale.sale", "read", [Number(saleId)], ["shipments"])
  const rows = await tryton.model<ShipmentRow[]>("stock.shipment.out", "read", shipments, ["state", "reference", "outgoing_moves.quantity", "outgoing_moves.state", "outgoing_moves.product.code"])
  return rows.sort((a, b) => a.id - b.id).map((r) => ({
    state: r.state, reference: r.reference,
    moves: Object.fromEntries(r["outgoing_moves."].filter((m) => m.state !== "cancelled").map((m) => [m["product."].code, m.quantity]).sort()),
  }))
}

/** Ships the sale's customer shipments in Tryton, as its warehouse does: assigned, picked, packed, done. Their ids. */
export async function shipInTryton(saleId: string | number): Promise<number[]> {
  const tryton = await trytonPeer.session()
  const [sale] = await tryton.model<Array<{ shipments: number[] }>>("sale.sale", "read", [Number(saleId)], ["shipments"])
  for (const step of ["assign_force", "pick", "pack", "done"]) await tryton.model("stock.shipment.out", step, sale.shipments)
  return sale.shipments
}
