/*
 * Invoices, credit notes and payments in the protocol-faithful Odoo (server.ts): invoicing from the sale
 * (sale.advance.payment.inv), posting, resetting and cancelling entries, their totals and residuals, and payments
 * registered with account.payment.register.
 */
import { Orm, roundTo, Row, sum, userError, valueError } from "./orm"
import type { Sales } from "./sales"

export function installInvoices(orm: Orm, opts: { version: 17 | 19; saleTaxField: string; paymentRefField: string; sales: Sales }): void {
  const { version, saleTaxField, paymentRefField, sales } = opts
  const moveDigits = (line: Row) => orm.digitsOf(orm.get("account.move", line.move_id as number).currency_id)
  const moveLines = (moveId: number) => orm.all("account.move.line").filter((l) => l.move_id === moveId)
  const paymentsOf = (moveId: number) => orm.all("account.payment").filter((p) => (p.reconciled_invoice_ids as number[]).includes(moveId) && !["cancel", "canceled", "draft"].includes(String(p.state)))
  const get = (model: string, row: Row, name: string) => orm.computed(model, row, name) as number

  Object.assign(orm.computes, {
    "account.move.line.price_subtotal": (row: Row) => roundTo((row.quantity as number) * (row.price_unit as number), moveDigits(row)),
    "account.move.line.price_total": (row: Row) =>
      roundTo(get("account.move.line", row, "price_subtotal") + orm.lineTax(row.tax_ids as number[], get("account.move.line", row, "price_subtotal"), moveDigits(row)), moveDigits(row)),
    "account.move.amount_untaxed": (row: Row) => sum(moveLines(row.id).map((l) => get("account.move.line", l, "price_subtotal")), orm.digitsOf(row.currency_id)),
    "account.move.amount_tax": (row: Row) =>
      sum(moveLines(row.id).map((l) => orm.lineTax(l.tax_ids as number[], get("account.move.line", l, "price_subtotal"), moveDigits(l))), orm.digitsOf(row.currency_id)),
    "account.move.amount_total": (row: Row) => roundTo(get("account.move", row, "amount_untaxed") + get("account.move", row, "amount_tax"), orm.digitsOf(row.currency_id)),
    "account.move.amount_residual": (row: Row) =>
      row.state === "posted"
        ? roundTo(get("account.move", row, "amount_total") - sum(paymentsOf(row.id).map((p) => p.amount as number), orm.digitsOf(row.currency_id)), orm.digitsOf(row.currency_id))
        : get("account.move", row, "amount_total"),
    "account.move.payment_state": (row: Row) => {
      if (row.state !== "posted") return "not_paid"
      const residual = get("account.move", row, "amount_residual")
      return residual <= 0 ? "paid" : residual < get("account.move", row, "amount_total") ? "partial" : "not_paid"
    },
  })

  orm.beforeWrite["account.move"] = (row) => {
    if (row.state !== "draft") throw userError(`You cannot modify a posted entry (${String(row.name)}): reset it to draft first.`)
  }

  orm.wizards["sale.advance.payment.inv"] = (wizard) => {
    if (!(wizard.sale_order_ids as number[]).length) wizard.sale_order_ids = orm.active(wizard, "sale.order").map((o) => o.id)
  }
  orm.wizards["account.payment.register"] = (wizard) => {
    const moves = orm.active(wizard, "account.move")
    if (moves.some((m) => m.state !== "posted")) throw userError("You can only register payment for posted journal entries.")
    const residual = sum(moves.map((m) => orm.computed("account.move", m, "amount_residual") as number), orm.digitsOf(moves[0].currency_id))
    if (residual <= 0) throw userError("You can't register a payment because there is nothing left to pay on the selected journal items.")
    if (!wizard.amount) wizard.amount = residual
    if (!wizard.payment_date) wizard.payment_date = new Date().toISOString().slice(0, 10)
  }

  Object.assign(orm.buttons, {
    "sale.advance.payment.inv.create_invoices": (wizards: Row[]) => {
      for (const wizard of wizards) {
        if (wizard.advance_payment_method !== "delivered") throw valueError("This test server invoices regular invoices (advance_payment_method 'delivered') only")
        for (const order of orm.records("sale.order", wizard.sale_order_ids)) {
          const lines = sales.saleLines(order.id).filter((l) => sales.toInvoice(l) > 0)
          if (order.state !== "sale" || !lines.length) {
            throw userError("There is nothing to invoice!\n\nReasons:\n- You should deliver your products before invoicing them.\n- You should modify the invoicing policy of your product.")
          }
          orm.insert("account.move", {
            move_type: "out_invoice", partner_id: order.partner_invoice_id || order.partner_id, invoice_origin: order.name, currency_id: orm.computed("sale.order", order, "currency_id"),
            invoice_line_ids: lines.map((l) => [0, 0, { product_id: l.product_id, name: l.name, quantity: sales.toInvoice(l), price_unit: l.price_unit, tax_ids: [[6, 0, l[saleTaxField]]], sale_line_ids: [[6, 0, [l.id]]] }]),
          })
        }
      }
      return { type: "ir.actions.act_window", res_model: "account.move" }
    },
    "account.move.action_post": (moves: Row[]) => {
      for (const move of moves) {
        if (move.state !== "draft") throw userError(`The entry ${String(move.name)} (id ${move.id}) is already posted.`)
        if (!moveLines(move.id).length) throw userError("You need to add a line before posting.")
        if (!move.partner_id) throw userError("The field 'Customer' is required, please complete it to validate the Customer Invoice.")
        if (move.name === "/") move.name = orm.nextName(move.move_type === "out_refund" ? "RINV" : "INV")
        if (!move.invoice_date) move.invoice_date = new Date().toISOString().slice(0, 10)
        move.state = "posted"
      }
      return false
    },
    "account.move.button_draft": (moves: Row[]) => {
      for (const move of moves) {
        if (move.state !== "posted" && move.state !== "cancel") throw userError("Only posted/cancelled journal entries can be reset to draft.")
        // Resetting an entry removes its reconciliation with payments.
        for (const p of orm.all("account.payment")) p.reconciled_invoice_ids = (p.reconciled_invoice_ids as number[]).filter((id) => id !== move.id)
        move.state = "draft"
      }
      return false
    },
    "account.move.button_cancel": (moves: Row[]) => {
      for (const move of moves) {
        if (move.state !== "draft") throw userError("Only draft journal entries can be cancelled.")
        move.state = "cancel"
      }
      return false
    },
    "account.payment.register.action_create_payments": (wizards: Row[]) => {
      for (const wizard of wizards) {
        const moves = orm.active(wizard, "account.move")
        if (moves.some((m) => m.state !== "posted")) throw userError("You can only register payment for posted journal entries.")
        orm.insert("account.payment", {
          amount: wizard.amount, date: wizard.payment_date, [paymentRefField]: wizard.communication || moves.map((m) => m.name).join(" "),
          payment_type: moves[0].move_type === "out_refund" ? "outbound" : "inbound", partner_id: moves[0].partner_id,
          state: version === 19 ? "paid" : "posted", reconciled_invoice_ids: [[6, 0, moves.map((m) => m.id)]],
        })
      }
      return true
    },
  })
}
