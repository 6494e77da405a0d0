import type { z } from "@medusajs/framework/zod"
import { formatIssues, safeParseWithRequired } from "../lib/zod-issues"

/**
 * The body of every provider's `static validateOptions`: throws one `path: problem` line per issue,
 * which the hub prefixes with `connections[i].options.`.
 */
export function assertProviderOptions(schema: z.ZodType, options: Record<string, unknown>): void {
  const result = safeParseWithRequired(schema, options)
  if (!result.success) throw new Error(formatIssues(result.error).join("\n"))
}
