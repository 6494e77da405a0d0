import { MathBN } from "@medusajs/framework/utils"
import { CreditNoteLedger, CreditNoteView, creditRefund, InvoiceToCredit } from "../credit-note"
import type { ErpRefundInput } from "../types"

/**
 * An ERP's books in memory, the way both real ledgers behave: a draft's total is the lines' shares as the ERP rounds
 * them (`skew` off the refund), a rounding line closes it; posting and paying change state. Each call is recorded.
 */
class Books implements CreditNoteLedger<string> {
  readonly erp = "TestERP"
  readonly connectionId = "erp"
  readonly calls: string[] = []
  notes: Array<CreditNoteView & { reference: string; cancelled?: boolean }> = []
  skew = "0.01"
  refuseCancel = false
  payNothing = false

  async findByReference(reference: string) {
    return this.notes.find((n) => n.reference === reference && !n.cancelled) ?? null
  }
  async invoiceToCredit(): Promise<InvoiceToCredit<string>> {
    return { invoice: "INV-1", label: "INV-1", shareLines: 2 }
  }
  async createDraft(input: ErpRefundInput) {
    this.calls.push("create")
    const note = { id: String(this.notes.length + 1), number: null, state: "draft" as const, reference: input.reference, total: MathBN.add(input.amount, this.skew).toFixed(2), amountDue: "0", shareLines: 2, roundingLines: 0 }
    this.notes.push(note)
    return note
  }
  async addRoundingLine(note: CreditNoteView, difference: string) {
    this.calls.push(`rounding ${difference}`)
    return this.update(note, { total: MathBN.add(note.total, difference).toFixed(2), roundingLines: note.roundingLines + 1 })
  }
  async cancelDraft(note: CreditNoteView) {
    this.calls.push(`cancel ${note.id}`)
    if (this.refuseCancel) throw new Error("the move is locked")
    this.update(note, { cancelled: true })
  }
  async post(note: CreditNoteView) {
    this.calls.push(`post ${note.id}`)
    return this.update(note, { state: "posted", number: `RINV/${note.id}`, amountDue: note.total })
  }
  async payOut(note: CreditNoteView, amount: string) {
    this.calls.push(`pay ${amount}`)
    if (this.payNothing) return { ...note }
    return this.update(note, { state: "paid", amountDue: MathBN.sub(note.amountDue, amount).toFixed(2) })
  }
  private update(note: CreditNoteView, change: Partial<Books["notes"][number]>) {
    const stored = this.notes.find((n) => n.id === note.id)!
    Object.assign(stored, change)
    return { ...stored }
  }
}

const refund = (amount: string, reference = "medusa:refund_1"): ErpRefundInput => ({ saleExternalId: "7", orderNumber: "1042", reference, amount, currencyCode: "eur", date: "2026-12-06" })
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure") }, (err: unknown) => err as Error & { code: string; retryable: boolean })

