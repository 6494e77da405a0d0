import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retrySyncRecordNow } from "../../../../../../sync/retry-now"
import { hubOf, serializeSyncRecord } from "../../../serializers"

/** POST /admin/integrations/sync-records/:id/retry — runs the record now, without waiting for the scheduler (audited). */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const outcome = await retrySyncRecordNow(req.scope, req.params.id)
  const hub = hubOf(req.scope)
  if (outcome.retried) {
    await hub.createSyncAudits({ sync_record_id: req.params.id, action: "retry", actor_id: req.auth_context?.actor_id ?? null, note: outcome.message })
  }
  res.json({ sync_record: serializeSyncRecord(hub, outcome.record), retried: outcome.retried, message: outcome.message })
}
