import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { sumBySku } from "../order-checks"
import { RETURN_DONE } from "../returns"
import { likeLiteral } from "../text-match"
import type { ErpReturn, ErpReturnInput } from "../types"
import { OdooClient } from "./client"
import { OdooPickings, OdooSaleWithPickings, pickingLabel, tag, TAGGED } from "./pickings"
import { OdooPicking, OdooStockMove, PICKING_FIELDS, pickingSchema, returnLineSchema } from "./types"

/** What the hub calls a return picking's state: anything before done is a draft return (goods not in stock yet). */
const STATES: Record<OdooPicking["state"], ErpReturn["state"]> = { draft: "draft", waiting: "draft", confirmed: "draft", assigned: "draft", done: "done", cancel: "cancelled" }

type Sale = OdooSaleWithPickings

/** A sale's live deliveries as a return is checked against them, and what earlier returns took back from them. */
type Deliveries = {
  /** Outgoing transfers not cancelled, oldest first. */
  pickings: OdooPicking[]
  moves: OdooStockMove[]
  /** Live moves returning the done delivery moves (but those of the return being replaced). */
  returns: OdooStockMove[]
  skuOf: Map<number, string>
}

/**
 * Customer returns as Odoo records them: the return picking of the sale's done delivery, made by the "Return"
 * wizard (`stock.return.picking`, opened on the delivery, its lines set to the returned quantities), an incoming
 * transfer ("Return of WH/OUT/…") that `button_validate` takes into stock. Our reference ends the return picking's
 * Source Document (`origin`) in brackets: Odoo keeps its own words there, staff see both in the Receipts list, and
 * the picking is found again by that exact ending. The checks are the adapter's, before anything is made: Odoo's
 * wizard itself returns whatever it is given, more than was delivered included.
 */
export class OdooReturns {
  private button?: Promise<string>
  private readonly pickings: OdooPickings

  constructor(private readonly client: OdooClient, private readonly connectionId: string) {
    this.pickings = new OdooPickings(client, connectionId)
  }

  /** The live return with `input.reference` when it has these lines; otherwise a new one (replacing one not done with other lines). */
  async createReturn(input: ErpReturnInput): Promise<ErpReturn> {
    const existing = await this.oneReturnFor(input.reference)
    const moves = existing ? await this.movesOf([existing.id]) : []
    const mismatch = existing && this.linesDiffer(moves, await this.skusOf(moves), input)
    if (existing && !mismatch) return this.view(existing, false)
    if (existing && existing.state === "done") {
      throw this.refuse(input, `its return picking ${this.label(existing)} is already done with other lines (${mismatch}). Correct it in Odoo, then mark this return done.`, "odoo_return_mismatch")
    }
    // Check first, change second: a return with other lines is cancelled only once the new lines pass.
    const sale = await this.readSale(input)
    if (sale.state === "cancel") {
      throw this.refuse(input, `its sale order ${sale.name} is cancelled in Odoo, so it delivered nothing to take back. If the goods did arrive, receive them in Odoo by hand, then mark this return done.`, "return_sale_cancelled")
    }
    const deliveries = await this.deliveries(sale, existing?.id ?? null)
    const orphan = existing ? null : await this.unlabelled(deliveries, input)
    if (orphan) return this.keepLabelled(orphan, input, orphan.id)
    const { delivery, quantities } = this.plan(sale, deliveries, input)
    if (existing) await this.client.call("stock.picking", "action_cancel", { ids: [existing.id] })
    const made = await this.runWizard(delivery, quantities)
    return this.keepLabelled((await this.readPickings([made]))[0], input, made)
  }

  /** Validates the return picking: its goods go into the warehouse's stock. A done one is returned as it is. */
  async receiveReturn(externalId: string, input: ErpReturnInput): Promise<ErpReturn> {
    let picking = await this.readReturn(externalId)
    if (!(picking.origin || "").endsWith(tag(input.reference))) {
      throw this.refuse(input, `Odoo's return picking ${this.label(picking)} does not carry it (its source document is "${picking.origin || ""}"). Check the return's sync record, then retry.`, "odoo_return_reference")
    }
    if (picking.state === "cancel") {
      throw this.refuse(input, `its return picking ${this.label(picking)} was cancelled in Odoo, so its goods were not taken in. Make the return again in Odoo ("Return" on the delivery) and validate it there, then mark this return done.`, "odoo_return_cancelled")
    }
    if (picking.state === "done") return this.view(picking, false)
    const answer = await this.client.call<unknown>("stock.picking", "button_validate", { ids: [picking.id] })
    picking = await this.readReturn(externalId)
    if (picking.state !== "done") {
      // Odoo answers with a wizard (a backorder to confirm, say) instead of validating.
      const asks = z.object({ res_model: z.string() }).safeParse(answer)
      throw this.refuse(input, `Odoo did not validate its return picking ${this.label(picking)} (state ${picking.state}${asks.success ? `; it asks for ${asks.data.res_model}` : ""}). Validate it in Odoo (Inventory › Receipts), then mark this return done.`, "odoo_return_not_done")
    }
    return this.view(picking, false)
  }

