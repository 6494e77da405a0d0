/*
 * Deliveries and returns in the protocol-faithful Odoo (server.ts), as the stock and sale_stock apps make them:
 * a confirmed sale order gets a delivery (an outgoing picking, WH/OUT/…, a move per stockable sale line, reserved);
 * validating a transfer (button_validate) moves its goods (the products' on-hand quantity, the quants of internal
 * locations, the sale lines' delivered quantity); the "Return" wizard (stock.return.picking) on a done delivery
 * makes a receipt (WH/IN/…, "Return of WH/OUT/…") whose moves carry the returned quantities; a transfer not done
 * can be cancelled. Forecasts (virtual_available) count what confirmed transfers plan to move.
 *
 * The wizard's button is `create_returns` in Odoo 17 and `action_create_returns` from 18 (which also stopped
 * proposing the returnable quantity: its lines start at 0). Neither refuses returning more than was delivered:
 * Odoo leaves that to the user, so the adapter checks it before it calls the wizard.
 */
import { Orm, ormNow, Row, userError } from "./orm"

export function installStock(orm: Orm, version: 17 | 19) {
  const movesOf = (picking: Row) => orm.all("stock.move").filter((m) => m.picking_id === picking.id)
  const internal = (location: unknown) => orm.get("stock.location", location as number).usage === "internal"

  /** The company's first warehouse with its Receipts and Delivery Orders, made as Odoo's install makes them when there is none. */
  function warehouse(): { out: Row; customers: number } {
    let [wh] = orm.search("stock.warehouse", { limit: 1 })
    if (!wh) {
      const view = orm.insert("stock.location", { name: "WH", usage: "view" })
      wh = orm.get("stock.warehouse", orm.insert("stock.warehouse", { name: "YourCompany", code: "WH", lot_stock_id: orm.insert("stock.location", { name: "WH/Stock", usage: "internal", location_id: view }) }))
    }
    const customers = orm.search("stock.location", { domain: [["usage", "=", "customer"]], limit: 1 })[0]?.id ?? orm.insert("stock.location", { name: "Partners/Customers", usage: "customer" })
    const typeOf = (code: string) => orm.search("stock.picking.type", { domain: [["warehouse_id", "=", wh.id], ["code", "=", code]], limit: 1 })[0]
    if (!typeOf("outgoing")) {
      const receipts = orm.insert("stock.picking.type", { name: "Receipts", code: "incoming", sequence_code: "IN", warehouse_id: wh.id, default_location_dest_id: wh.lot_stock_id })
      orm.insert("stock.picking.type", {
        name: "Delivery Orders", code: "outgoing", sequence_code: "OUT", warehouse_id: wh.id, default_location_src_id: wh.lot_stock_id, default_location_dest_id: customers, return_picking_type_id: receipts,
      })
    }
    return { out: typeOf("outgoing"), customers }
  }

  const typeName = (typeId: unknown) => {
    const type = orm.get("stock.picking.type", typeId as number)
    return `${String(orm.get("stock.warehouse", type.warehouse_id as number).code)}/${String(type.sequence_code)}`
  }
  /** A product's forecast moves with what confirmed transfers plan: out of stock (less), into stock (more). */
  const plan = (move: Row, sign: 1 | -1) => {
    const product = orm.get("product.product", move.product_id as number)
    const direction = (internal(move.location_dest_id) ? 1 : 0) - (internal(move.location_id) ? 1 : 0)
    product.virtual_available = (product.virtual_available as number) + sign * direction * (move.product_uom_qty as number)
  }

  /** action_confirm then action_assign: the moves are planned, and reserved (the test server takes the goods as available). */
  function confirm(picking: Row) {
    for (const move of movesOf(picking).filter((m) => m.state === "draft")) {
      plan(move, 1)
      Object.assign(move, { state: "assigned", quantity: move.product_uom_qty })
    }
    picking.state = "assigned"
  }

  function done(picking: Row) {
    for (const move of movesOf(picking).filter((m) => m.state !== "cancel")) {
      const q = move.quantity as number
      const product = orm.get("product.product", move.product_id as number)
      for (const [location, sign] of [[move.location_id, -1], [move.location_dest_id, 1]] as const) {
        if (!internal(location)) continue
        product.qty_available = (product.qty_available as number) + sign * q
        const [quant] = orm.search("stock.quant", { domain: [["product_id", "=", product.id], ["location_id", "=", location]], limit: 1 })
        if (quant) orm.write("stock.quant", quant, { quantity: (quant.quantity as number) + sign * q })
        else orm.insert("stock.quant", { product_id: product.id, location_id: location, quantity: sign * q })
      }
      // What the sale line delivered: a delivery adds, a return of it takes back.
      if (move.sale_line_id) {
        const line = orm.get("sale.order.line", move.sale_line_id as number)
        line.qty_delivered = (line.qty_delivered as number) + (move.origin_returned_move_id ? -q : q)
      }
      Object.assign(move, { state: "done", picked: true })
    }
    Object.assign(picking, { state: "done", date_done: ormNow() })
  }

  /**
   * `_create_backorder`: what a transfer validated with less than planned did not move goes to a copy of it (its
   * Source Document included: Odoo copies the transfer), ready for the next parcel; the moves keep what they move.
   */
  function backorder(picking: Row) {
    const short = movesOf(picking).filter((m) => m.state !== "cancel" && (m.quantity as number) < (m.product_uom_qty as number))
    if (!short.length) return
    const copy = orm.get("stock.picking", orm.insert("stock.picking", {
      name: orm.nextName(typeName(picking.picking_type_id), false), picking_type_id: picking.picking_type_id, origin: picking.origin, partner_id: picking.partner_id,
      location_id: picking.location_id, location_dest_id: picking.location_dest_id, sale_id: picking.sale_id, backorder_id: picking.id, state: "draft",
    }))
    for (const move of short) {
      const rest = (move.product_uom_qty as number) - (move.quantity as number)
      if ((move.quantity as number) === 0) {
        Object.assign(move, { picking_id: copy.id, state: "draft" })
        plan(move, -1)
      } else {
        plan(move, -1)
        orm.insert("stock.move", { name: move.name, product_id: move.product_id, product_uom_qty: rest, picking_id: copy.id, location_id: move.location_id, location_dest_id: move.location_dest_id, sale_line_id: move.sale_line_id })
        move.product_uom_qty = move.quantity
        plan(move, 1)
      }
    }
    confirm(copy)
  }

  function cancel(picking: Row) {
    if (picking.state === "done") throw userError("You cannot cancel a stock move that has been set to 'Done'. Create a return in order to reverse the moves which took place.")
    for (const move of movesOf(picking).filter((m) => m.state !== "cancel")) {
      if (move.state !== "draft") plan(move, -1)
      Object.assign(move, { state: "cancel", quantity: 0 })
    }
    picking.state = "cancel"
  }

  orm.computes["sale.order.picking_ids"] = (row) => orm.all("stock.picking").filter((p) => p.sale_id === row.id).map((p) => p.id)
  orm.computes["stock.picking.picking_type_code"] = (row) => orm.get("stock.picking.type", row.picking_type_id as number).code
  if (version === 19) orm.computes["stock.return.picking.line.move_quantity"] = (row) => (row.move_id ? orm.get("stock.move", row.move_id as number).quantity : 0)
  orm.onNew["stock.picking"] = (row) => {
    row.scheduled_date = ormNow()
  }

  /** What a confirmed sale order does in sale_stock: its delivery, a move per line of a product that is not a service. */
  function deliver(order: Row) {
    const lines = orm.all("sale.order.line").filter((l) => l.order_id === order.id && orm.get("product.product", l.product_id as number).type !== "service")
    if (!lines.length) return
    const { out, customers } = warehouse()
    const from = out.default_location_src_id as number
    const picking = orm.get("stock.picking", orm.insert("stock.picking", {
      name: orm.nextName(typeName(out.id), false), picking_type_id: out.id, origin: order.name, partner_id: order.partner_shipping_id || order.partner_id,
      location_id: from, location_dest_id: customers, sale_id: order.id, state: "draft",
      move_ids: lines.map((l) => [0, 0, { name: l.name || "/", product_id: l.product_id, product_uom_qty: l.product_uom_qty, location_id: from, location_dest_id: customers, sale_line_id: l.id }]),
    }))
    confirm(picking)
  }
  /** sale_stock cancels the sale's transfers that are not done with it. */
  function cancelDeliveries(order: Row) {
    for (const picking of orm.all("stock.picking").filter((p) => p.sale_id === order.id && p.state !== "done" && p.state !== "cancel")) cancel(picking)
  }

  orm.wizards["stock.return.picking"] = (wizard) => {
    const ctx = orm.contextOf(wizard)
    if (ctx.active_model === "stock.picking" && ctx.active_id) {
      if ((ctx.active_ids ?? []).length > 1) throw userError("You may only return one picking at a time.")
      if (!wizard.picking_id) wizard.picking_id = ctx.active_id
    }
    if (!wizard.picking_id) return
    const picking = orm.records("stock.picking", [wizard.picking_id])[0]
    if (picking.state !== "done") throw userError("You may only return Done pickings.")
    if (version === 17 && !wizard.location_id) wizard.location_id = picking.location_id
    // Lines given at create are kept (Odoo protects a computed field given a value); else one per move of the transfer.
    if (orm.all("stock.return.picking.line").some((l) => l.wizard_id === wizard.id)) return
    const moves = movesOf(picking).filter((m) => m.state !== "cancel")
    if (!moves.length) throw userError("No products to return (only lines in Done state and not fully returned yet can be returned).")
    for (const move of moves) {
      // Odoo 17 proposes what is left to return; 18 and later propose nothing (the user types it, or "Return All").
      const returned = orm.all("stock.move").filter((r) => r.origin_returned_move_id === move.id && r.state !== "cancel").reduce((n, r) => n + (r.state === "done" ? (r.quantity as number) : (r.product_uom_qty as number)), 0)
      orm.insert("stock.return.picking.line", { wizard_id: wizard.id, product_id: move.product_id, move_id: move.id, quantity: version === 17 ? Math.max((move.quantity as number) - returned, 0) : 0 })
    }
  }

  /** `_create_returns`: a copy of the transfer of its return type, from where the goods went back to where they came from. */
  function createReturn(wizard: Row): number {
    const picking = orm.records("stock.picking", [wizard.picking_id])[0]
    const type = orm.get("stock.picking.type", picking.picking_type_id as number)
    const returnType = (type.return_picking_type_id as number) || type.id
    const destination = version === 17 ? (wizard.location_id as number) || picking.location_id : orm.get("stock.picking.type", returnType).code === "incoming" ? orm.get("stock.picking.type", returnType).default_location_dest_id : picking.location_id
    const lines = orm.all("stock.return.picking.line").filter((l) => l.wizard_id === wizard.id)
    if (version === 17 && lines.some((l) => !l.move_id)) throw userError("You have manually created product lines, please delete them to proceed.")
    const returned = lines.filter((l) => (l.quantity as number) > 0)
    if (!returned.length) throw userError("Please specify at least one non-zero quantity.")
    const copy = orm.get("stock.picking", orm.insert("stock.picking", {
      name: orm.nextName(typeName(returnType), false), picking_type_id: returnType, origin: `Return of ${String(picking.name)}`, partner_id: picking.partner_id,
      location_id: picking.location_dest_id, location_dest_id: destination, sale_id: picking.sale_id, return_id: picking.id, state: "draft",
    }))
    for (const line of returned) {
      const move = line.move_id ? orm.get("stock.move", line.move_id as number) : undefined
      orm.insert("stock.move", {
        name: move?.name || "/", product_id: line.product_id, product_uom_qty: line.quantity, picking_id: copy.id, location_id: copy.location_id, location_dest_id: destination,
        origin_returned_move_id: move?.id ?? false, sale_line_id: move?.sale_line_id ?? false,
      })
    }
    confirm(copy)
    return copy.id
  }
  const returned = (id: number) => ({ name: "Returned Picking", type: "ir.actions.act_window", res_model: "stock.picking", res_id: id, view_mode: "form", context: {} })

  Object.assign(orm.buttons, {
    [version === 17 ? "stock.return.picking.create_returns" : "stock.return.picking.action_create_returns"]: (wizards: Row[]) => {
      let id = 0
      for (const wizard of wizards) id = createReturn(wizard)
      return returned(id)
    },
    "stock.picking.action_confirm": (pickings: Row[]) => {
      for (const picking of pickings) if (picking.state === "draft") confirm(picking)
      return true
    },
    "stock.picking.button_validate": (pickings: Row[], context: { skip_backorder?: boolean }) => {
      for (const picking of pickings) {
        if (picking.state === "done") continue
        if (picking.state === "draft") confirm(picking)
        const moves = movesOf(picking).filter((m) => m.state !== "cancel")
        // Once a move is picked, the moves not picked count as nothing moved (Odoo 17's `picked`).
        if (moves.some((m) => m.picked)) for (const m of moves.filter((mv) => !mv.picked)) m.quantity = 0
        if (!moves.some((m) => (m.quantity as number) > 0)) {
          throw userError("You cannot validate a transfer if no quantities are reserved nor done. You can use the info button on the top right corner of your screen to change the quantity done.")
        }
        // Less than planned: Odoo asks whether to make a backorder, and validates nothing yet — unless the wizard's
        // "Create Backorder" (skip_backorder in the context) asked for one.
        if (!context.skip_backorder && moves.some((m) => (m.quantity as number) < (m.product_uom_qty as number))) return { type: "ir.actions.act_window", res_model: "stock.backorder.confirmation", target: "new" }
      }
      for (const picking of pickings) {
        if (picking.state === "done") continue
        backorder(picking)
        done(picking)
      }
      return true
    },
    "stock.picking.action_cancel": (pickings: Row[]) => {
      if (pickings.some((p) => p.state === "done")) cancel(pickings.find((p) => p.state === "done")!)
      for (const picking of pickings) if (picking.state !== "cancel") cancel(picking)
      return true
    },
  })
  return { deliver, cancelDeliveries }
}
