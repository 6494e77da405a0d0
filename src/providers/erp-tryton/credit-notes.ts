import { MathBN } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { CreditNoteLedger, CreditNoteView, InvoiceToCredit, ROUNDING_LINE } from "../credit-note"
import type { ErpRefundInput } from "../types"
import { stripDisplayKeys, TrytonClient, WizardStep } from "./client"
import { toTrytonDate, toTrytonDecimal, TRYTON_PRICE_DIGITS } from "./mappers"
import { saleSchema, TrytonInvoice } from "./types"


/** The customer invoice being credited, with what a credit note copies from it. */
type Credited = TrytonInvoice & {
  head: { party: number; invoice_address: number; currency: number; account: number; journal: number | null; company: number }
  lines: Array<{ amount: { decimal: string }; account: number; taxes: number[]; description: string | null }>
}

const lineSchema = z.object({ type: z.string(), description: z.string().nullable() })

export type TrytonCreditNoteDeps = {
  client: TrytonClient
  connectionId: string
  paymentMethodId: () => Promise<number>
  /** Invoices by id, as the payments read them. */
  readInvoices: (ids: number[]) => Promise<TrytonInvoice[]>
}

/**
 * Tryton's side of `creditRefund`: a credit note is an `out` invoice with negative lines whose `reference` is ours,
 * each line its share of the refund with the invoice line's account and taxes. Tryton computes a draft's taxes
 * when it is validated, so every change is followed by `validate_invoice`; a validated note still counts as a draft.
 */
export class TrytonCreditNotes implements CreditNoteLedger<Credited> {
  readonly erp = "Tryton"
  readonly connectionId: string
  private readonly client: TrytonClient

  constructor(private readonly deps: TrytonCreditNoteDeps) {
    this.client = deps.client
    this.connectionId = deps.connectionId
  }

  async findByReference(reference: string): Promise<CreditNoteView | null> {
    const ids = await this.client.model<number[]>("account.invoice", "search", [
      [["reference", "=", reference], ["type", "=", "out"], ["state", "!=", "cancelled"]], 0, 1, [["id", "ASC"]],
    ])
    return ids.length ? this.read(ids[0]) : null
  }

  async invoiceToCredit(input: ErpRefundInput): Promise<InvoiceToCredit<Credited>> {
    const [row] = await this.client.model<unknown[]>("sale.sale", "read", [[Number(input.saleExternalId)], ["id", "number", "reference", "state", "invoices", "invoice_method"]])
    if (!row) throw this.permanent(`Tryton has no sale with id ${input.saleExternalId} (order #${input.orderNumber})`, "tryton_not_found")
    const sale = saleSchema.parse(row)
    const invoices = await this.deps.readInvoices(sale.invoices ?? [])
    const invoice = invoices.find((i) => i.type === "out" && (i.state === "posted" || i.state === "paid") && MathBN.gt(i.total_amount.decimal, 0))
    if (!invoice) {
      throw this.permanent(
        `Cannot credit the refund of order #${input.orderNumber} in Tryton: sale ${sale.number ?? `id ${sale.id}`} has no posted invoice to credit. Post (or create) its invoice in Tryton, then retry.`,
        "tryton_no_invoice"
      )
    }
    const [head] = await this.client.model<Array<Credited["head"] & { lines: number[] }>>("account.invoice", "read", [[invoice.id], ["party", "invoice_address", "currency", "account", "journal", "company", "lines"]])
    const lines = await this.client.model<Array<Credited["lines"][number] & { type: string }>>("account.invoice.line", "read", [head.lines, ["type", "amount", "account", "taxes", "description"]])
    const shares = lines.filter((l) => l.type === "line" && !MathBN.eq(l.amount.decimal, 0))
    return { invoice: { ...invoice, head, lines: shares }, label: invoice.number ?? `id ${invoice.id}`, shareLines: shares.length }
  }

