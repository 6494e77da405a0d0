import type { z } from "@medusajs/framework/zod"
import { WebhookPayloadError } from "./types"

/**
 * A webhook's raw body as the vendor's event: JSON, then the provider's schema. Anything else is a
 * WebhookPayloadError naming the first problem ("not a ShipStation webhook: resource_url: Required"), which the
 * hub answers 400 and records.
 */
export function parseWebhookBody<S extends z.ZodType>(rawBody: Buffer, schema: S, what: string): z.output<S> {
  let json: unknown
  try {
    json = JSON.parse(rawBody.toString("utf8"))
  } catch {
    throw new WebhookPayloadError("body is not JSON")
  }
  const parsed = schema.safeParse(json)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    throw new WebhookPayloadError(`not ${what}: ${issue.path.join(".") || "(root)"}: ${issue.message}`)
  }
  return parsed.data
}