describe("creditRefund: one credit note per refund, of exactly its amount", () => {
  it("makes the note, closes the rounding, posts it and pays out the refund's amount; a repeat does nothing", async () => {
    const books = new Books()
    expect(await creditRefund(books, refund("10.00"))).toEqual({ creditNoteExternalId: "1", creditNoteNumber: "RINV/1", created: true })
    expect(await creditRefund(books, refund("10.00"))).toEqual({ creditNoteExternalId: "1", creditNoteNumber: "RINV/1", created: false })
    expect(books.calls).toEqual(["create", "rounding -0.01", "post 1", "pay 10.00"])
  })

  it.each([
    ["found without its rounding line (the run stopped after creating it)", { total: "10.01", roundingLines: 0 }, ["rounding -0.01", "post 1", "pay 10.00"]],
    ["found with its rounding line (the run stopped before posting)", { total: "10.00", roundingLines: 1 }, ["post 1", "pay 10.00"]],
    ["found posted and unpaid (the run stopped before paying)", { state: "posted" as const, number: "RINV/1", total: "10.00", amountDue: "10.00", roundingLines: 1 }, ["pay 10.00"]],
  ])("a note %s is finished, not redone", async (_, found, calls) => {
    const books = new Books()
    books.notes.push({ id: "1", number: null, state: "draft", reference: "medusa:refund_1", amountDue: "0", shareLines: 2, ...found })
    await creditRefund(books, refund("10.00"))
    expect(books.calls).toEqual(calls)
    expect(books.notes[0]).toMatchObject({ state: "paid", total: "10.00", amountDue: "0.00" })
  })

  it.each([
    ["of another amount", { total: "12.00" }],
    ["with a line missing", { shareLines: 1 }],
    ["with two rounding lines", { roundingLines: 2 }],
  ])("a draft %s is cancelled and made anew", async (_, found) => {
    const books = new Books()
    books.notes.push({ id: "1", number: null, state: "draft", reference: "medusa:refund_1", total: "10.00", amountDue: "0", shareLines: 2, roundingLines: 0, ...found })
    await creditRefund(books, refund("10.00"))
    expect(books.calls).toEqual(["cancel 1", "create", "rounding -0.01", "post 2", "pay 10.00"])
  })

  it("a note made anew that is more than rounding off is cancelled, and the refund waits for a person", async () => {
    const books = new Books()
    books.skew = "1.20"
    const err = await failure(creditRefund(books, refund("10.00")))
    expect(err).toMatchObject({ code: "total_mismatch", retryable: false })
    expect(err.message).toBe(
      "TestERP computes a credit note for the refund of order #1042 that does not match it (its total is 11.20, not 10.00); the draft was cancelled. Check that the invoice's taxes are the ones the order was charged, then retry."
    )
    expect(books.calls).toEqual(["create", "cancel 1"])
  })

  it("a wrong draft the ERP will not cancel is named for staff, and nothing is posted", async () => {
    const books = new Books()
    books.skew = "1.20"
    books.refuseCancel = true
    const err = await failure(creditRefund(books, refund("10.00")))
    expect(err).toMatchObject({ code: "credit_note_cancel_refused", retryable: false })
    expect(err.message).toBe(
      "The draft credit note id 1 of order #1042 in TestERP does not match the refund, and TestERP refused to cancel it (the move is locked): cancel it in TestERP, then retry."
    )
    expect(books.calls).toEqual(["create", "cancel 1"])
  })

  it.each([
    ["posted", "12.00"],
    ["paid", "0"],
  ] as const)("a %s note that does not match is reported in words and nothing is paid", async (state, amountDue) => {
    const books = new Books()
    books.notes.push({ id: "1", number: "RINV/1", state, reference: "medusa:refund_1", total: "12.00", amountDue, shareLines: 2, roundingLines: 0 })
    const err = await failure(creditRefund(books, refund("10.00")))
    expect(err).toMatchObject({ code: "credit_note_mismatch", retryable: false })
    expect(err.message).toBe(
      `Credit note RINV/1 carrying refund medusa:refund_1 of order #1042 is already ${state} in TestERP but does not match the refund of 10.00 EUR (its total is 12.00, not 10.00). ` +
        "Nothing was paid out. Correct it in TestERP (a credit note cannot be cancelled once posted: book the difference there), then mark this refund done."
    )
    expect(books.calls).toEqual([])
  })

  it("a note someone paid part of is not paid again: the rest is staff's to pay out", async () => {
    const books = new Books()
    books.notes.push({ id: "1", number: "RINV/1", state: "posted", reference: "medusa:refund_1", total: "10.00", amountDue: "4.00", shareLines: 2, roundingLines: 1 })
    const err = await failure(creditRefund(books, refund("10.00")))
    expect(err).toMatchObject({ code: "credit_note_partly_paid", retryable: false })
    expect(err.message).toBe(
      "Credit note RINV/1 of order #1042 in TestERP still owes 4.00 EUR, not the refund's 10.00: someone paid part of it in TestERP. Pay out the rest there (or correct the payment), then mark this refund done."
    )
    expect(books.calls).toEqual([])
  })

  it("a payment the ERP did not make (its wizard asked something else) is not reported as done", async () => {
    const books = new Books()
    books.payNothing = true
    const err = await failure(creditRefund(books, refund("10.00")))
    expect(err).toMatchObject({ code: "credit_note_not_paid", retryable: false })
    expect(err.message).toBe("TestERP did not pay out credit note RINV/1 of order #1042: it still owes 10.00 EUR after the payment. Pay it out in TestERP, then mark this refund done.")
  })
})
