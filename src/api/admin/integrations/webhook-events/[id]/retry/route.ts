import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { retrySyncRecordNow } from "../../../../../../sync/retry-now"
import { hubOf, serializeSyncRecord, serializeWebhookEvent } from "../../../serializers"

/** POST /admin/integrations/webhook-events/:id/retry — applies a stored event again now (its processing record). */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const [event] = await hub.listWebhookEvents({ id: req.params.id })
  if (!event) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Webhook event "${req.params.id}" does not exist`)
  if (!event.sync_record_id) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Webhook event "${event.id}" was rejected (${event.rejection_reason}); there is nothing to apply`)
  }
  const outcome = await retrySyncRecordNow(req.scope, event.sync_record_id)
  const [after] = await hub.listWebhookEvents({ id: event.id })
  res.json({
    webhook_event: serializeWebhookEvent(after),
    sync_record: serializeSyncRecord(hub, outcome.record),
    retried: outcome.retried,
    message: outcome.message,
  })
}
