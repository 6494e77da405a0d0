import type { GatewayDispute, GatewayPaymentEvents } from "../providers/types"

/** A stored gateway event, as the order page and the handlers read it. */
export type StoredPaymentEvent = { event_type: string | null; occurred_at: Date | null; created_at: Date; payload: Record<string, unknown> | null }

/** What staff must know about an order's payment, from the gateway's events: its disputes and failures. */
export type PaymentIssue =
  | ({ kind: "dispute"; state: "open" | "won" | "lost" | "closed"; occurred_at: string } & Omit<GatewayDispute, "status"> & { status: string })
  | { kind: "failed" | "canceled"; payment_id: string; reason: string; occurred_at: string }

const when = (e: StoredPaymentEvent) => (e.occurred_at ?? e.created_at).toISOString()

/** A dispute's state in staff's words: open until the gateway says won or lost. */
export function disputeState(status: string, closed: boolean): "open" | "won" | "lost" | "closed" {
  if (status === "won" || status === "lost") return status
  return closed ? "closed" : "open"
}

/**
 * The current issues of a payment: each dispute as its latest event (by when the gateway says it happened, not
 * when it arrived) left it, and the latest failure or cancellation. Events arriving out of order give the same
 * answer as in order.
 */
export function paymentIssuesOf(events: StoredPaymentEvent[]): PaymentIssue[] {
  const sorted = [...events].filter((e) => e.payload && e.event_type?.startsWith("payment.")).sort((a, b) => when(a).localeCompare(when(b)))
  const disputes = new Map<string, PaymentIssue>()
  let failure: PaymentIssue | null = null
  for (const e of sorted) {
    if (e.event_type === "payment.dispute_opened" || e.event_type === "payment.dispute_closed") {
      const d = e.payload as GatewayPaymentEvents["payment.dispute_opened"]
      disputes.set(d.dispute, { kind: "dispute", ...d, state: disputeState(d.status, e.event_type === "payment.dispute_closed"), occurred_at: when(e) })
    } else if (e.event_type === "payment.failed" || e.event_type === "payment.canceled") {
      const f = e.payload as GatewayPaymentEvents["payment.failed"]
      failure = { kind: e.event_type === "payment.failed" ? "failed" : "canceled", payment_id: f.payment_id, reason: f.reason, occurred_at: when(e) }
    }
  }
  return [...disputes.values(), ...(failure ? [failure] : [])]
}
