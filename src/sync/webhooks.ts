import { createHash } from "node:crypto"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { WebhookHeaders } from "../lib/webhooks/signatures"
import { hasInboundSupport, WebhookPayloadError } from "../providers/types"
import { processSyncRecord } from "./engine"
import { hubOf } from "./hub"

/** The answer the webhook route gives, and the record to process once it has answered. */
export type WebhookReceipt = { status: 200 | 400 | 401 | 404; body: Record<string, unknown>; process?: string }

/**
 * Verifies, parses and stores one inbound delivery (DESIGN: verify → store → ack; processing comes after the
 * answer). 404 unknown connection or no inbound support; 401 bad/missing signature or stale timestamp (recorded,
 * no payload kept); 400 a body the provider cannot read (recorded likewise); 200 stored, or a repeat of a stored
 * event id (nothing else happens).
 */
export async function receiveWebhook(
  container: MedusaContainer,
  connectionId: string,
  rawBody: Buffer,
  headers: WebhookHeaders
): Promise<WebhookReceipt> {
  const hub = hubOf(container)
  const connection = hub.findConnection(connectionId)
  if (!connection) return { status: 404, body: { message: `No integration connection "${connectionId}" takes webhooks here` } }
  const provider = hub.getProvider(connectionId)
  if (!hasInboundSupport(provider)) {
    return { status: 404, body: { message: `Connection "${connectionId}" (${connection.provider}) does not take webhooks` } }
  }
  const started = Date.now()
  const payload_hash = createHash("sha256").update(rawBody).digest("hex")
  const request = { rawBody, headers }
  const reject = async (status: 400 | 401, reason: string, message: string, signature_valid: boolean): Promise<WebhookReceipt> => {
    await hub.recordWebhookRejection({ connection_id: connectionId, reason, message, payload_hash, payload_size: rawBody.length, signature_valid })
    await hub.writeCallLog({
      connection_id: connectionId, direction: "in", operation: "webhook.receive", status: "error", http_status: status,
      duration_ms: Date.now() - started, sync_record_id: null, entity_type: null, entity_id: null, external_id: null,
      attempt: null, request: { bytes: rawBody.length, sha256: payload_hash }, response: null, error: `${reason}: ${message}`,
    })
    return { status, body: { message } }
  }

  const verdict = await provider.verifyWebhook(request)
  if (!verdict.ok) return reject(401, verdict.reason, verdict.message, false)
  let event
  try {
    event = await provider.parseWebhook(request)
  } catch (err) {
    if (err instanceof WebhookPayloadError) return reject(400, "malformed", err.message, true)
    throw err
  }
  const stored = await hub.storeWebhookEvent({
    connection_id: connectionId,
    event,
    payload_hash,
    payload_size: rawBody.length,
    receipt: { duration_ms: Date.now() - started, request: { bytes: rawBody.length, sha256: payload_hash } },
  })
  if (stored.duplicate) return { status: 200, body: { received: true, duplicate: true, id: stored.id } }
  return { status: 200, body: { received: true, id: stored.id }, process: stored.sync_record_id ?? undefined }
}

/** Inbound records applied at once by this process at most: a burst of deliveries must not starve the store. */
const APPLY_CONCURRENCY = 2
const waiting: string[] = []
let applying = 0

/**
 * Applies an acknowledged event's record soon, in the background, a few at a time. If the process stops
 * first, the record is still pending in the database and the retry job applies it.
 */
export function applySoon(container: MedusaContainer, recordId: string, onError: (err: Error) => void): void {
  waiting.push(recordId)
  pump(container, onError)
}

function pump(container: MedusaContainer, onError: (err: Error) => void): void {
  while (applying < APPLY_CONCURRENCY && waiting.length) {
    const id = waiting.shift()!
    applying++
    setImmediate(() =>
      processSyncRecord(container, id, { trigger: "webhook" })
        .catch(onError)
        .finally(() => {
          applying--
          pump(container, onError)
        })
    )
  }
}
