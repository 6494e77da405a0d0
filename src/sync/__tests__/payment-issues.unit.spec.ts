import { paymentIssuesOf, StoredPaymentEvent } from "../payment-issues"

const dispute = (status: string) => ({ payment_id: "pi_1", dispute: "dp_1", amount: "45.00", currency_code: "USD", reason: "fraudulent", status, due_by: "2027-01-15T08:00:00.000Z" })
const at = (minute: number) => new Date(`2026-12-01T10:${String(minute).padStart(2, "0")}:00.000Z`)
const event = (event_type: string, payload: Record<string, unknown>, minute: number, arrived = minute): StoredPaymentEvent => ({ event_type, payload, occurred_at: at(minute), created_at: at(arrived) })

describe("an order's payment issues, from the gateway's events", () => {
  it("a dispute as its latest event left it, whatever order the events arrived in", () => {
    const opened = event("payment.dispute_opened", dispute("needs_response"), 1, 5)
    const closed = event("payment.dispute_closed", dispute("lost"), 3, 4)
    const expected = [{ kind: "dispute", ...dispute("lost"), state: "lost", occurred_at: at(3).toISOString() }]
    expect(paymentIssuesOf([opened, closed])).toEqual(expected)
    expect(paymentIssuesOf([closed, opened])).toEqual(expected)
  })

  it("an open dispute, a closed one without a verdict, and the latest failure, with the gateway's reason", () => {
    const issues = paymentIssuesOf([
      event("payment.dispute_opened", dispute("needs_response"), 1),
      event("payment.dispute_closed", { ...dispute("warning_closed"), dispute: "dp_2" }, 2),
      event("payment.failed", { payment_id: "pi_1", reason: "Your card was declined. — insufficient_funds" }, 3),
      event("payment.canceled", { payment_id: "pi_1", reason: "abandoned" }, 4),
      event("payment.refunded", { payment_id: "pi_1", refunds: [] }, 5),
    ])
    expect(issues.map((i) => (i.kind === "dispute" ? [i.kind, i.dispute, i.state] : [i.kind, i.reason]))).toEqual([
      ["dispute", "dp_1", "open"], ["dispute", "dp_2", "closed"], ["canceled", "abandoned"],
    ])
  })
})