  /** Cancels a return picking not done yet. A done one is refused: its goods are in the warehouse's stock. */
  async cancelReturn(externalId: string): Promise<ErpReturn> {
    const picking = await this.readReturn(externalId)
    if (picking.state === "cancel") return this.view(picking, false)
    if (picking.state === "done") {
      throw this.permanent(
        `Cannot cancel return picking ${this.label(picking)} in Odoo: it is done, its goods are in the warehouse's stock. If they must leave again, return them in Odoo ("Return" on ${this.label(picking)}), then mark this cancellation done.`,
        RETURN_DONE
      )
    }
    await this.client.call("stock.picking", "action_cancel", { ids: [picking.id] })
    const after = await this.readReturn(externalId)
    if (after.state !== "cancel") throw this.permanent(`Odoo did not cancel return picking ${this.label(after)} (state ${after.state})`, "odoo_cancel_refused")
    return this.view(after, false)
  }

  /**
   * Checks every line against the sale's done deliveries (it must have delivered the SKU, and at least the units
   * this return and its earlier ones take back), then picks the delivery to return against: Odoo's wizard returns
   * one transfer at a time, so the oldest done delivery that can take the whole return back. Its moves' units.
   */
  private plan(sale: Sale, d: Deliveries, input: ErpReturnInput): { delivery: OdooPicking; quantities: Map<number, number> } {
    const titles = new Map(input.lines.map((l) => [l.sku, l.title]))
    const wanted = sumBySku(input.lines).filter((l) => l.quantity > 0)
    if (!wanted.length) throw this.refuse(input, "it has no units to take back.", "return_empty")
    const done = new Set(d.pickings.filter((p) => p.state === "done").map((p) => p.id))
    const isDone = (m: OdooStockMove) => m.state === "done" && !!m.picking_id && done.has(m.picking_id[0])
    const returnedFrom = (move: OdooStockMove) => d.returns.filter((r) => r.origin_returned_move_id && r.origin_returned_move_id[0] === move.id).reduce((n, r) => n + (r.state === "done" ? r.quantity : r.product_uom_qty), 0)
    const left = (move: OdooStockMove) => move.quantity - returnedFrom(move)
    for (const { sku, quantity } of wanted) {
      const line = `line '${titles.get(sku)}' (SKU '${sku}')`
      const moves = d.moves.filter((m) => d.skuOf.get(m.product_id[0]) === sku)
      if (!moves.length) {
        throw this.refuse(input, `${line} was not delivered by sale order ${sale.name}: Odoo takes back only what the sale's delivery sent. Take the line out of the return in Medusa (only items of the order can come back), then retry.`, "return_not_sold")
      }
      const delivered = moves.filter(isDone).reduce((n, m) => n + m.quantity, 0)
      const before = moves.filter(isDone).reduce((n, m) => n + returnedFrom(m), 0)
      const pending = d.pickings.filter((p) => p.state !== "done" && moves.some((m) => m.picking_id && m.picking_id[0] === p.id)).map((p) => this.label(p))
      const validate = `validate ${pending.join(", ")} in Odoo first (Inventory › Deliveries), then retry — or, if the goods never left, handle the return in Odoo and mark this return done`
      if (!delivered) {
        throw this.refuse(input, `${line} has not been delivered yet: Odoo takes goods back only against a done delivery of sale order ${sale.name}, and its delivery ${pending.join(", ")} is not done. To record the return, ${validate}.`, "return_not_delivered")
      }
      if (quantity > delivered - before) {
        throw this.refuse(
          input,
          `${line} takes back ${quantity} unit(s), but sale order ${sale.name} delivered ${delivered}${before ? ` and its other returns took back ${before}` : ""}, so at most ${Math.max(delivered - before, 0)} can come back${pending.length ? ` (more are on ${pending.join(", ")}, not done: if they left, ${validate})` : ""}. Correct the quantity of the return in Medusa (or cancel a mistaken earlier return in Odoo), then retry.`,
          "return_exceeds_sold"
        )
      }
    }
    for (const delivery of d.pickings.filter((p) => done.has(p.id))) {
      const quantities = new Map<number, number>()
      const fits = wanted.every(({ sku, quantity }) => {
        let rest = quantity
        for (const move of d.moves.filter((m) => isDone(m) && m.picking_id && m.picking_id[0] === delivery.id && d.skuOf.get(m.product_id[0]) === sku)) {
          const take = Math.min(rest, Math.max(left(move), 0))
          if (take > 0) quantities.set(move.id, take)
          rest -= take
        }
        return rest === 0
      })
      if (fits) return { delivery, quantities }
    }
    const names = d.pickings.filter((p) => done.has(p.id)).map((p) => this.label(p)).join(", ")
    throw this.refuse(input, `its units came with more than one delivery of sale order ${sale.name} (${names}) and Odoo returns one delivery at a time. Make the return in Odoo ("Return" on each delivery), then mark this return done.`, "odoo_return_spans_deliveries")
  }

