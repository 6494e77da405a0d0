import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { ignoreSyncRecord } from "../../../../../../console/work-queue"
import { hubOf, serializeSyncRecord } from "../../../serializers"
import type { IgnoreSyncRecordBodyType } from "../../../validators"

/**
 * POST /admin/integrations/sync-records/:id/ignore { reason } — the record needs nothing (e.g. the order was
 * entered in the ERP by hand): it is skipped as "ignored", its failures count as resolved by a person, and the
 * audit keeps who, when and why. A later Retry still runs it.
 */
export async function POST(req: AuthenticatedMedusaRequest<IgnoreSyncRecordBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const [record] = await hub.listSyncRecords({ id: req.params.id })
  if (!record) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync record "${req.params.id}" does not exist`)
  const ignored = await ignoreSyncRecord((sql, params) => hub.execute(sql, params), record.id, req.auth_context?.actor_id ?? null, req.validatedBody.reason)
  if (!ignored) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Sync record "${record.id}" (${record.entity_type} ${record.entity_id} → ${record.connection_id}) is ${record.status}: only a failed, dead or waiting record can be ignored`)
  }
  res.json({ sync_record: serializeSyncRecord(hub, await hub.retrieveSyncRecord(record.id)) })
}