  async createDraft(input: ErpRefundInput, { invoice }: InvoiceToCredit<Credited>): Promise<CreditNoteView> {
    const share = MathBN.convert(input.amount).div(invoice.total_amount.decimal)
    const lines = invoice.lines.map((l) => ({
      type: "line", quantity: -1, account: l.account, description: `Refund: ${l.description ?? ""}`.trim(),
      unit_price: toTrytonDecimal(MathBN.convert(l.amount.decimal).times(share).decimalPlaces(TRYTON_PRICE_DIGITS, 4).toFixed(TRYTON_PRICE_DIGITS)),
      ...(l.taxes.length ? { taxes: [["add", l.taxes]] } : {}),
    }))
    const { head } = invoice
    const [id] = await this.client.model<number[]>("account.invoice", "create", [[{
      type: "out", party: head.party, invoice_address: head.invoice_address, currency: head.currency, account: head.account,
      journal: head.journal, company: head.company, reference: input.reference,
      description: `Refund of order #${input.orderNumber} (invoice ${invoice.number ?? invoice.id})`, lines: [["create", lines]],
    }]])
    await this.client.model("account.invoice", "validate_invoice", [[id]])
    return this.read(id)
  }

  async addRoundingLine(note: CreditNoteView, difference: string): Promise<CreditNoteView> {
    const id = Number(note.id)
    const [account] = await this.client.model<Array<{ account: number }>>("account.invoice.line", "search_read", [[["invoice", "=", id], ["type", "=", "line"]], 0, 1, [["id", "ASC"]], ["account"]])
    await this.client.model("account.invoice", "draft", [[id]])
    // Money back is a negative amount on the note.
    await this.client.model("account.invoice.line", "create", [[{ invoice: id, type: "line", quantity: 1, account: account.account, description: ROUNDING_LINE, unit_price: toTrytonDecimal(MathBN.mult(difference, -1).toFixed()) }]])
    await this.client.model("account.invoice", "validate_invoice", [[id]])
    return this.read(id)
  }

  async cancelDraft(note: CreditNoteView): Promise<void> {
    await this.client.model("account.invoice", "cancel", [[Number(note.id)]])
  }

  async post(note: CreditNoteView): Promise<CreditNoteView> {
    await this.client.model("account.invoice", "post", [[Number(note.id)]])
    return this.read(Number(note.id))
  }

  async payOut(note: CreditNoteView, amount: string, input: ErpRefundInput): Promise<CreditNoteView> {
    const id = Number(note.id)
    const ctx = { active_model: "account.invoice", active_id: id, active_ids: [id] }
    const method = await this.deps.paymentMethodId()
    // What a credit note owes is negative in Tryton (money leaves): the wizard pays it with the same sign.
    const values = { amount: toTrytonDecimal(MathBN.mult(amount, -1).toFixed()), payment_method: method, description: input.reference, date: toTrytonDate(input.date) }
    await this.client.wizard<WizardStep>("account.invoice.pay", ctx, async (execute) => {
      const start = await execute({}, "start")
      return execute({ start: { ...stripDisplayKeys(start.view?.defaults ?? {}), ...values } }, "choice")
    })
    return this.read(id)
  }

  private async read(id: number): Promise<CreditNoteView> {
    const [invoice] = await this.deps.readInvoices([id])
    const lines = z.array(lineSchema).parse(await this.client.model("account.invoice.line", "search_read", [[["invoice", "=", id]], 0, null, null, ["type", "description"]]))
    const items = lines.filter((l) => l.type === "line")
    const rounding = items.filter((l) => l.description === ROUNDING_LINE).length
    return {
      id: String(invoice.id),
      number: invoice.number,
      state: invoice.state === "posted" ? "posted" : invoice.state === "paid" ? "paid" : "draft",
      total: MathBN.mult(invoice.total_amount.decimal, -1).toFixed(),
      amountDue: MathBN.mult(invoice.amount_to_pay.decimal, -1).toFixed(),
      shareLines: items.length - rounding,
      roundingLines: rounding,
    }
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
