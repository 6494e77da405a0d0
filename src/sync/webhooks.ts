import { createHash } from "node:crypto"
import type { MedusaContainer } from "@medusajs/framework/types"
import type { WebhookHeaders } from "../lib/webhooks/signatures"
import { hasInboundSupport, WebhookPayloadError } from "../providers/types"
import type { InboundWebhooks, IntegrationProvider } from "../providers/types"
import { processSyncRecord } from "./engine"
import { hubOf } from "./hub"

/** The answer the webhook route gives, and the record to process once it has answered. */
export type WebhookReceipt = { status: 200 | 400 | 401 | 404 | 413; body: Record<string, unknown>; process?: string }

type Hub = ReturnType<typeof hubOf>
type Rejection = { status: 400 | 401 | 413; reason: string; message: string; signature_valid: boolean; payload_hash: string; payload_size: number; started: number }

/**
 * Verifies, parses and stores one inbound delivery (DESIGN: verify → store → ack; processing comes after the
 * answer). 404 unknown connection or no inbound support; 401 bad/missing signature or stale timestamp (recorded,
 * no payload kept); 400 a body the provider cannot read (recorded likewise); 200 stored, or a repeat of a stored
 * event id (nothing else happens). Rejections are recorded at most webhooks.maxRejectionsPerMinute a minute per
 * connection, the rest counted; the answer is the same either way.
 */
export async function receiveWebhook(
  container: MedusaContainer,
  connectionId: string,
  rawBody: Buffer,
  headers: WebhookHeaders
): Promise<WebhookReceipt> {
  const hub = hubOf(container)
  const found = inboundProvider(hub, connectionId)
  if ("status" in found) return found
  const { provider } = found
  const started = Date.now()
  const payload_hash = createHash("sha256").update(rawBody).digest("hex")
  const request = { rawBody, headers }
  const reject = (status: 400 | 401, reason: string, message: string, signature_valid: boolean) =>
    rejectDelivery(hub, connectionId, { status, reason, message, signature_valid, payload_hash, payload_size: rawBody.length, started })

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

/**
 * A delivery whose body is over webhooks.maxBodyBytes, read no further than that: 413, recorded as too_large with
 * its size (declared, or as far as it was read) and no hash (the body was not read); 404 as above.
 */
export async function refuseOversizedWebhook(container: MedusaContainer, connectionId: string, size: number, limit: number): Promise<WebhookReceipt> {
  const hub = hubOf(container)
  const found = inboundProvider(hub, connectionId)
  if ("status" in found) return found
  const message = `Webhook body over ${limit} bytes (plugin option webhooks.maxBodyBytes)`
  return rejectDelivery(hub, connectionId, { status: 413, reason: "too_large", message, signature_valid: false, payload_hash: "", payload_size: size, started: Date.now() })
}

function inboundProvider(hub: Hub, connectionId: string): { provider: IntegrationProvider & InboundWebhooks } | WebhookReceipt {
  const connection = hub.findConnection(connectionId)
  if (!connection) return { status: 404, body: { message: `No integration connection "${connectionId}" takes webhooks here` } }
  const provider = hub.getProvider(connectionId)
  if (!hasInboundSupport(provider)) {
    return { status: 404, body: { message: `Connection "${connectionId}" (${connection.provider}) does not take webhooks` } }
  }
  return { provider }
}

/** Records a rejection and its receipt's log row (both only within the connection's per-minute allowance), and answers it. */
async function rejectDelivery(hub: Hub, connectionId: string, r: Rejection): Promise<WebhookReceipt> {
  const { status, reason, message, signature_valid, payload_hash, payload_size } = r
  const recorded = await hub.recordWebhookRejection({ connection_id: connectionId, reason, message, payload_hash, payload_size, signature_valid })
  if (recorded) {
    await hub.writeCallLog({
      connection_id: connectionId, direction: "in", operation: "webhook.receive", status: "error", http_status: status,
      duration_ms: Date.now() - r.started, sync_record_id: null, entity_type: null, entity_id: null, external_id: null,
      attempt: null, request: { bytes: payload_size, ...(payload_hash ? { sha256: payload_hash } : {}) }, response: null, error: `${reason}: ${message}`,
    })
  }
  return { status, body: { message } }
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
