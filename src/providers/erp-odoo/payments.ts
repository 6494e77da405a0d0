import { MathBN } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { currencyDigits } from "../../lib/money"
import type { ErpPaymentInput, ErpPaymentResult } from "../types"
import { OdooClient } from "./client"
import type { OdooLookups } from "./lookups"
import { MOVE_FIELDS, moveSchema, OdooMove, OdooSaleOrder, SALE_FIELDS, saleOrderSchema } from "./types"

/** Captured amounts registered against the sale's customer invoice (Odoo invoices the sale first when it can), once per capture reference. */
export class OdooPayments {
  constructor(private readonly client: OdooClient, private readonly connectionId: string, private readonly lookups: OdooLookups) {}

  /**
   * Registers a captured amount against the sale's customer invoice: Odoo invoices the sale first when it has
   * something to invoice (the "Create invoice" wizard, `sale.advance.payment.inv`, regular invoice) and the invoice
   * is posted; then the "Register payment" wizard (`account.payment.register`) pays the captured amount (a partial
   * capture leaves the rest open) with our reference as the payment's memo. A payment with that memo was
   * registered before, and nothing is paid twice.
   */
  async recordPayment(input: ErpPaymentInput): Promise<ErpPaymentResult> {
    const sale = await this.readSaleForMoney(input)
    let invoice = await this.invoiceOf(sale)
    if (!invoice) {
      if (sale.invoice_status !== "to invoice") {
        throw new IntegrationError(
          `Odoo has nothing to invoice yet for sale order ${sale.name} of order #${input.orderNumber} (invoice status "${sale.invoice_status ?? "no"}"; products invoiced on delivery are invoiced once delivered): the payment is recorded once it is invoiced (will retry)`,
          { connectionId: this.connectionId, code: "odoo_not_invoiced", retryable: true }
        )
      }
      const context = { active_model: "sale.order", active_id: sale.id, active_ids: [sale.id] }
      const [wizard] = await this.client.call<number[]>("sale.advance.payment.inv", "create", { params: { vals_list: [{ advance_payment_method: "delivered" }], context } })
      await this.client.call("sale.advance.payment.inv", "create_invoices", { ids: [wizard], params: { context } })
      invoice = await this.invoiceOf(await this.readSaleForMoney(input))
      if (!invoice) throw this.permanent(`Odoo made no invoice for sale order ${sale.name} of order #${input.orderNumber}`, "odoo_no_invoice")
    }
    const { paymentMemo } = await this.lookups.fieldNames()
    const paid = await this.client.call<unknown[]>("account.payment", "search_read", { params: { domain: [[paymentMemo, "=", input.reference]], fields: ["id"], limit: 1 } })
    if (paid.length) return this.paymentResult(invoice, false, input.currencyCode)
    if (invoice.state === "draft") await this.client.call("account.move", "action_post", { ids: [invoice.id] })
    await this.registerPayment(invoice.id, input)
    const [after] = await this.readMoves([invoice.id])
    return this.paymentResult(after, true, input.currencyCode)
  }

  /** The "Register payment" wizard on one posted invoice or credit note, for `amount`, our reference as memo. */
  async registerPayment(moveId: number, input: { amount: string; reference: string; date: string }): Promise<void> {
    const context = { active_model: "account.move", active_id: moveId, active_ids: [moveId] }
    const [wizard] = await this.client.call<number[]>("account.payment.register", "create", {
      params: { vals_list: [{ amount: Number(input.amount), payment_date: input.date, communication: input.reference, payment_difference_handling: "open" }], context },
    })
    await this.client.call("account.payment.register", "action_create_payments", { ids: [wizard], params: { context } })
  }

  async readSaleForMoney(input: { saleExternalId: string; orderNumber: string }): Promise<OdooSaleOrder> {
    const rows = await this.client.call<unknown[]>("sale.order", "read", { ids: [Number(input.saleExternalId)], params: { fields: SALE_FIELDS } })
    if (!rows.length) throw this.permanent(`Odoo has no sale order with id ${input.saleExternalId} (order #${input.orderNumber})`, "odoo_not_found")
    return saleOrderSchema.parse(rows[0])
  }

  /** The sale's customer invoice (the oldest not cancelled), if Odoo made one. */
  async invoiceOf(sale: OdooSaleOrder): Promise<OdooMove | undefined> {
    const moves = await this.readMoves(sale.invoice_ids ?? [])
    return moves.find((m) => m.move_type === "out_invoice" && m.state !== "cancel")
  }

  async readMoves(ids: number[]): Promise<OdooMove[]> {
    if (!ids.length) return []
    const rows = await this.client.call<unknown[]>("account.move", "read", { ids: [...ids].sort((a, b) => a - b), params: { fields: MOVE_FIELDS } })
    return z.array(moveSchema).parse(rows)
  }

  private paymentResult(invoice: OdooMove, created: boolean, currencyCode: string): ErpPaymentResult {
    const amountDue = MathBN.convert(invoice.amount_residual).toFixed(currencyDigits(currencyCode))
    return { invoiceExternalId: String(invoice.id), invoiceNumber: invoice.name || null, amountDue, created }
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
