import { z } from "@medusajs/framework/zod"

export const stripeOptionsSchema = z.object({
  apiKey: z
    .string()
    .regex(/^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/, 'must be a Stripe secret or restricted API key: "sk_" or "rk_", then "test_" or "live_", then letters, digits or "_"')
    .meta({ title: "API key", description: "A restricted or secret key (sk_… / rk_…) with read access to PaymentIntents, Charges and Disputes. Never logged.", secret: true }),
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9]+$/, "must be a Stripe webhook signing secret (whsec_…)")
    .meta({ title: "Webhook signing secret", description: "The signing secret (whsec_…) of the webhook endpoint that points at /hooks/integrations/<connection id>. Never logged.", secret: true }),
  baseUrl: z.url({ protocol: /^https?$/ }).default("https://api.stripe.com").meta({ title: "API base URL", description: "Stripe's own unless testing." }),
})
export type StripeOptions = z.output<typeof stripeOptionsSchema>

/** What the adapter reads of a PaymentIntent (amounts in the currency's minor unit, as Stripe sends them). */
export const paymentIntentSchema = z.object({
  id: z.string(),
  status: z.string(),
  amount: z.number().int(),
  amount_received: z.number().int().default(0),
  currency: z.string(),
  latest_charge: z.union([
    z.string(),
    z.object({ id: z.string(), amount: z.number().int(), amount_captured: z.number().int().default(0), captured: z.boolean().default(false), amount_refunded: z.number().int().default(0) }).passthrough(),
  ]).nullish(),
})
export type StripePaymentIntent = z.infer<typeof paymentIntentSchema>

const refundSchema = z.object({ id: z.string(), amount: z.number().int(), status: z.string().nullish(), created: z.number().int() })

/** The events the hub acts on, reduced to the fields it needs (Stripe sends far more). */
export const eventSchema = z.object({
  id: z.string(),
  type: z.string(),
  created: z.number().int(),
  data: z.object({ object: z.record(z.string(), z.unknown()) }),
  /** The API request that caused the event; absent or null for the dashboard's and Stripe's own changes. */
  request: z.object({ id: z.string().nullish(), idempotency_key: z.string().nullish() }).nullish(),
})

export const chargeSchema = z.object({
  id: z.string(),
  payment_intent: z.string().nullish(),
  currency: z.string(),
  amount: z.number().int(),
  amount_refunded: z.number().int(),
  refunds: z.object({ data: z.array(refundSchema) }).nullish(),
})

export const disputeSchema = z.object({
  id: z.string(),
  payment_intent: z.string().nullish(),
  charge: z.string().nullish(),
  amount: z.number().int(),
  currency: z.string(),
  reason: z.string(),
  status: z.string(),
  evidence_details: z.object({ due_by: z.number().int().nullish() }).nullish(),
})

export const failedIntentSchema = z.object({
  id: z.string(),
  status: z.string(),
  cancellation_reason: z.string().nullish(),
  last_payment_error: z.object({ code: z.string().nullish(), message: z.string().nullish(), decline_code: z.string().nullish() }).nullish(),
})
