import { MathBN } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { currencyDigits } from "../../lib/money"
import { CreditNoteLedger, CreditNoteView, InvoiceToCredit, ROUNDING_LINE } from "../credit-note"
import type { ErpRefundInput } from "../types"
import { OdooClient } from "./client"
import { MOVE_FIELDS, moveLineSchema, moveSchema, OdooMove, OdooSaleOrder } from "./types"

type Credited = { move: OdooMove; sale: OdooSaleOrder; lines: Array<z.infer<typeof moveLineSchema>> }

export type OdooCreditNoteDeps = {
  client: OdooClient
  connectionId: string
  /** The sale order the refund belongs to, and its customer invoice (the oldest not cancelled), if Odoo made one. */
  saleAndInvoice: (input: ErpRefundInput) => Promise<{ sale: OdooSaleOrder; invoice: OdooMove | undefined }>
  /** The service product that carries rounding differences. */
  roundingProductId: (input: ErpRefundInput) => Promise<number>
  /** The "Register payment" wizard on a posted move, for `amount`, our reference as memo. */
  registerPayment: (moveId: number, input: { amount: string; reference: string; date: string }) => Promise<void>
}

/**
 * Odoo's side of `creditRefund`: a credit note is an `out_refund` move reversing the invoice, whose `ref` is ours,
 * one line per invoice line with its product and taxes. Odoo keeps a credit note's amounts positive and computes
 * taxes as lines change, so a draft reads back with its final total.
 */
export class OdooCreditNotes implements CreditNoteLedger<Credited> {
  readonly erp = "Odoo"
  readonly connectionId: string
  private readonly client: OdooClient

  constructor(private readonly deps: OdooCreditNoteDeps) {
    this.client = deps.client
    this.connectionId = deps.connectionId
  }

  async findByReference(reference: string): Promise<CreditNoteView | null> {
    const found = await this.client.call<unknown[]>("account.move", "search_read", {
      params: { domain: [["move_type", "=", "out_refund"], ["ref", "=", reference], ["state", "!=", "cancel"]], fields: MOVE_FIELDS, limit: 1, order: "id asc" },
    })
    return found.length ? this.view(moveSchema.parse(found[0])) : null
  }

  async invoiceToCredit(input: ErpRefundInput): Promise<InvoiceToCredit<Credited>> {
    const { sale, invoice } = await this.deps.saleAndInvoice(input)
    if (!invoice || invoice.state !== "posted") {
      throw this.permanent(
        `Cannot credit the refund of order #${input.orderNumber} in Odoo: sale order ${sale.name} has no posted invoice to credit. Post (or create) its invoice in Odoo, then retry.`,
        "odoo_no_invoice"
      )
    }
    const lines = (await this.readLines(invoice.invoice_line_ids)).filter((l) => l.price_subtotal !== 0)
    return { invoice: { move: invoice, sale, lines }, label: invoice.name || `id ${invoice.id}`, shareLines: lines.length }
  }

  async createDraft(input: ErpRefundInput, { invoice: { move, sale, lines } }: InvoiceToCredit<Credited>): Promise<CreditNoteView> {
    const share = MathBN.convert(input.amount).div(move.amount_total)
    const digits = currencyDigits(input.currencyCode)
    const values = lines.map((l) => ({
      product_id: l.product_id ? l.product_id[0] : false, name: `Refund: ${l.name || ""}`.trim(), quantity: 1,
      price_unit: Number(MathBN.convert(l.price_subtotal).times(share).toFixed(digits)), tax_ids: [[6, 0, l.tax_ids]],
    }))
    const [id] = await this.client.call<number[]>("account.move", "create", {
      params: { vals_list: [{
        move_type: "out_refund", partner_id: move.partner_id ? move.partner_id[0] : false, currency_id: move.currency_id ? move.currency_id[0] : false, ref: input.reference, reversed_entry_id: move.id,
        invoice_origin: move.name || sale.name, invoice_date: input.date, invoice_line_ids: values.map((l) => [0, 0, l]),
      }] },
    })
    return this.read(id)
  }

  async addRoundingLine(note: CreditNoteView, difference: string, input: ErpRefundInput): Promise<CreditNoteView> {
    const product = await this.deps.roundingProductId(input)
    await this.client.call("account.move", "write", {
      ids: [Number(note.id)], params: { vals: { invoice_line_ids: [[0, 0, { product_id: product, name: ROUNDING_LINE, quantity: 1, price_unit: Number(difference) }]] } },
    })
    return this.read(Number(note.id))
  }

  async cancelDraft(note: CreditNoteView): Promise<void> {
    await this.client.call("account.move", "button_cancel", { ids: [Number(note.id)] })
  }

  async post(note: CreditNoteView): Promise<CreditNoteView> {
    await this.client.call("account.move", "action_post", { ids: [Number(note.id)] })
    return this.read(Number(note.id))
  }

  async payOut(note: CreditNoteView, amount: string, input: ErpRefundInput): Promise<CreditNoteView> {
    await this.deps.registerPayment(Number(note.id), { amount, reference: input.reference, date: input.date })
    return this.read(Number(note.id))
  }

  private async read(id: number): Promise<CreditNoteView> {
    const rows = await this.client.call<unknown[]>("account.move", "read", { ids: [id], params: { fields: MOVE_FIELDS } })
    return this.view(moveSchema.parse(rows[0]))
  }

  private async view(move: OdooMove): Promise<CreditNoteView> {
    const lines = await this.readLines(move.invoice_line_ids)
    const rounding = lines.filter((l) => l.name === ROUNDING_LINE).length
    const paid = move.state === "posted" && move.amount_residual === 0
    return {
      id: String(move.id),
      number: move.name || null,
      state: move.state === "draft" ? "draft" : paid ? "paid" : "posted",
      total: MathBN.convert(move.amount_total).toFixed(),
      amountDue: move.state === "posted" ? MathBN.convert(move.amount_residual).toFixed() : "0",
      shareLines: lines.length - rounding,
      roundingLines: rounding,
    }
  }

  private async readLines(ids: number[]) {
    if (!ids.length) return []
    const rows = await this.client.call<unknown[]>("account.move.line", "read", { ids, params: { fields: ["product_id", "name", "price_subtotal", "tax_ids"] } })
    return z.array(moveLineSchema).parse(rows)
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
