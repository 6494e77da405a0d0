import type { Logger } from "@medusajs/framework/types"
import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { redactString } from "../../../../lib/http/redact"
import { hubOf } from "../../../../sync/hub"
import { applySoon, receiveWebhook, refuseOversizedWebhook } from "../../../../sync/webhooks"

/**
 * POST /hooks/integrations/:connection_id — inbound webhooks. Medusa's body parser is off for this route
 * (middlewares.ts): the exact bytes are read here, up to `webhooks.maxBodyBytes`, because signatures are computed
 * over them. A body over the limit is read no further: 413 (recorded as rejected) and the connection is closed. The
 * answer goes out before the event is applied.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const limit = hubOf(req.scope).pluginOptions.webhooks.maxBodyBytes
  const body = await readBody(req, limit)
  if ("tooLarge" in body) {
    res.setHeader("Connection", "close")
    const refused = await refuseOversizedWebhook(req.scope, req.params.connection_id, body.tooLarge, limit)
    res.status(refused.status).json(refused.body)
    return
  }
  const receipt = await receiveWebhook(req.scope, req.params.connection_id, body.bytes, req.headers)
  res.status(receipt.status).json(receipt.body)
  const recordId = receipt.process
  if (recordId) {
    applySoon(req.scope, recordId, (err) =>
      // The record stays pending; the retry job picks it up.
      req.scope.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`integration-hub: webhook record ${recordId} not run now: ${redactString(err.message)}`)
    )
  }
}

/**
 * The raw request body, or, as soon as it passes `limit` bytes (declared or received), how large it is said or was
 * seen to be: from then on the request is paused, so nothing more is read before the connection is closed.
 */
function readBody(req: MedusaRequest, limit: number): Promise<{ bytes: Buffer } | { tooLarge: number }> {
  const declared = Number(req.headers["content-length"] ?? 0)
  if (declared > limit) return Promise.resolve({ tooLarge: declared })
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on("data", (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.removeAllListeners("data")
        req.pause()
        resolve({ tooLarge: size })
      } else chunks.push(chunk)
    })
    req.on("end", () => resolve({ bytes: Buffer.concat(chunks) }))
    req.on("error", reject)
  })
}
