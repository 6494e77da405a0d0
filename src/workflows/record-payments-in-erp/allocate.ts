import { MathBN } from "@medusajs/framework/utils"
import type { MoneyToRecord } from "./steps/record-erp-payments"

/** A sale of the order in the ERP and its total, taxes included: the order's own first, then its exchanges'. */
export type SaleToPay = { external_id: string; total: string }

/** A capture, or its part, to register against one sale's invoice. */
export type PaymentToRecord = MoneyToRecord & { sale_external_id: string }

/**
 * Which sale each capture pays, as a ledger allocates a customer's payments: the order's own sale first, up to its
 * total, then each exchange's or claim's sale in turn; what is left after the last sale stays on it (an overpayment
 * the ERP shows). A capture that spans two sales is registered as two payments, the first under the capture's
 * reference, the next ones under "<reference>/2", "/3"… The same captures and sales give the same payments, so a
 * repeated run registers nothing twice. Pure: no I/O.
 */
export function allocatePayments(captures: MoneyToRecord[], sales: SaleToPay[]): PaymentToRecord[] {
  if (sales.length <= 1) return captures.map((c) => ({ ...c, sale_external_id: sales[0]?.external_id ?? "" }))
  const open = sales.map((s) => ({ id: s.external_id, left: MathBN.convert(s.total) }))
  const payments: PaymentToRecord[] = []
  let at = 0
  for (const capture of captures) {
    let rest = MathBN.convert(capture.amount)
    let part = 1
    while (MathBN.gt(rest, 0)) {
      while (at < open.length - 1 && !MathBN.gt(open[at].left, 0)) at++
      const sale = open[at]
      const amount = at === open.length - 1 ? rest : MathBN.min(rest, sale.left)
      const digits = capture.amount.split(".")[1]?.length ?? 0
      payments.push({ ...capture, reference: part === 1 ? capture.reference : `${capture.reference}/${part}`, amount: amount.toFixed(digits), sale_external_id: sale.id })
      sale.left = MathBN.sub(sale.left, amount)
      rest = MathBN.sub(rest, amount)
      part++
    }
  }
  return payments
}
