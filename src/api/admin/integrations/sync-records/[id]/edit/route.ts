import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { correctSyncRecord } from "../../../../../../sync/edit-and-retry"
import { hubOf, serializeSyncRecord } from "../../../serializers"
import type { EditSyncRecordBodyType } from "../../../validators"

/**
 * POST /admin/integrations/sync-records/:id/edit — edit-and-retry: corrects the data the error named for this
 * record (e.g. `{ "corrections": { "items.<item id>.variant_sku": "SHIRT-BLUE" } }`), audits the edit with the
 * admin's id, and runs the record again unless `retry: false`.
 */
export async function POST(req: AuthenticatedMedusaRequest<EditSyncRecordBodyType>, res: MedusaResponse) {
  const { corrections, note, retry } = req.validatedBody
  const outcome = await correctSyncRecord(req.scope, req.params.id, { corrections, note, retry, actorId: req.auth_context?.actor_id ?? null })
  res.json({ sync_record: serializeSyncRecord(hubOf(req.scope), outcome.record), retried: outcome.retried, message: outcome.message })
}
