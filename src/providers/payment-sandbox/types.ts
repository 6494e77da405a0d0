import { z } from "@medusajs/framework/zod"

export const sandboxGatewayOptionsSchema = z.object({
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a Standard Webhooks secret: "whsec_" followed by base64')
    .meta({ title: "Webhook secret", description: 'The Standard Webhooks secret ("whsec_" + base64) the sandbox gateway signs its events with.', secret: true }),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, "must be an ISO 4217 currency code, e.g. USD")
    // The default before the transform, so that the form (zod's JSON Schema of the input) shows it; same result.
    .default("USD")
    .transform((c) => c.toUpperCase())
    .meta({ title: "Default currency", description: "Currency (ISO 4217) of a payment created without one." }),
  allowControls: z
    .boolean()
    .default(false)
    .meta({ title: "Allow controls in production", description: 'Allow the controls (the sandbox-payments admin route: dashboard refunds, disputes, failures) when NODE_ENV is "production".' }),
})
export type SandboxGatewayOptions = z.output<typeof sandboxGatewayOptionsSchema>

/** Where a payment stands at the sandbox gateway (refunds are counted apart, see `gatewayState`). */
export type LedgerStatus = "requires_action" | "authorized" | "captured" | "canceled" | "failed"

export type LedgerRefund = {
  id: string
  /** Decimal string in major units. */
  amount: string
  status: "succeeded" | "pending" | "failed" | "canceled"
  created_at: string
  /** "api": asked for through the gateway's API (Medusa's refund); "dashboard": made by a person in the gateway. */
  source: "api" | "dashboard"
  /** The caller's idempotency key (Medusa's refund id) for API refunds: the same key refunds once. */
  idempotency_key: string | null
}

export type LedgerDispute = {
  id: string
  amount: string
  reason: string
  status: "needs_response" | "won" | "lost"
  due_by: string | null
  created_at: string
}

/** One payment as the sandbox gateway keeps it, in its own words; amounts are decimal strings in major units. */
export type Ledger = {
  id: string
  amount: string
  currency: string
  captured: string
  status: LedgerStatus
  refunds: LedgerRefund[]
  disputes: LedgerDispute[]
  /** Why it failed or was canceled, when it did. */
  reason: string | null
  /** How many refund calls the API received for it, repeats included: proves whether anyone asked for a refund. */
  api_refund_calls: number
  /** The capture's idempotency key (Medusa's capture id), once captured. */
  capture_key: string | null
  /** Set by `setLedger`: what the gateway reports as refunded instead of its refunds' sum (a gateway that disagrees). */
  refunded_override: string | null
  /** Set by `setLedger`: the gateway answers as if it never saw the payment. */
  missing: boolean
  created_at: string
}

/** What `setLedger` may change, to make the gateway disagree with Medusa (drift tests and the demo). */
export type LedgerPatch = Partial<Pick<Ledger, "amount" | "captured" | "currency" | "status" | "missing">> & {
  /** What the gateway reports as refunded; null goes back to its refunds' sum. */
  refunded?: string | null
}

const decimal = z.string().regex(/^\d+(\.\d+)?$/)
const refundSchema = z.object({ id: z.string().min(1), amount: decimal, status: z.enum(["succeeded", "pending", "failed", "canceled"]), created_at: z.string(), source: z.enum(["api", "dashboard"]) })
const disputeSchema = z.object({ id: z.string().min(1), amount: decimal, reason: z.string(), status: z.string(), due_by: z.string().nullable() })
const paymentSchema = z.object({ id: z.string().min(1), currency: z.string().length(3), amount: decimal, captured: decimal, refunded: decimal })

/** The sandbox gateway's events, in its own format (not the hub's): what its webhooks carry. */
export const sandboxGatewayEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("refund.updated"), created_at: z.string(),
    /** The API call that made the newest refund: its idempotency key (Medusa's refund id), null for a dashboard refund. */
    request: z.object({ idempotency_key: z.string().nullable() }),
    data: z.object({ payment: paymentSchema, refunds: z.array(refundSchema) }),
  }),
  z.object({ type: z.literal("dispute.opened"), created_at: z.string(), data: z.object({ payment: paymentSchema, dispute: disputeSchema }) }),
  z.object({ type: z.literal("dispute.closed"), created_at: z.string(), data: z.object({ payment: paymentSchema, dispute: disputeSchema }) }),
  z.object({ type: z.literal("payment.failed"), created_at: z.string(), data: z.object({ payment: paymentSchema, reason: z.string() }) }),
  z.object({ type: z.literal("payment.canceled"), created_at: z.string(), data: z.object({ payment: paymentSchema, reason: z.string() }) }),
])
export type SandboxGatewayEvent = z.infer<typeof sandboxGatewayEventSchema>

/** A signed delivery, ready to POST to /hooks/integrations/<connection id> as the gateway would. */
export type SignedWebhook = { body: string; headers: Record<string, string> }
