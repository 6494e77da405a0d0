/*
 * Stripe objects as API version 2023-08-16 writes them: every property of the description's schema, the
 * required ones always, null where Stripe sends null. Amounts are in the currency's minor unit.
 * The double keeps these objects as its state and answers with (expanded) copies of them.
 */
import { randomBytes } from "node:crypto"
import { STRIPE_SPEC_VERSION } from "./spec"

export type Metadata = Record<string, string>
export type ApiError = { type: string; code?: string; decline_code?: string; message: string; param?: string; doc_url?: string; charge?: string; payment_intent?: PaymentIntent }

export type PaymentIntent = {
  id: string; object: "payment_intent"; amount: number; amount_capturable: number; amount_received: number; currency: string
  status: "requires_payment_method" | "requires_confirmation" | "requires_action" | "processing" | "requires_capture" | "canceled" | "succeeded"
  capture_method: "automatic" | "automatic_async" | "manual"; confirmation_method: "automatic" | "manual"; created: number; livemode: false
  latest_charge: string | null; payment_method: string | null; customer: string | null; description: string | null; metadata: Metadata
  canceled_at: number | null; cancellation_reason: string | null; last_payment_error: ApiError | null; payment_method_types: string[]
  automatic_payment_methods: { enabled: boolean; allow_redirects?: "always" | "never" } | null
  [more: string]: unknown
}
export type Refund = {
  id: string; object: "refund"; amount: number; charge: string; currency: string; created: number; metadata: Metadata
  payment_intent: string | null; reason: string | null; status: "succeeded" | "pending" | "failed" | "canceled"
  [more: string]: unknown
}
export type Charge = {
  id: string; object: "charge"; amount: number; amount_captured: number; amount_refunded: number; captured: boolean; created: number
  currency: string; disputed: boolean; paid: boolean; refunded: boolean; status: "succeeded" | "pending" | "failed"
  payment_intent: string; payment_method: string | null; customer: string | null; metadata: Metadata; balance_transaction: string | null
  failure_code: string | null; failure_message: string | null
  [more: string]: unknown
}
export type Dispute = {
  id: string; object: "dispute"; amount: number; charge: string; currency: string; created: number; payment_intent: string
  reason: string; status: "needs_response" | "under_review" | "won" | "lost" | "warning_needs_response" | "warning_under_review" | "warning_closed"
  evidence_details: { due_by: number | null; has_evidence: boolean; past_due: boolean; submission_count: number }
  [more: string]: unknown
}
export type Customer = { id: string; object: "customer"; email: string | null; name: string | null; phone: string | null; created: number; [more: string]: unknown }
export type StripeEvent = {
  id: string; object: "event"; api_version: string; created: number; type: string; livemode: false; pending_webhooks: number
  request: { id: string | null; idempotency_key: string | null }
  data: { object: Record<string, unknown>; previous_attributes?: Record<string, unknown> }
}

/** Ids shaped as Stripe's: a prefix and 24 base62-ish characters. */
export function stripeId(prefix: string): string {
  return `${prefix}_${randomBytes(18).toString("base64").replace(/[^A-Za-z0-9]/g, "").slice(0, 24).padEnd(24, "0")}`
}
export const now = () => Math.floor(Date.now() / 1000)
const nullAddress = () => ({ city: null, country: null, line1: null, line2: null, postal_code: null, state: null })

/** The test card every double-made payment is paid with (Stripe's `pm_card_visa` test token resolves to one). */
export function paymentMethod(id: string, customer: string | null) {
  return {
    id, object: "payment_method", type: "card", created: now(), customer, livemode: false, metadata: {},
    billing_details: { address: nullAddress(), email: null, name: null, phone: null },
    card: {
      brand: "visa", checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "unchecked" }, country: "US",
      exp_month: 12, exp_year: 2034, fingerprint: "Xt5EWLLDS7FJjR1c", funding: "credit", generated_from: null, last4: "4242",
      networks: { available: ["visa"], preferred: null }, three_d_secure_usage: { supported: true }, wallet: null,
    },
  }
}

export function paymentIntent(input: {
  amount: number; currency: string; capture_method?: PaymentIntent["capture_method"]; customer?: string | null; description?: string | null
  metadata?: Metadata; payment_method?: string | null; payment_method_types?: string[]; automatic?: boolean
}): PaymentIntent {
  const id = stripeId("pi")
  // Since 2023-08-16 a PaymentIntent without payment_method_types has automatic payment methods enabled.
  const automatic = input.automatic ?? !input.payment_method_types?.length
  return {
    id, object: "payment_intent", amount: input.amount, amount_capturable: 0, amount_details: { tip: {} }, amount_received: 0,
    application: null, application_fee_amount: null,
    automatic_payment_methods: automatic ? { allow_redirects: "always", enabled: true } : null,
    canceled_at: null, cancellation_reason: null, capture_method: input.capture_method ?? "automatic",
    client_secret: `${id}_secret_${randomBytes(12).toString("hex")}`, confirmation_method: "automatic", created: now(),
    currency: input.currency, customer: input.customer ?? null, description: input.description ?? null, invoice: null,
    last_payment_error: null, latest_charge: null, livemode: false, metadata: input.metadata ?? {}, next_action: null, on_behalf_of: null,
    payment_method: input.payment_method ?? null,
    payment_method_options: { card: { installments: null, mandate_options: null, network: null, request_three_d_secure: "automatic" } },
    payment_method_types: input.payment_method_types?.length ? input.payment_method_types : ["card"],
    processing: null, receipt_email: null, review: null, setup_future_usage: null, shipping: null,
    statement_descriptor: null, statement_descriptor_suffix: null,
    status: input.payment_method ? "requires_confirmation" : "requires_payment_method", transfer_data: null, transfer_group: null,
  }
}