  /**
   * The wizard as staff use it: opened on the delivery (context active_id, active_model "stock.picking"), Odoo
   * proposes a line per move; each gets the units returned from that move (0 for the rest), then the button makes
   * the return picking, which Odoo confirms. The button is `create_returns` up to Odoo 17, `action_create_returns` from 18.
   */
  private async runWizard(delivery: OdooPicking, quantities: Map<number, number>): Promise<number> {
    const context = { active_id: delivery.id, active_ids: [delivery.id], active_model: "stock.picking" }
    const [wizard] = await this.client.call<number[]>("stock.return.picking", "create", { params: { vals_list: [{ picking_id: delivery.id }], context } })
    const lines = z.array(returnLineSchema).parse(await this.client.call("stock.return.picking.line", "search_read", { params: { domain: [["wizard_id", "=", wizard]], fields: ["move_id", "quantity"] } }))
    const moveOf = (l: z.infer<typeof returnLineSchema>) => (l.move_id ? l.move_id[0] : 0)
    const missing = [...quantities.keys()].find((id) => !lines.some((l) => moveOf(l) === id))
    if (missing !== undefined) throw this.permanent(`Odoo's return wizard on ${this.label(delivery)} offers no line for its move ${missing}: make the return in Odoo, then mark this return done.`, "odoo_return_wizard")
    const commands = lines.map((l) => [1, l.id, { quantity: quantities.get(moveOf(l)) ?? 0 }])
    await this.client.call("stock.return.picking", "write", { ids: [wizard], params: { vals: { product_return_moves: commands } } })
    const action = await this.client.call<unknown>("stock.return.picking", await this.wizardButton(), { ids: [wizard], params: { context } })
    return z.object({ res_id: z.number().int() }).parse(action).res_id
  }

  /**
   * Puts our reference on a return picking of ours, then keeps the oldest live one with it (a second run, or a
   * create whose answer was lost, may have made another): the rest, not done, are cancelled.
   */
  private async keepLabelled(picking: OdooPicking, input: ErpReturnInput, madeId: number): Promise<ErpReturn> {
    await this.client.call("stock.picking", "write", { ids: [picking.id], params: { vals: { origin: `${picking.origin || ""}${tag(input.reference)}`.trim() } } })
    const kept = await this.oneReturnFor(input.reference)
    if (!kept) throw this.permanent(`Odoo did not keep the reference ${input.reference} on return picking ${this.label(picking)}`, "odoo_return_lost")
    return this.view(kept, kept.id === madeId)
  }

  /**
   * A return picking of these deliveries that this adapter made but could not label (the answer of the wizard was
   * lost): not labelled, not done, with exactly these lines. Without it a retry would count it as an earlier return
   * and refuse the Medusa return as too many units.
   */
  private async unlabelled(d: Deliveries, input: ErpReturnInput): Promise<OdooPicking | null> {
    const ids = [...new Set(d.returns.flatMap((m) => (m.picking_id ? [m.picking_id[0]] : [])))]
    if (!ids.length) return null
    const candidates = (await this.readPickings(ids)).filter((p) => p.picking_type_code === "incoming" && p.state !== "done" && p.state !== "cancel" && !TAGGED.test(p.origin || ""))
    return candidates.find((p) => !this.linesDiffer(d.returns.filter((m) => m.picking_id && m.picking_id[0] === p.id), d.skuOf, input)) ?? null
  }

