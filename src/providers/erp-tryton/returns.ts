import { z } from "@medusajs/framework/zod"
import { RETURN_DONE } from "../returns"
import { IntegrationError } from "../../lib/errors"
import { sumBySku } from "../order-checks"
import type { ErpReturn, ErpReturnInput } from "../types"
import type { TrytonClient } from "./client"
import { saleLabel, toTrytonDate, toTrytonDecimal } from "./mappers"
import type { TrytonSaleReads } from "./sale-reads"
import { returnShipmentSchema, TrytonReturnShipment, TrytonSaleForReturn } from "./types"

const RETURN_MODEL = "stock.shipment.out.return"
const RETURN_FIELDS = ["id", "number", "reference", "state", "incoming_moves.quantity", "incoming_moves.product.code"]

/** What the hub calls a Tryton return shipment's state: "received" (goods in the input location, not yet put away) is not done. */
const STATES: Record<TrytonReturnShipment["state"], ErpReturn["state"]> = { draft: "draft", received: "draft", done: "done", cancelled: "cancelled" }

/** One incoming move to make: a SKU's units, priced and named as the sale line that sold them. */
type PlannedMove = { sku: string; quantity: number; product: number; unit: number | null; unitPrice: string | null; deliveryMove: number }

/**
 * Customer returns: a Tryton customer return shipment (`stock.shipment.out.return`) per Medusa return, by its
 * reference, with one incoming move per SKU from the customer's location into the warehouse's input.
 *
 * Each incoming move's origin is the sale's delivery move of that product, which links the return to the sale
 * (Tryton's sale module warns on a move from a customer without an origin). Not the sale line: the sale would count
 * the returned units as shipped, and a cancelled return as a shipment exception. The sale's other returns are the
 * live moves of return shipments whose origin is one of its moves.
 */
export class TrytonReturns {
  constructor(private readonly client: TrytonClient, private readonly connectionId: string, private readonly reads: TrytonSaleReads) {}

  /**
   * The live return carrying `input.reference` when it has these lines; otherwise a new one (replacing a draft with
   * other lines), after checking every line against what the sale sold less its other returns.
   */
  async createReturn(input: ErpReturnInput): Promise<ErpReturn> {
    const existing = await this.oneReturnFor(input.reference)
    const mismatch = existing && this.linesDiffer(existing, input)
    if (existing && !mismatch) return this.toErpReturn(existing, false)
    if (existing && existing.state !== "draft") {
      throw this.refuse(input, `its customer return ${this.label(existing)} is already ${existing.state} with other lines (${mismatch}). Correct it in Tryton, then mark this return done.`, "tryton_return_mismatch")
    }
    // Check first, change second: the draft with other lines is cancelled only once the new lines pass.
    const sale = await this.reads.readSaleForReturn(Number(input.saleExternalId))
    const moves = await this.planMoves(sale, input, existing?.id ?? null)
    const customer = sale["shipment_party."] ?? sale["party."]
    const [from, to] = [customer.customer_location, sale["warehouse."]?.input_location ?? null]
    if (from === null || to === null || sale.warehouse === null || sale.shipment_address === null) {
      const missing = from === null ? "its customer has no customer location" : sale.shipment_address === null ? "it has no shipment address" : "its warehouse has no input location"
      throw this.refuse(input, `sale ${saleLabel(sale)} cannot take goods back: ${missing}. Complete it in Tryton, then retry.`, "tryton_return_incomplete_sale")
    }
    if (existing) await this.client.model(RETURN_MODEL, "cancel", [[existing.id]])
    const plannedDate = toTrytonDate(input.date)
    const [createdId] = await this.client.model<number[]>(RETURN_MODEL, "create", [
      [
        {
          reference: input.reference,
          customer: customer.id,
          delivery_address: sale.shipment_address,
          warehouse: sale.warehouse,
          company: sale.company,
          planned_date: plannedDate,
          incoming_moves: [["create", moves.map((m) => ({
            product: m.product, uom: m.unit, quantity: m.quantity, from_location: from, to_location: to, planned_date: plannedDate,
            unit_price: m.unitPrice && toTrytonDecimal(m.unitPrice), currency: sale.currency, company: sale.company, origin: `stock.move,${m.deliveryMove}`,
          }))]],
        },
      ],
    ])
    const kept = await this.oneReturnFor(input.reference)
    if (!kept) throw this.permanent(`Tryton did not keep the customer return it created for ${input.reference} (id ${createdId})`, "tryton_return_lost")
    return this.toErpReturn(kept, kept.id === createdId)
  }

