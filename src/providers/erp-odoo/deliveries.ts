import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { sumBySku } from "../order-checks"
import type { ErpDelivery, ErpDeliveryInput } from "../types"
import type { OdooClient } from "./client"
import { OdooPickings, pickingLabel, tag, TAGGED } from "./pickings"
import type { OdooPicking, OdooStockMove } from "./types"

/**
 * Deliveries Medusa made, as Odoo records a partial delivery: on the sale's open delivery (an outgoing transfer),
 * each move's quantity is set to the units shipped (and marked picked; the others 0), our reference ends its Source
 * Document in brackets, and `button_validate` runs with `skip_backorder` (what the "Create Backorder" button of
 * Odoo's backorder wizard does): the units shipped leave, the rest moves to a backorder (WH/OUT/…) for the next
 * parcel. Validating is one transaction in Odoo, so a run that stopped before it finds the transfer still open and
 * does it again; once done, the transfer is found by its reference.
 */
export class OdooDeliveries {
  private readonly pickings: OdooPickings

  constructor(private readonly client: OdooClient, private readonly connectionId: string) {
    this.pickings = new OdooPickings(client, connectionId)
  }

  async recordDelivery(input: ErpDeliveryInput): Promise<ErpDelivery> {
    const sale = await this.pickings.readSale(input.saleExternalId, input.orderNumber)
    const outgoing = (await this.pickings.readPickings(sale.picking_ids)).filter((p) => p.picking_type_code === "outgoing").sort((a, b) => a.id - b.id)
    const ours = outgoing.filter((p) => p.state === "done" && (p.origin || "").endsWith(tag(input.reference)))
    if (ours.length) return { shipments: ours.map(toRef), created: false }
    const open = outgoing.filter((p) => p.state !== "done" && p.state !== "cancel")
    if (!outgoing.length && sale.state !== "sale") {
      throw new IntegrationError(`Odoo's sale order ${sale.name} (order #${input.orderNumber}) is not confirmed, so it has no delivery yet: the fulfillment is recorded once it has (will retry)`, {
        connectionId: this.connectionId, code: "odoo_delivery_not_planned", retryable: true,
      })
    }
    const moves = open.length ? await this.pickings.searchMoves([["picking_id", "in", open.map((p) => p.id)], ["state", "not in", ["done", "cancel"]]]) : []
    const skuOf = await this.pickings.skusOf(moves.map((m) => m.product_id[0]))
    const plan = this.allocate(input, sale.name, open, moves, skuOf)
    for (const [picking, take] of plan) await this.validate(picking, moves.filter((m) => m.picking_id && m.picking_id[0] === picking.id), take, input)
    return { shipments: [...plan.keys()].map(toRef), created: true }
  }

  /** Units to ship from each move, transfer by transfer, oldest first; refused in words when the open deliveries hold too little. */
  private allocate(input: ErpDeliveryInput, saleName: string, open: OdooPicking[], moves: OdooStockMove[], skuOf: Map<number, string>): Map<OdooPicking, Map<number, number>> {
    const plan = new Map<OdooPicking, Map<number, number>>()
    for (const { sku, quantity } of sumBySku(input.lines)) {
      let left = quantity
      for (const picking of open) {
        for (const move of moves.filter((m) => m.picking_id && m.picking_id[0] === picking.id && skuOf.get(m.product_id[0]) === sku)) {
          const take = Math.min(left, move.product_uom_qty)
          if (take <= 0) continue
          plan.set(picking, (plan.get(picking) ?? new Map<number, number>()).set(move.id, take))
          left -= take
        }
      }
      if (left > 0) {
        throw new IntegrationError(
          `Cannot record fulfillment ${input.reference} of order #${input.orderNumber} in Odoo: it shipped ${sku} ×${quantity}, but the open deliveries of sale order ${saleName} hold only ${quantity - left}` +
            `${open.length ? ` (${open.map(pickingLabel).join(", ")})` : ""} (the rest was delivered or cancelled in Odoo). Put the sale's deliveries right in Odoo, then mark this record resolved.`,
          { connectionId: this.connectionId, code: "odoo_delivery_mismatch", retryable: false }
        )
      }
    }
    return plan
  }

  /** The transfer's moves set to what left (picked), the rest to 0; labelled; validated with a backorder for the rest. */
  private async validate(picking: OdooPicking, moves: OdooStockMove[], take: Map<number, number>, input: ErpDeliveryInput): Promise<void> {
    for (const move of moves) {
      const units = take.get(move.id) ?? 0
      await this.client.call("stock.move", "write", { ids: [move.id], params: { vals: { quantity: units, picked: units > 0 } } })
    }
    const origin = `${(picking.origin || "").replace(TAGGED, "")}${tag(input.reference)}`.trim()
    await this.client.call("stock.picking", "write", { ids: [picking.id], params: { vals: { origin } } })
    const answer = await this.client.call<unknown>("stock.picking", "button_validate", { ids: [picking.id], params: { context: { skip_backorder: true } } })
    const [after] = await this.pickings.readPickings([picking.id])
    if (after?.state !== "done") {
      const asks = z.object({ res_model: z.string() }).safeParse(answer)
      throw new IntegrationError(
        `Odoo did not validate delivery ${pickingLabel(picking)} for fulfillment ${input.reference} of order #${input.orderNumber} (state ${after?.state ?? "gone"}${asks.success ? `; it asks for ${asks.data.res_model}` : ""}). Validate it in Odoo (Inventory › Deliveries), then mark this record resolved.`,
        { connectionId: this.connectionId, code: "odoo_delivery_not_done", retryable: false }
      )
    }
  }
}

const toRef = (p: OdooPicking) => ({ externalId: String(p.id), number: p.name || null })
