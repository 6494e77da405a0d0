import type { Logger } from "@medusajs/framework/types"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { redactString } from "../../../../lib/http/redact"
import { hubOf } from "../../../../sync/hub"
import { applySoon, receiveWebhook } from "../../../../sync/webhooks"

/**
 * POST /hooks/integrations/:connection_id — inbound webhooks. Medusa's body parser is off for this route
 * (middlewares.ts): the exact bytes are read here, up to `webhooks.maxBodyBytes` (413 beyond), because
 * signatures are computed over them. The answer goes out before the event is applied.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const limit = hubOf(req.scope).pluginOptions.webhooks.maxBodyBytes
  const body = await readBody(req, limit)
  if (body === "too_large") {
    res.status(413).json({ message: `Webhook body over ${limit} bytes (plugin option webhooks.maxBodyBytes)` })
    return
  }
  const receipt = await receiveWebhook(req.scope, req.params.connection_id, body, req.headers)
  res.status(receipt.status).json(receipt.body)
  const recordId = receipt.process
  if (recordId) {
    applySoon(req.scope, recordId, (err) =>
      // The record stays pending; the retry job picks it up.
      req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`integration-hub: webhook record ${recordId} not run now: ${redactString(err.message)}`)
    )
  }
}

/** The raw request body, or "too_large" as soon as it passes `limit` bytes (declared or received). */
function readBody(req: MedusaRequest, limit: number): Promise<Buffer | "too_large"> {
  if (Number(req.headers["content-length"] ?? 0) > limit) return Promise.resolve("too_large")
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners("data")
        req.resume()
        resolve("too_large")
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve(Buffer.concat(chunks)))
    req.on("error", reject)
  })
}
