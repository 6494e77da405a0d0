import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { verifyStandardWebhook } from "medusa-integration-hub/lib/webhooks/signatures"

const LIMIT = 1024 * 1024

/**
 * POST /hooks/bare — the benchmark's baseline (`npm run bench`, webhook ingest): reads the raw body and checks
 * the same Standard Webhooks signature as the hub's webhook route, then answers, storing nothing. The hub's
 * route costs this plus storage, de-duplication and its durable record.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > LIMIT) {
      res.status(413).json({ message: "too large" })
      return
    }
    chunks.push(chunk)
  }
  const verdict = verifyStandardWebhook({ rawBody: Buffer.concat(chunks), headers: req.headers, secret: process.env.DEMO_WEBHOOK_SECRET ?? "" })
  if (!verdict.ok) {
    res.status(401).json({ message: verdict.message })
    return
  }
  res.status(200).json({ received: true })
}
