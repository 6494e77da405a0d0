/** What a payment gateway provider answers: its events and its truth for reconciliation. */
import type { InboundWebhooks, IntegrationProvider } from "./types"

/** A payment gateway, next to Medusa's own payment provider: its events and its truth for reconciliation. */
export interface PaymentGatewayProvider extends IntegrationProvider {
  readonly kind: "payment"
  /** A gateway without inbound events is of no use to the hub: these are required here. */
  verifyWebhook: InboundWebhooks["verifyWebhook"]
  parseWebhook: InboundWebhooks["parseWebhook"]
  getPaymentState(paymentId: string): Promise<GatewayPaymentState>
  /** The gateway's id of a Medusa payment, or null when the payment is not this gateway's (another provider's). */
  gatewayPaymentId(payment: MedusaPaymentRef): string | null
  /** Filters for Medusa's Payment module that find the payment the gateway calls `gatewayPaymentId`. */
  medusaPaymentFilter(gatewayPaymentId: string): Record<string, unknown>
}

/** A Medusa payment as a gateway reads it: Medusa's payment provider and the data it keeps. */
export type MedusaPaymentRef = { id: string; provider_id: string; data: Record<string, unknown> | null }

/**
 * The hub's payment events (a gateway provider's `parseWebhook` translates its vendor's events into these), with
 * the `subject` `{ entity_type: "gateway_payment", entity_id: <gateway payment id> }`: the events about one payment
 * are applied one at a time, in the order they arrive. Amounts are decimal strings in major units.
 */
export type GatewayPaymentEvents = {
  /**
   * Every refund the gateway holds for the payment (not only the newest): each is recorded once, by its id.
   * `requested_with_key`: the idempotency key of the API call that made the newest refund (Medusa refunds with its
   * own refund id as the key), null when it was made at the gateway (its dashboard).
   */
  "payment.refunded": { payment_id: string; currency_code: string; amount_refunded: string; refunds: GatewayRefund[]; requested_with_key: string | null }
  "payment.dispute_opened": GatewayDispute
  "payment.dispute_closed": GatewayDispute
  "payment.failed": { payment_id: string; reason: string }
  "payment.canceled": { payment_id: string; reason: string }
}
export type GatewayRefund = { id: string; amount: string; status: "succeeded" | "pending" | "failed" | "canceled"; created_at: string }
/** `status` as the gateway says it ("needs_response", "won", "lost", …); `due_by` the deadline to answer, when known. */
export type GatewayDispute = { payment_id: string; dispute: string; amount: string; currency_code: string; reason: string; status: string; due_by: string | null }

export type GatewayPaymentState = {
  paymentId: string
  status: "requires_action" | "authorized" | "captured" | "canceled" | "failed" | "refunded" | "partially_refunded"
  /** Decimal strings in major units. */
  amount: string
  capturedAmount: string
  refundedAmount: string
  currencyCode: string
}
