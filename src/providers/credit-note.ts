import { MathBN } from "@medusajs/framework/utils"
import { IntegrationError } from "../lib/errors"
import { currencyDigits, roundingDifference } from "../lib/money"
import type { ErpRefundInput, ErpRefundResult } from "./types"

/** The line a credit note carries when the ERP's rounding of the shares differs from the refund by a minor unit or so. */
export const ROUNDING_LINE = "Rounding difference"

/**
 * A credit note as the routine sees it, whatever the ERP: amounts are money back, positive, in major units.
 * `draft` covers every state the ERP still lets us edit or cancel (Tryton's validated too).
 */
export type CreditNoteView = {
  id: string
  number: string | null
  state: "draft" | "posted" | "paid"
  total: string
  /** What is still to be paid out to the customer (0 once paid). */
  amountDue: string
  /** Lines carrying a share of the invoice, and rounding lines (`ROUNDING_LINE`). */
  shareLines: number
  roundingLines: number
}

/** The invoice a refund is credited against: its label for messages, and how many lines share the refund. */
export type InvoiceToCredit<I> = { invoice: I; label: string; shareLines: number }

/**
 * What an ERP adapter provides for credit notes; `creditRefund` decides what to do with them. Each method does one
 * thing in the ERP and reads the note back.
 */
export interface CreditNoteLedger<I> {
  /** "Tryton", "Odoo": how messages name the ERP. */
  readonly erp: string
  readonly connectionId: string
  /** The live (not cancelled) credit note carrying our reference, if any. */
  findByReference(reference: string): Promise<CreditNoteView | null>
  /** The sale's posted invoice to credit; throws (permanent, in words) when there is none. */
  invoiceToCredit(input: ErpRefundInput): Promise<InvoiceToCredit<I>>
  /** A draft credit note on the invoice, one line per invoice line, each its share of the refund, our reference on it. */
  createDraft(input: ErpRefundInput, invoice: InvoiceToCredit<I>): Promise<CreditNoteView>
  /** Adds a rounding line of `difference` (money back) to a draft. */
  addRoundingLine(note: CreditNoteView, difference: string, input: ErpRefundInput): Promise<CreditNoteView>
  /** Cancels a draft; throws when the ERP refuses. */
  cancelDraft(note: CreditNoteView): Promise<void>
  post(note: CreditNoteView): Promise<CreditNoteView>
  /** Pays `amount` out on a posted note (our reference as the payment's memo). */
  payOut(note: CreditNoteView, amount: string, input: ErpRefundInput): Promise<CreditNoteView>
}

/**
 * Credits one Medusa refund in the ERP, once, for exactly its amount: the routine every ERP adapter shares.
 * A credit note found by our reference (a retry, a run that died half-way) is checked before anything is posted or
 * paid: its total, its lines (one share per invoice line, at most one rounding line) and its state. A draft that
 * does not match is cancelled and made anew; one made anew that still does not match is cancelled and the refund
 * waits for a person. A posted note that does not match is left as it is and reported in words: the books are
 * staff's to correct. What is paid out is the Medusa refund's amount, and only while the note owes exactly that.
 */
export async function creditRefund<I>(ledger: CreditNoteLedger<I>, input: ErpRefundInput): Promise<ErpRefundResult> {
  const digits = currencyDigits(input.currencyCode)
  const wanted = MathBN.convert(input.amount).toFixed(digits)
  const invoice = await ledger.invoiceToCredit(input)
  const found = await ledger.findByReference(input.reference)
  let note: CreditNoteView
  let made = false
  if (found && found.state !== "draft") note = checkBooked(ledger, found, invoice, input, wanted)
  else {
    let draft = found
    if (draft && mismatch(draft, invoice, wanted, digits)) {
      await cancelWrongDraft(ledger, draft, input)
      draft = null
    }
    if (!draft) draft = await ledger.createDraft(input, invoice)
    note = await ledger.post(await matchDraft(ledger, draft, invoice, input, wanted, digits))
    made = true
  }
  const due = MathBN.convert(note.amountDue).abs()
  if (!MathBN.eq(due, 0)) {
    if (!MathBN.eq(due, wanted)) {
      throw permanent(
        ledger,
        `Credit note ${labelOf(note)} of order #${input.orderNumber} in ${ledger.erp} still owes ${due.toFixed(digits)} ${input.currencyCode.toUpperCase()}, not the refund's ${wanted}: ` +
          `someone paid part of it in ${ledger.erp}. Pay out the rest there (or correct the payment), then mark this refund done.`,
        "credit_note_partly_paid"
      )
    }
    note = await ledger.payOut(note, wanted, input)
    made = true
    if (!MathBN.eq(note.amountDue, 0)) {
      throw permanent(
        ledger,
        `${ledger.erp} did not pay out credit note ${labelOf(note)} of order #${input.orderNumber}: it still owes ${MathBN.convert(note.amountDue).abs().toFixed(digits)} ${input.currencyCode.toUpperCase()} after the payment. Pay it out in ${ledger.erp}, then mark this refund done.`,
        "credit_note_not_paid"
      )
    }
  }
  return { creditNoteExternalId: note.id, creditNoteNumber: note.number, created: made }
}

