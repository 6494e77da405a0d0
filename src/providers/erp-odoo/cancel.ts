import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import type { ErpCancelResult } from "../types"
import { OdooClient } from "./client"
import type { OdooPayments } from "./payments"
import { OdooSaleOrder } from "./types"

/** Cancelling a sale order and the invoices Odoo lets go; a paid invoice stops it, in words. */
export class OdooCancellation {
  constructor(private readonly client: OdooClient, private readonly connectionId: string, private readonly payments: OdooPayments, private readonly readSales: (ids: number[]) => Promise<OdooSaleOrder[]>) {}

  /**
   * Cancels the sale order and its invoices Odoo lets go: a draft invoice is cancelled, a posted unpaid one reset
   * to draft and cancelled. A paid (or partly paid) invoice stops the cancel, in words: money has changed hands,
   * and only staff can decide on the credit note and the refund.
   */
  async cancelSalesOrder(externalId: string): Promise<ErpCancelResult> {
    const [sale] = await this.readSales([Number(externalId)])
    if (sale.state === "cancel") return { state: "cancelled", summary: `sale order ${sale.name} was already cancelled` }
    // Odoo would cancel a sale order whose goods have left (it keeps the done delivery): the books must say why instead.
    const delivered = await this.doneDeliveries(sale.id)
    if (delivered.length) {
      throw this.permanent(
        `Cannot cancel sale order ${sale.name} in Odoo: delivery ${delivered.join(", ")} is done, its goods have left the warehouse. Handle it in Odoo (a return of the delivery, a credit note), then mark this cancellation done.`,
        "odoo_already_delivered"
      )
    }
    const invoices = (await this.payments.readMoves(sale.invoice_ids ?? [])).filter((m) => m.move_type === "out_invoice" && m.state !== "cancel")
    const paid = invoices.find((m) => m.state === "posted" && m.payment_state !== "not_paid")
    if (paid) {
      throw this.permanent(
        `Cannot cancel sale order ${sale.name} in Odoo: invoice ${paid.name} is ${paid.payment_state === "partial" ? "partly paid" : "paid"} — issue a credit note in Odoo (and refund the customer), then mark this cancellation done.`,
        "odoo_invoice_paid"
      )
    }
    for (const invoice of invoices) {
      if (invoice.state === "posted") await this.client.call("account.move", "button_draft", { ids: [invoice.id] })
      await this.client.call("account.move", "button_cancel", { ids: [invoice.id] })
    }
    await this.client.call("sale.order", "action_cancel", { ids: [sale.id] })
    const [after] = await this.readSales([sale.id])
    if (after.state !== "cancel") throw this.permanent(`Odoo did not cancel sale order ${after.name} (state ${after.state})`, "odoo_cancel_refused")
    const invoiced = invoices.length ? `, invoice ${invoices.map((i) => i.name || `id ${i.id}`).join(", ")} cancelled` : ""
    return { state: "cancelled", summary: `sale order ${after.name} cancelled${invoiced}` }
  }

  /** The names of the sale order's outgoing transfers that are done. */
  private async doneDeliveries(saleId: number): Promise<string[]> {
    const [row] = z.array(z.object({ picking_ids: z.array(z.number().int()) })).parse(await this.client.call("sale.order", "read", { ids: [saleId], params: { fields: ["picking_ids"] } }))
    if (!row?.picking_ids.length) return []
    const pickings = z.array(z.object({ name: z.string(), state: z.string(), picking_type_code: z.string() })).parse(
      await this.client.call("stock.picking", "read", { ids: row.picking_ids, params: { fields: ["name", "state", "picking_type_code"] } })
    )
    return pickings.filter((p) => p.picking_type_code === "outgoing" && p.state === "done").map((p) => p.name)
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