/** The charge a confirmation makes: authorised (captured later for manual capture) or declined. */
export function charge(intent: PaymentIntent, outcome: { captured: boolean } | { declined: { code: string; decline_code: string; message: string } }): Charge {
  const declined = "declined" in outcome ? outcome.declined : null
  const captured = !declined && "captured" in outcome && outcome.captured
  return {
    id: stripeId("ch"), object: "charge", amount: intent.amount, amount_captured: captured ? intent.amount : 0, amount_refunded: 0,
    application: null, application_fee: null, application_fee_amount: null, balance_transaction: captured ? stripeId("txn") : null,
    billing_details: { address: nullAddress(), email: null, name: null, phone: null }, calculated_statement_descriptor: "MEDUSA TEST",
    captured, created: now(), currency: intent.currency, customer: intent.customer, description: intent.description,
    disputed: false, failure_balance_transaction: null, failure_code: declined?.code ?? null, failure_message: declined?.message ?? null,
    fraud_details: {}, invoice: null, livemode: false, metadata: { ...intent.metadata }, on_behalf_of: null,
    outcome: declined
      ? { network_status: "declined_by_network", reason: declined.decline_code, risk_level: "normal", risk_score: 32, seller_message: "The bank did not return any further details with this decline.", type: "issuer_declined" }
      : { network_status: "approved_by_network", reason: null, risk_level: "normal", risk_score: 32, seller_message: "Payment complete.", type: "authorized" },
    paid: !declined, payment_intent: intent.id, payment_method: intent.payment_method,
    payment_method_details: {
      card: {
        brand: "visa", checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: "pass" }, country: "US", exp_month: 12, exp_year: 2034,
        fingerprint: "Xt5EWLLDS7FJjR1c", funding: "credit", installments: null, last4: "4242", mandate: null, network: "visa", network_token: { used: false },
        three_d_secure: null, wallet: null,
      },
      type: "card",
    },
    receipt_email: null, receipt_number: null, receipt_url: `https://pay.stripe.com/receipts/payment/${randomBytes(24).toString("base64url")}`,
    refunded: false, review: null, shipping: null, source_transfer: null, statement_descriptor: null, statement_descriptor_suffix: null,
    status: declined ? "failed" : "succeeded", transfer_data: null, transfer_group: null,
  }
}

export function refund(of: Charge, amount: number, input: { metadata?: Metadata; reason?: string | null } = {}): Refund {
  return {
    id: stripeId("re"), object: "refund", amount, balance_transaction: stripeId("txn"), charge: of.id, created: now(), currency: of.currency,
    metadata: input.metadata ?? {}, payment_intent: of.payment_intent, reason: input.reason ?? null, receipt_number: null,
    source_transfer_reversal: null, status: "succeeded", transfer_reversal: null,
  }
}

export function dispute(of: Charge, input: { reason: string; amount?: number }): Dispute {
  const evidence = Object.fromEntries([
    "access_activity_log", "billing_address", "cancellation_policy", "cancellation_policy_disclosure", "cancellation_rebuttal", "customer_communication",
    "customer_email_address", "customer_name", "customer_purchase_ip", "customer_signature", "duplicate_charge_documentation", "duplicate_charge_explanation",
    "duplicate_charge_id", "product_description", "receipt", "refund_policy", "refund_policy_disclosure", "refund_refusal_explanation", "service_date",
    "service_documentation", "shipping_address", "shipping_carrier", "shipping_date", "shipping_documentation", "shipping_tracking_number",
    "uncategorized_file", "uncategorized_text",
  ].map((k) => [k, null]))
  return {
    id: stripeId("dp"), object: "dispute", amount: input.amount ?? of.amount_captured - of.amount_refunded, balance_transactions: [], charge: of.id,
    created: now(), currency: of.currency, evidence, evidence_details: { due_by: now() + 7 * 86_400, has_evidence: false, past_due: false, submission_count: 0 },
    is_charge_refundable: false, livemode: false, metadata: {}, payment_intent: of.payment_intent,
    payment_method_details: { card: { brand: "visa", network_reason_code: "10.4" }, type: "card" }, reason: input.reason, status: "needs_response",
  }
}

export function customer(input: { email?: string; name?: string; phone?: string; description?: string; metadata?: Metadata; address?: Record<string, string> }): Customer {
  return {
    id: stripeId("cus"), object: "customer", address: input.address ? { ...nullAddress(), ...input.address } : null, balance: 0, created: now(),
    currency: null, default_source: null, delinquent: false, description: input.description ?? null, discount: null, email: input.email ?? null,
    invoice_prefix: randomBytes(4).toString("hex").toUpperCase(), invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false, metadata: input.metadata ?? {}, name: input.name ?? null, next_invoice_sequence: 1, phone: input.phone ?? null,
    preferred_locales: [], shipping: null, tax_exempt: "none", test_clock: null,
  }
}

/** An event; `request` names the API request that caused it (none for the dashboard's or the card network's doing). */
export function event(type: string, object: Record<string, unknown>, previous?: Record<string, unknown>, request?: StripeEvent["request"]): StripeEvent {
  return {
    id: stripeId("evt"), object: "event", api_version: STRIPE_SPEC_VERSION, created: now(), type, livemode: false, pending_webhooks: 1,
    request: { id: request?.id ?? null, idempotency_key: request?.idempotency_key ?? null }, data: previous ? { object, previous_attributes: previous } : { object },
  }
}

export function list<T>(url: string, data: T[]) {
  return { object: "list" as const, data, has_more: false, url }
}