/** Why a note does not credit this refund as it should, in words; null when it does (up to rounding, for a draft). */
function mismatch(note: CreditNoteView, invoice: InvoiceToCredit<unknown>, wanted: string, digits: number): string | null {
  if (note.shareLines !== invoice.shareLines) return `it has ${note.shareLines} refund line(s) where invoice ${invoice.label} has ${invoice.shareLines}`
  if (note.roundingLines > 1) return `it has ${note.roundingLines} rounding lines`
  const total = MathBN.convert(note.total).toFixed(digits)
  if (note.state === "draft" && note.roundingLines === 0) {
    return roundingDifference(wanted, total, digits, note.shareLines) === null ? `its total is ${total}, not ${wanted}` : null
  }
  return MathBN.eq(total, wanted) ? null : `its total is ${total}, not ${wanted}`
}

/** A draft's total made the refund's to the minor unit (a rounding line where only rounding differs), or cancelled. */
async function matchDraft<I>(ledger: CreditNoteLedger<I>, draft: CreditNoteView, invoice: InvoiceToCredit<I>, input: ErpRefundInput, wanted: string, digits: number): Promise<CreditNoteView> {
  let note = draft
  const why = mismatch(note, invoice, wanted, digits)
  if (!why && note.roundingLines === 0) {
    const difference = roundingDifference(wanted, MathBN.convert(note.total).toFixed(digits), digits, note.shareLines)!
    if (!MathBN.eq(difference, 0)) note = await ledger.addRoundingLine(note, difference, input)
  }
  const still = why ?? mismatch(note, invoice, wanted, digits)
  if (!still) return note
  await cancelWrongDraft(ledger, note, input)
  throw permanent(
    ledger,
    `${ledger.erp} computes a credit note for the refund of order #${input.orderNumber} that does not match it (${still}); the draft was cancelled. ` +
      `Check that the invoice's taxes are the ones the order was charged, then retry.`,
    "total_mismatch"
  )
}

async function cancelWrongDraft<I>(ledger: CreditNoteLedger<I>, note: CreditNoteView, input: ErpRefundInput): Promise<void> {
  try {
    await ledger.cancelDraft(note)
  } catch (err) {
    // Unreachable for now: the retry finds the draft again and cancels it then.
    if (err instanceof IntegrationError && err.retryable) throw err
    throw permanent(
      ledger,
      `The draft credit note ${labelOf(note)} of order #${input.orderNumber} in ${ledger.erp} does not match the refund, and ${ledger.erp} refused to cancel it ` +
        `(${err instanceof Error ? err.message : String(err)}): cancel it in ${ledger.erp}, then retry.`,
      "credit_note_cancel_refused"
    )
  }
}

/** A posted (or paid) note found by our reference: it is the refund's, or staff must correct it in the ERP. */
function checkBooked<I>(ledger: CreditNoteLedger<I>, note: CreditNoteView, invoice: InvoiceToCredit<I>, input: ErpRefundInput, wanted: string): CreditNoteView {
  const why = mismatch(note, invoice, wanted, currencyDigits(input.currencyCode))
  if (!why) return note
  throw permanent(
    ledger,
    `Credit note ${labelOf(note)} carrying refund ${input.reference} of order #${input.orderNumber} is already ${note.state} in ${ledger.erp} but does not match the refund of ${wanted} ${input.currencyCode.toUpperCase()} (${why}). ` +
      `Nothing was paid out. Correct it in ${ledger.erp} (a credit note cannot be cancelled once posted: book the difference there), then mark this refund done.`,
    "credit_note_mismatch"
  )
}

const labelOf = (note: CreditNoteView) => (note.number ? note.number : `id ${note.id}`)

const permanent = (ledger: { connectionId: string }, message: string, code: string) =>
  new IntegrationError(message, { connectionId: ledger.connectionId, code, retryable: false })
