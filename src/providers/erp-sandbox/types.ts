import type { ErpCreditLine, ErpSalesOrderLine, ErpShippingLine } from "../types"
import { z } from "@medusajs/framework/zod"

export const sandboxOptionsSchema = z.object({
  /** SKUs the sandbox ERP "has"; an order line with another SKU fails like in a real ERP. Every SKU when absent. */
  knownSkus: z.array(z.string().min(1)).optional(),
  /** Stock on hand per SKU at boot (the control route changes it at runtime; the changes are kept in the database). */
  stock: z.record(z.string(), z.number().int()).default({}),
  /** Standard Webhooks secret ("whsec_…") the sandbox signs its events with; without it the connection takes no webhooks. */
  webhookSecret: z.string().regex(/^whsec_[A-Za-z0-9+/=]{16,}$/, 'must be a Standard Webhooks secret: "whsec_" followed by base64').optional(),
  /** Allow simulated failures (the sandbox-failures admin route) when NODE_ENV is "production". */
  allowFailureInjection: z.boolean().default(false),
  /**
   * Simulates the vendor's own rate limit: past this many calls in one calendar second (counted in the database,
   * so across Medusa instances), calls are answered 429 with Retry-After, as a real API would. For the benchmark.
   */
  vendorRequestsPerSecond: z.number().int().min(1).optional(),
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
