import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retrySyncRecordNow } from "../../../../../../sync/retry-now"
import { hubOf, serializeSyncRecord } from "../../../serializers"

/** POST /admin/integrations/sync-records/:id/retry — runs the record now, without waiting for the scheduler. */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const outcome = await retrySyncRecordNow(req.scope, req.params.id)
  const hub = hubOf(req.scope)
  res.json({ sync_record: serializeSyncRecord(hub, outcome.record), retried: outcome.retried, message: outcome.message })
}
