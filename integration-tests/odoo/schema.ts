/*
 * The models of the protocol-faithful Odoo (server.ts), with the fields the adapter and the tests use, as Odoo 17
 * or 19 names them. What is computed is registered by the concern that computes it (sales.ts, invoices.ts, …).
 */
import { char, float, m2m, Schema, selection } from "./orm"

/**
 * The models the adapter touches, as Odoo 17 (`version: 17`) or 19 names them: 19 renamed the sale line's
 * `tax_id` to `tax_ids` and the payment's `ref` to `memo` (18); 18 reworked the return wizard (stock.ts). Computed
 * fields are read-only.
 */
export function schema(version: 17 | 19): Schema {
  return {
    "res.country": { name: char({ required: true }), code: char() },
    "res.currency": { name: char({ required: true }), decimal_places: { type: "integer", default: () => 2 } },
    "product.pricelist": { name: char({ required: true }), currency_id: { type: "many2one", model: "res.currency", required: true } },
    "res.partner": {
      name: char({ required: true }), email: char(), phone: char(), street: char(), street2: char(), city: char(), zip: char(),
      type: selection(["contact", "invoice", "delivery", "other"]),
      parent_id: { type: "many2one", model: "res.partner" }, country_id: { type: "many2one", model: "res.country" },
    },
    "res.users": { login: char({ required: true }), name: char() },
    "account.tax": {
      name: char({ required: true }), amount: float(), amount_type: selection(["percent", "fixed", "group", "division"]),
      type_tax_use: selection(["sale", "purchase", "none"]), price_include: { type: "boolean", default: () => false },
    },
    "product.product": {
      name: char({ required: true }), default_code: char(), list_price: float(), qty_available: float(), virtual_available: float(),
      type: selection(["consu", "service", "combo"]), invoice_policy: selection(["order", "delivery"]),
    },
    "sale.order": {
      name: char(), partner_id: { type: "many2one", model: "res.partner", required: true },
      partner_invoice_id: { type: "many2one", model: "res.partner" }, partner_shipping_id: { type: "many2one", model: "res.partner" },
      client_order_ref: char(), origin: char(), date_order: { type: "datetime" },
      pricelist_id: { type: "many2one", model: "product.pricelist" }, currency_id: { type: "many2one", model: "res.currency" },
      state: selection(["draft", "sent", "sale", "done", "cancel"]),
      order_line: { type: "one2many", model: "sale.order.line", inverse: "order_id" },
      amount_untaxed: float(), amount_tax: float(), amount_total: float(),
      invoice_ids: m2m("account.move"), invoice_status: selection(["no", "to invoice", "invoiced", "upselling"]),
      // The sale's transfers: its deliveries and their returns (computed from the pickings' sale_id).
      picking_ids: m2m("stock.picking"),
    },
    "sale.order.line": {
      order_id: { type: "many2one", model: "sale.order", required: true }, product_id: { type: "many2one", model: "product.product", required: true },
      name: char(), product_uom_qty: float({ default: () => 1 }), price_unit: float(), [version === 19 ? "tax_ids" : "tax_id"]: m2m("account.tax"),
      qty_delivered: float(), qty_invoiced: float(), price_subtotal: float(), price_tax: float(), price_total: float(),
    },
    "account.move": {
      name: char({ default: () => "/" }), move_type: selection(["entry", "out_invoice", "out_refund"]),
      state: selection(["draft", "posted", "cancel"]), partner_id: { type: "many2one", model: "res.partner" },
      currency_id: { type: "many2one", model: "res.currency" },
      ref: char(), invoice_origin: char(), invoice_date: { type: "date" }, reversed_entry_id: { type: "many2one", model: "account.move" },
      invoice_line_ids: { type: "one2many", model: "account.move.line", inverse: "move_id" },
      amount_untaxed: float(), amount_tax: float(), amount_total: float(), amount_residual: float(),
      payment_state: selection(["not_paid", "partial", "in_payment", "paid", "reversed"]),
    },
    "account.move.line": {
      move_id: { type: "many2one", model: "account.move", required: true }, product_id: { type: "many2one", model: "product.product" },
      name: char(), quantity: float({ default: () => 1 }), price_unit: float(), tax_ids: m2m("account.tax"), sale_line_ids: m2m("sale.order.line"),
      price_subtotal: float(), price_total: float(),
    },
    "account.payment": {
      amount: float(), payment_type: selection(["inbound", "outbound"]), partner_id: { type: "many2one", model: "res.partner" },
      [version === 19 ? "memo" : "ref"]: char(), date: { type: "date" },
      state: version === 19 ? selection(["draft", "in_process", "paid", "canceled", "rejected"]) : selection(["draft", "posted", "cancel"]),
      reconciled_invoice_ids: m2m("account.move"),
    },
    // Stock (the stock app): warehouses with their stock location, locations in a tree, quants per product and location.
    "stock.location": {
      name: char({ required: true }), location_id: { type: "many2one", model: "stock.location" },
      usage: selection(["internal", "view", "supplier", "customer", "inventory", "transit"]),
    },
    "stock.warehouse": { name: char({ required: true }), code: char({ required: true }), lot_stock_id: { type: "many2one", model: "stock.location", required: true } },
    "stock.quant": {
      product_id: { type: "many2one", model: "product.product", required: true }, location_id: { type: "many2one", model: "stock.location", required: true },
      quantity: float(), reserved_quantity: float(), write_date: { type: "datetime" },
    },
    "delivery.carrier": { name: char({ required: true }) },
    // Operation types (Receipts, Delivery Orders) of a warehouse: a delivery's return is a receipt.
    "stock.picking.type": {
      name: char({ required: true }), code: selection(["incoming", "outgoing", "internal"]), sequence_code: char({ required: true }),
      warehouse_id: { type: "many2one", model: "stock.warehouse" }, return_picking_type_id: { type: "many2one", model: "stock.picking.type" },
      default_location_src_id: { type: "many2one", model: "stock.location" }, default_location_dest_id: { type: "many2one", model: "stock.location" },
    },
    // Transfers and their moves; quantity is what is reserved or done (Odoo 17 merged quantity_done into it).
    "stock.picking": {
      name: char({ default: () => "/" }), picking_type_id: { type: "many2one", model: "stock.picking.type", required: true }, picking_type_code: selection(["incoming", "outgoing", "internal"]),
      state: selection(["draft", "waiting", "confirmed", "assigned", "done", "cancel"]), origin: char(), partner_id: { type: "many2one", model: "res.partner" },
      location_id: { type: "many2one", model: "stock.location", required: true }, location_dest_id: { type: "many2one", model: "stock.location", required: true },
      sale_id: { type: "many2one", model: "sale.order" }, return_id: { type: "many2one", model: "stock.picking" }, backorder_id: { type: "many2one", model: "stock.picking" },
      move_ids: { type: "one2many", model: "stock.move", inverse: "picking_id" }, scheduled_date: { type: "datetime" }, date_done: { type: "datetime" },
      write_date: { type: "datetime" },
      // The Delivery app's fields (delivery.carrier and the tracking number the carrier gave).
      carrier_id: { type: "many2one", model: "delivery.carrier" }, carrier_tracking_ref: char(),
    },
    "stock.move": {
      name: char(), product_id: { type: "many2one", model: "product.product", required: true }, product_uom_qty: float(), quantity: float(), picked: { type: "boolean", default: () => false },
      state: selection(["draft", "waiting", "confirmed", "partially_available", "assigned", "done", "cancel"]), picking_id: { type: "many2one", model: "stock.picking" },
      location_id: { type: "many2one", model: "stock.location", required: true }, location_dest_id: { type: "many2one", model: "stock.location", required: true },
      origin_returned_move_id: { type: "many2one", model: "stock.move" }, returned_move_ids: { type: "one2many", model: "stock.move", inverse: "origin_returned_move_id" },
      sale_line_id: { type: "many2one", model: "sale.order.line" },
    },
    // Wizards (transient models): they act on the records of the context's active_ids.
    "sale.advance.payment.inv": { advance_payment_method: selection(["delivered", "percentage", "fixed"]), sale_order_ids: m2m("sale.order") },
    "account.payment.register": {
      amount: float(), payment_date: { type: "date" }, communication: char(),
      payment_difference_handling: selection(["open", "reconcile"]),
    },
    // The "Return" wizard of a done transfer. Odoo 17 picks the return location on the wizard; 18 took the field out.
    "stock.return.picking": {
      picking_id: { type: "many2one", model: "stock.picking" }, product_return_moves: { type: "one2many", model: "stock.return.picking.line", inverse: "wizard_id" },
      ...(version === 17 ? { location_id: { type: "many2one", model: "stock.location" } } : {}),
    },
    "stock.return.picking.line": {
      product_id: { type: "many2one", model: "product.product", required: true }, quantity: float({ required: true }), move_id: { type: "many2one", model: "stock.move" },
      wizard_id: { type: "many2one", model: "stock.return.picking" }, ...(version === 19 ? { move_quantity: float() } : {}),
    },
  }
}