  /** Receives the goods (into the warehouse's input) and puts them into storage: whichever of the two is still to do. */
  async receiveReturn(externalId: string, input: ErpReturnInput): Promise<ErpReturn> {
    let shipment = await this.readReturn(Number(externalId))
    if (shipment.reference !== input.reference) {
      throw this.refuse(input, `Tryton's customer return ${this.label(shipment)} carries reference ${shipment.reference ?? "(none)"}, not ${input.reference}. Check the return's sync record, then retry.`, "tryton_return_reference")
    }
    if (shipment.state === "cancelled") {
      throw this.refuse(input, `its customer return ${this.label(shipment)} was cancelled in Tryton, so its goods were not taken in. Reset it to draft in Tryton ("Draft" on the return) and retry, or receive the goods there by hand and mark this return done.`, "tryton_return_cancelled")
    }
    if (shipment.state === "draft") {
      await this.client.model(RETURN_MODEL, "receive", [[shipment.id]])
      shipment = await this.readReturn(shipment.id)
    }
    // A warehouse whose input is its storage is done on receiving; any other needs the put-away.
    if (shipment.state === "received") {
      await this.client.model(RETURN_MODEL, "done", [[shipment.id]])
      shipment = await this.readReturn(shipment.id)
    }
    if (shipment.state !== "done") throw this.refuse(input, `Tryton did not finish its customer return ${this.label(shipment)} (state ${shipment.state}).`, "tryton_return_not_done")
    return this.toErpReturn(shipment, false)
  }

  /**
   * Cancels a return whose goods are not taken in yet (draft). A received or done one is refused: Tryton's cancel
   * keeps its received moves done, so the goods would stay in stock under a cancelled return.
   */
  async cancelReturn(externalId: string): Promise<ErpReturn> {
    const shipment = await this.readReturn(Number(externalId))
    if (shipment.state === "cancelled") return this.toErpReturn(shipment, false)
    if (shipment.state !== "draft") {
      const where = shipment.state === "done" ? "in the warehouse's stock" : "in the warehouse's input location, counted in its stock"
      throw this.permanent(
        `Cannot cancel customer return ${this.label(shipment)} (${shipment.reference}) in Tryton: it is ${shipment.state}, its goods are ${where}. If they must leave again, make an outgoing move in Tryton (a customer shipment or an inventory correction), then mark this cancellation done.`,
        // Either way its goods are counted in stock: the code every ERP gives a return that must stay.
        RETURN_DONE
      )
    }
    await this.client.model(RETURN_MODEL, "cancel", [[shipment.id]])
    const after = await this.readReturn(shipment.id)
    if (after.state !== "cancelled") throw this.permanent(`Tryton did not cancel customer return ${this.label(after)} (state ${after.state})`, "tryton_cancel_refused")
    return this.toErpReturn(after, false)
  }

  /**
   * The incoming moves of the return, one per SKU, each checked against the sale: it must have sold the SKU, and
   * sold at least the units this return and its other live returns take back.
   */
  private async planMoves(sale: TrytonSaleForReturn, input: ErpReturnInput, replacing: number | null): Promise<PlannedMove[]> {
    if (sale.state === "cancelled") {
      throw this.refuse(input, `its sale ${saleLabel(sale)} is cancelled, so nothing was sold to take back. Record the goods in Tryton by hand (a customer return shipment) if they did arrive, then mark this return done.`, "return_sale_cancelled")
    }
    const moveIds = sale.moves ?? []
    if ((sale.state !== "processing" && sale.state !== "done") || !moveIds.length) {
      throw this.refuse(input, `Tryton has not processed its sale ${saleLabel(sale)} yet (state ${sale.state}), so it has no delivery to take goods back against. Process the sale in Tryton ("Process" on the sale), then retry.`, "return_sale_unprocessed")
    }
    const returned = await this.returnedBySku(moveIds, replacing)
    const titles = new Map(input.lines.map((l) => [l.sku, l.title]))
    return sumBySku(input.lines).map(({ sku, quantity }) => {
      const line = `line '${titles.get(sku)}' (SKU '${sku}')`
      const lines = sale["lines."].filter((l) => l.type === "line" && l["product."]?.code === sku)
      const sold = lines.reduce((sum, l) => sum + l.quantity, 0)
      const moves = lines.flatMap((l) => l["moves."] ?? [])
      // The move that delivered (or is to deliver) the product: done first, then any not cancelled.
      const delivery = moves.find((m) => m.state === "done") ?? moves.find((m) => m.state !== "cancelled") ?? moves[0]
      if (!lines.length || !delivery) {
        throw this.refuse(input, `${line} was not sold on sale ${saleLabel(sale)}${lines.length ? " as goods Tryton delivers" : ""}. Take the line out of the return in Medusa (only items of the order can come back), then retry.`, "return_not_sold")
      }
      const before = returned.get(sku) ?? 0
      if (quantity > sold - before) {
        throw this.refuse(
          input,
          `${line} takes back ${quantity} unit(s), but sale ${saleLabel(sale)} sold ${sold}${before ? ` and its other returns took back ${before}` : ""}, so at most ${Math.max(sold - before, 0)} can come back. Correct the quantity of the return in Medusa (or cancel a mistaken earlier return in Tryton), then retry.`,
          "return_exceeds_sold"
        )
      }
      const first = lines[0]
      return { sku, quantity, product: first["product."]!.id, unit: first.unit, unitPrice: first.unit_price?.decimal ?? null, deliveryMove: delivery.id }
    })
  }

