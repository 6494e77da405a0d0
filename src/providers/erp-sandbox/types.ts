import { z } from "@medusajs/framework/zod"

export const sandboxOptionsSchema = z.object({
  /** SKUs the sandbox ERP "has"; an order line with another SKU fails like in a real ERP. Every SKU when absent. */
  knownSkus: z.array(z.string().min(1)).optional(),
  /** Stock on hand per SKU, reported by getStockLevels. */
  stock: z.record(z.string(), z.number().int()).default({}),
})
export type SandboxOptions = z.output<typeof sandboxOptionsSchema>

/** Failures staff asked for: the next `count` calls fail this way. */
export const failureSchema = z.object({
  count: z.number().int().min(0).max(1000),
  /** "outage": retryable, like a server that is down; "reject": permanent, like a validation error. */
  kind: z.enum(["outage", "reject"]).default("outage"),
})
export type SandboxFailures = z.output<typeof failureSchema>

export type SandboxCustomer = { id: string; email: string; name: string; addresses: Array<{ id: string; street: string; city: string; postalCode: string | null }> }
export type SandboxSale = {
  id: string
  number: string
  reference: string
  customerId: string
  state: "processing" | "cancelled"
  currencyCode: string
  lines: Array<{ sku: string; title: string; quantity: number; unitPrice: string }>
}
