/*
 * Sale orders in the protocol-faithful Odoo (server.ts): their numbers, lines and totals (taxes rounded per line),
 * invoice status, confirming and cancelling; customers a sale order references cannot be deleted.
 */
import { Orm, roundTo, Row, sum, userError } from "./orm"

export type Sales = {
  saleLines: (orderId: number) => Row[]
  /** What a sale line still has to invoice under its product's invoicing policy. */
  toInvoice: (line: Row) => number
}

/** Registers what sale orders compute and do; `hooks` are what confirming and cancelling a sale does elsewhere (its deliveries). */
export function installSales(orm: Orm, saleTaxField: string, hooks: { confirmed: (order: Row) => void; cancelled: (order: Row) => void }): Sales {
  const saleLines = (orderId: number) => orm.all("sale.order.line").filter((l) => l.order_id === orderId)
  const saleDigits = (line: Row) => orm.digitsOf(orm.computed("sale.order", orm.get("sale.order", line.order_id as number), "currency_id"))
  const get = (model: string, row: Row, name: string) => orm.computed(model, row, name) as number
  const toInvoice = (line: Row): number => {
    const product = orm.get("product.product", line.product_id as number)
    const basis = product.invoice_policy === "delivery" && product.type !== "service" ? (line.qty_delivered as number) : (line.product_uom_qty as number)
    return basis - (orm.computed("sale.order.line", line, "qty_invoiced") as number)
  }

  orm.onNew["sale.order"] = (row) => {
    row.name = orm.nextName("S")
  }
  Object.assign(orm.computes, {
    "sale.order.line.price_subtotal": (row: Row) => roundTo((row.product_uom_qty as number) * (row.price_unit as number), saleDigits(row)),
    "sale.order.line.price_tax": (row: Row) => orm.lineTax(row[saleTaxField] as number[], get("sale.order.line", row, "price_subtotal"), saleDigits(row)),
    "sale.order.line.price_total": (row: Row) => roundTo(get("sale.order.line", row, "price_subtotal") + get("sale.order.line", row, "price_tax"), saleDigits(row)),
    "sale.order.line.qty_invoiced": (row: Row) =>
      orm.all("account.move.line")
        .filter((l) => (l.sale_line_ids as number[]).includes(row.id))
        .filter((l) => { const move = orm.get("account.move", l.move_id as number); return move.state !== "cancel" && move.move_type === "out_invoice" })
        .reduce((n, l) => n + (l.quantity as number), 0),
    "sale.order.currency_id": (row: Row) => (row.pricelist_id ? orm.get("product.pricelist", row.pricelist_id as number).currency_id : orm.companyCurrency),
    "sale.order.amount_untaxed": (row: Row) => sum(saleLines(row.id).map((l) => get("sale.order.line", l, "price_subtotal")), orm.digitsOf(get("sale.order", row, "currency_id"))),
    "sale.order.amount_tax": (row: Row) => sum(saleLines(row.id).map((l) => get("sale.order.line", l, "price_tax")), orm.digitsOf(get("sale.order", row, "currency_id"))),
    "sale.order.amount_total": (row: Row) => roundTo(get("sale.order", row, "amount_untaxed") + get("sale.order", row, "amount_tax"), orm.digitsOf(get("sale.order", row, "currency_id"))),
    "sale.order.invoice_ids": (row: Row) => {
      const lineIds = new Set(saleLines(row.id).map((l) => l.id))
      return [...new Set(orm.all("account.move.line").filter((l) => (l.sale_line_ids as number[]).some((id) => lineIds.has(id))).map((l) => l.move_id as number))]
    },
    "sale.order.invoice_status": (row: Row) => {
      if (row.state !== "sale" && row.state !== "done") return "no"
      const lines = saleLines(row.id)
      if (lines.some((l) => toInvoice(l) > 0)) return "to invoice"
      return lines.every((l) => get("sale.order.line", l, "qty_invoiced") >= (l.product_uom_qty as number)) ? "invoiced" : "no"
    },
  })

  orm.beforeWrite["sale.order"] = (row, vals) => {
    if ("order_line" in vals && !["draft", "sent", "sale"].includes(String(row.state))) throw userError("You cannot change a cancelled order.")
  }
  orm.beforeUnlink["res.partner"] = (row) => {
    const referenced = orm.all("sale.order").some((s) => s.partner_id === row.id || s.partner_shipping_id === row.id || s.partner_invoice_id === row.id)
    if (referenced) throw userError("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.")
  }

  Object.assign(orm.buttons, {
    "sale.order.action_confirm": (rows: Row[]) => {
      for (const row of rows) {
        if (row.state !== "draft" && row.state !== "sent") throw userError("Some orders are not in a state requiring confirmation.")
        if (!saleLines(row.id).length) throw userError("A line on these orders is missing a product, you cannot confirm it.")
        row.state = "sale"
        hooks.confirmed(row)
      }
      return true
    },
    "sale.order.action_cancel": (rows: Row[]) => {
      for (const row of rows) {
        // Odoo cancels the sale's draft invoices with it; posted ones stay (they are the accountant's to credit).
        for (const id of orm.computed("sale.order", row, "invoice_ids") as number[]) {
          const move = orm.get("account.move", id)
          if (move.state === "draft") move.state = "cancel"
        }
        hooks.cancelled(row)
        row.state = "cancel"
      }
      return true
    },
  })
  return { saleLines, toInvoice }
}