  private async deliveries(sale: Sale, except: number | null): Promise<Deliveries> {
    const pickings = (await this.readPickings(sale.picking_ids)).filter((p) => p.picking_type_code === "outgoing" && p.state !== "cancel").sort((a, b) => a.id - b.id)
    const moves = pickings.length ? await this.searchMoves([["picking_id", "in", pickings.map((p) => p.id)], ["state", "!=", "cancel"]]) : []
    const done = moves.filter((m) => m.state === "done").map((m) => m.id)
    const other = except === null ? [] : [["picking_id", "!=", except]]
    const returns = done.length ? await this.searchMoves([["origin_returned_move_id", "in", done], ["state", "!=", "cancel"], ...other]) : []
    return { pickings, moves, returns, skuOf: await this.skusOf(moves) }
  }

  /** How a return's moves differ from the input's lines, in words; null when they are the same (SKU and units). */
  private linesDiffer(moves: OdooStockMove[], skuOf: Map<number, string>, input: ErpReturnInput): string | null {
    const words = (lines: Array<{ sku: string; quantity: number }>) => sumBySku(lines).filter((l) => l.quantity > 0).map((l) => `${l.sku} × ${l.quantity}`).join(", ")
    const has = words(moves.filter((m) => m.state !== "cancel").map((m) => ({ sku: skuOf.get(m.product_id[0]) ?? `product ${m.product_id[0]}`, quantity: m.product_uom_qty })))
    const wanted = words(input.lines)
    return has === wanted ? null : `${has || "no lines"}, not ${wanted}`
  }

  /** The oldest live return picking carrying `reference`; later ones not done are cancelled, so the Medusa return has one. */
  private async oneReturnFor(reference: string): Promise<OdooPicking | null> {
    const domain = [["picking_type_code", "=", "incoming"], ["origin", "=like", `%${likeLiteral(tag(reference))}`], ["state", "!=", "cancel"]]
    const live = z.array(pickingSchema).parse(await this.client.call("stock.picking", "search_read", { params: { domain, fields: PICKING_FIELDS, order: "id asc" } }))
    const extra = live.slice(1).filter((p) => p.state !== "done").map((p) => p.id)
    if (extra.length) await this.client.call("stock.picking", "action_cancel", { ids: extra })
    return live[0] ?? null
  }

  /** Which button the return wizard has on this Odoo, asked once: 18 added the lines' `move_quantity` when it renamed it. */
  private wizardButton(): Promise<string> {
    if (!this.button) {
      const asked = this.client
        .call<Record<string, unknown>>("stock.return.picking.line", "fields_get", { params: { allfields: ["move_quantity"], attributes: ["type"] } })
        .then((fields) => ("move_quantity" in fields ? "action_create_returns" : "create_returns"))
      this.button = asked
      asked.catch(() => {
        if (this.button === asked) this.button = undefined
      })
    }
    return this.button
  }

  private readSale(input: ErpReturnInput): Promise<Sale> {
    return this.pickings.readSale(input.saleExternalId, input.orderNumber)
  }

  private readPickings(ids: number[]): Promise<OdooPicking[]> {
    return this.pickings.readPickings(ids)
  }

  private async readReturn(externalId: string): Promise<OdooPicking> {
    const [picking] = await this.readPickings([Number(externalId)])
    if (!picking) throw this.permanent(`Odoo has no return picking with id ${externalId}`, "odoo_not_found")
    return picking
  }

  private movesOf(pickingIds: number[]): Promise<OdooStockMove[]> {
    return this.searchMoves([["picking_id", "in", pickingIds]])
  }

  private searchMoves(domain: unknown[]): Promise<OdooStockMove[]> {
    return this.pickings.searchMoves(domain)
  }

  private skusOf(moves: OdooStockMove[]): Promise<Map<number, string>> {
    return this.pickings.skusOf(moves.map((m) => m.product_id[0]))
  }

  private view(picking: OdooPicking, created: boolean): ErpReturn {
    return { externalId: String(picking.id), number: picking.name || null, state: STATES[picking.state], created }
  }

  private label(picking: OdooPicking): string {
    return pickingLabel(picking)
  }

  /** A permanent refusal of the Medusa return, naming it and its order. */
  private refuse(input: ErpReturnInput, reason: string, code: string): IntegrationError {
    return this.permanent(`Cannot record return ${input.reference} of order #${input.orderNumber} in Odoo: ${reason}`, code)
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
