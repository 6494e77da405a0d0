import type { ErpCreditLine, ErpSalesOrderLine, ErpShippingLine } from "../types"
import { z } from "@medusajs/framework/zod"

export const sandboxOptionsSchema = z.object({
  knownSkus: z
    .array(z.string().min(1))
    .optional()
    .meta({ title: "Known SKUs", description: "SKUs the sandbox ERP has; an order line with another SKU fails as in a real ERP. Every SKU when empty." }),
  stock: z
    .record(z.string(), z.number().int())
    .default({})
    .meta({ title: "Starting stock", description: "Stock on hand per SKU at boot (the sandbox-stock control route changes it at runtime; the changes are kept in the database)." }),
  webhookSecret: z
    .string()
    .regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a Standard Webhooks secret: "whsec_" followed by base64')
    .optional()
    .meta({ title: "Webhook secret", description: 'The Standard Webhooks secret ("whsec_…") the sandbox signs its events with; without it the connection takes no webhooks.', secret: true }),
  allowFailureInjection: z
    .boolean()
    .default(false)
    .meta({ title: "Allow simulated failures in production", description: 'Allow simulated failures and the other control routes (sandbox-failures, sandbox-stock) when NODE_ENV is "production".' }),
  vendorRequestsPerSecond: z
    .number()
    .int()
    .min(1)
    .optional()
    .meta({
      title: "Simulated vendor rate limit",
      description: "Calls per calendar second past which the sandbox answers 429 with Retry-After, as a real API would (counted in the database, so across Medusa instances); for the benchmark. No limit when empty.",
    }),
})
export type SandboxOptions = z.output<typeof sandboxOptionsSchema>


export type SandboxCustomer = { id: string; email: string; name: string; addresses: Array<{ id: string; street: string; city: string; postalCode: string | null }> }
export type SandboxSale = {
  id: string
  number: string
  reference: string
  customerId: string
  state: "processing" | "cancelled"
  currencyCode: string
  lines: ErpSalesOrderLine[]
  shipping?: ErpShippingLine[]
  credits?: ErpCreditLine[]
  /** What Medusa charged, taxes included; the sandbox books it as given. */
  total?: string
}

/** A sandbox ERP event on the wire (Standard Webhooks: the id and timestamp travel in headers). */
export const sandboxEventSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("sale.updated"),
    /** ISO time of the change in the ERP. */
    timestamp: z.iso.datetime(),
    data: z.object({
      reference: z.string().min(1),
      number: z.string().nullable(),
      state: z.enum(["draft", "quotation", "confirmed", "processing", "done", "cancelled"]),
    }),
  }),
  z.object({
    type: z.literal("stock.changed"),
    timestamp: z.iso.datetime(),
    data: z.object({ skus: z.array(z.string().min(1)).max(10_000) }),
  }),
])
export type SandboxEvent = z.infer<typeof sandboxEventSchema>

/** A return the sandbox ERP keeps: the goods back against one sale, taken into stock when done. */
export type SandboxReturn = { id: string; number: string; reference: string; saleId: string; state: "draft" | "done" | "cancelled"; lines: Array<{ sku: string; title: string; quantity: number }> }
