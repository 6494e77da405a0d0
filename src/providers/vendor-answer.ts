import type { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../lib/errors"

/**
 * An answer that is not what the vendor's API describes (checked against what the adapter reads): a permanent
 * failure, since the same call gets the same answer; undefined when the answer is fine. Names the first fields wrong.
 */
export function notAsDescribed(vendor: string, connectionId: string, operation: string, schema: z.ZodType, body: unknown): IntegrationError | undefined {
  const parsed = schema.safeParse(body)
  if (parsed.success) return undefined
  const where = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".") || "body"}: ${i.message}`).join("; ")
  return new IntegrationError(`${vendor} answered ${operation} with something that is not what its API describes (${where}) on connection "${connectionId}"`, {
    connectionId, code: `${vendor.toLowerCase()}_bad_response`, retryable: false,
  })
}
