import { MathBN } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { currencyDigits } from "../../lib/money"
import type { ErpPaymentInput, ErpPaymentResult } from "../types"
import { stripDisplayKeys, TrytonClient, WizardStep } from "./client"
import type { TrytonLookups } from "./lookups"
import { saleLabel as label, toTrytonDate, toTrytonDecimal } from "./mappers"
import { invoiceSchema, saleSchema, TrytonInvoice } from "./types"

const INVOICE_FIELDS = ["id", "number", "reference", "type", "state", "total_amount", "amount_to_pay", "payment_lines"]

/** Captured amounts paid against the sale's customer invoice, once per capture reference. */
export class TrytonPayments {
  constructor(private readonly client: TrytonClient, private readonly connectionId: string, private readonly lookups: TrytonLookups) {}

  /**
   * Registers a captured amount against the sale's customer invoice: the invoice Tryton made for the sale
   * (invoice method "order") is posted if still draft, then paid with the pay wizard for the captured amount (a
   * partial capture pays part). The payment's move carries `reference` as its description: a reference found among
   * the invoice's payments was registered before, and nothing is paid twice.
   */
  async recordPayment(input: ErpPaymentInput): Promise<ErpPaymentResult> {
    const saleId = Number(input.saleExternalId)
    const [row] = await this.client.model<unknown[]>("sale.sale", "read", [[saleId], ["id", "number", "reference", "state", "invoices", "invoice_method"]])
    if (!row) throw this.permanent(`Tryton has no sale with id ${saleId} (order #${input.orderNumber})`, "tryton_not_found")
    const sale = saleSchema.parse(row)
    const invoices = await this.readInvoices(sale.invoices ?? [])
    const invoice = invoices.find((i) => i.type === "out" && i.state !== "cancelled" && MathBN.gte(i.total_amount.decimal, 0))
    if (!invoice) {
      if (sale.invoice_method === "manual") {
        throw this.permanent(
          `Cannot record the payment of order #${input.orderNumber} in Tryton: sale ${label(sale)} is invoiced manually, so Tryton made no invoice to pay. ` +
            `Invoice it in Tryton, or set options.invoiceMethod to "order" for new sales, then retry.`,
          "tryton_no_invoice"
        )
      }
      throw new IntegrationError(
        `Tryton has not invoiced sale ${label(sale)} of order #${input.orderNumber} yet (invoice method "${sale.invoice_method}"): the payment is recorded once it has (will retry)`,
        { connectionId: this.connectionId, code: "tryton_not_invoiced", retryable: true }
      )
    }
    const done = await this.paymentsOf(invoice)
    if (done.includes(input.reference)) return this.paymentResult(invoice, false, input.currencyCode)
    if (invoice.state === "draft") await this.client.model("account.invoice", "post", [[invoice.id]])
    const method = await this.lookups.paymentMethodId()
    const ctx = { active_model: "account.invoice", active_id: invoice.id, active_ids: [invoice.id] }
    const values = { amount: toTrytonDecimal(input.amount), payment_method: method, description: input.reference, date: toTrytonDate(input.date) }
    await this.client.wizard<WizardStep>("account.invoice.pay", ctx, async (execute) => {
      const start = await execute({}, "start")
      const choice = await execute({ start: { ...stripDisplayKeys(start.view?.defaults ?? {}), ...values } }, "choice")
      // Less than what is due: Tryton asks whether the rest stays open (a partial payment) or is written off.
      if (choice.view) return execute({ ask: { ...stripDisplayKeys(choice.view.defaults ?? {}), type: "partial" } }, "pay")
      return choice
    })
    const [after] = await this.readInvoices([invoice.id])
    return this.paymentResult(after, true, input.currencyCode)
  }

  async readInvoices(ids: number[]): Promise<TrytonInvoice[]> {
    if (!ids.length) return []
    const rows = await this.client.model<unknown[]>("account.invoice", "read", [ids, INVOICE_FIELDS])
    return z.array(invoiceSchema).parse(rows)
  }

  /** The references of the payments already on the invoice (the pay wizard keeps them as the move's description). */
  private async paymentsOf(invoice: TrytonInvoice): Promise<string[]> {
    if (!invoice.payment_lines.length) return []
    const lines = await this.client.model<Array<{ move_description: string | null }>>("account.move.line", "read", [invoice.payment_lines, ["move_description"]])
    return lines.map((l) => l.move_description ?? "")
  }

  private paymentResult(invoice: TrytonInvoice, created: boolean, currencyCode: string): ErpPaymentResult {
    const amountDue = MathBN.convert(invoice.amount_to_pay.decimal).toFixed(currencyDigits(currencyCode))
    return { invoiceExternalId: String(invoice.id), invoiceNumber: invoice.number, amountDue, created }
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