  /**
   * Units of each SKU the sale's other returns took back (all but `except`): the moves not cancelled of return
   * shipments whose origin is one of the sale's moves (a received return cancelled later keeps its units: they came in).
   */
  private async returnedBySku(saleMoveIds: number[], except: number | null): Promise<Map<string, number>> {
    const other = except === null ? [] : [["shipment", "!=", `${RETURN_MODEL},${except}`]]
    const rows = z.array(z.object({ quantity: z.number(), "product.": z.object({ code: z.string().nullable() }) })).parse(
      await this.client.model("stock.move", "search_read", [
        [["origin", "in", saleMoveIds.map((id) => `stock.move,${id}`)], ["shipment", "like", `${RETURN_MODEL},%`], ["state", "!=", "cancelled"], ...other],
        0, null, null, ["quantity", "product.code"],
      ])
    )
    return new Map(sumBySku(rows.map((m) => ({ sku: m["product."].code ?? "", quantity: m.quantity }))).map((l) => [l.sku, l.quantity]))
  }

  /**
   * The oldest live return carrying `reference`; any later one (a create whose answer was lost, committed after the
   * lookup of a retry) is cancelled while still draft, so the Medusa return has one.
   */
  private async oneReturnFor(reference: string): Promise<TrytonReturnShipment | null> {
    const live = z.array(returnShipmentSchema).parse(
      await this.client.model(RETURN_MODEL, "search_read", [[["reference", "=", reference], ["state", "!=", "cancelled"]], 0, null, [["id", "ASC"]], RETURN_FIELDS])
    )
    const extra = live.slice(1).filter((s) => s.state === "draft").map((s) => s.id)
    if (extra.length) await this.client.model(RETURN_MODEL, "cancel", [extra])
    return live[0] ?? null
  }

  /** How the return's lines differ from the input's, in words; null when they are the same (SKU and units). */
  private linesDiffer(shipment: TrytonReturnShipment, input: ErpReturnInput): string | null {
    const words = (lines: Array<{ sku: string; quantity: number }>) => sumBySku(lines).map((l) => `${l.sku} × ${l.quantity}`).join(", ")
    const has = words((shipment["incoming_moves."] ?? []).map((m) => ({ sku: m["product."].code ?? "", quantity: m.quantity })))
    const wanted = words(input.lines)
    return has === wanted ? null : `${has || "no lines"}, not ${wanted}`
  }

  private async readReturn(id: number): Promise<TrytonReturnShipment> {
    const rows = z.array(returnShipmentSchema).parse(await this.client.model(RETURN_MODEL, "read", [[id], RETURN_FIELDS]))
    if (!rows.length) throw this.permanent(`Tryton has no customer return with id ${id}`, "tryton_not_found")
    return rows[0]
  }

  private toErpReturn(shipment: TrytonReturnShipment, created: boolean): ErpReturn {
    return { externalId: String(shipment.id), number: shipment.number, state: STATES[shipment.state], created }
  }

  private label(shipment: TrytonReturnShipment): string {
    return shipment.number ? `#${shipment.number}` : `id ${shipment.id}`
  }

  /** A permanent refusal of the Medusa return, naming it and its order. */
  private refuse(input: ErpReturnInput, reason: string, code: string): IntegrationError {
    return this.permanent(`Cannot record return ${input.reference} of order #${input.orderNumber} in Tryton: ${reason}`, code)
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
