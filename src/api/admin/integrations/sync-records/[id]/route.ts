import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { editableFieldsOf, hubOf, serializeRecordWithHistory } from "../../serializers"

/**
 * GET /admin/integrations/sync-records/:id — one record with its runs, calls, audits and, when it failed and its
 * data can be corrected, the fields to edit before a retry (the work queue's Edit & retry).
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const [record] = await hub.listSyncRecords({ id: req.params.id })
  if (!record) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync record "${req.params.id}" does not exist`)
  res.json({ sync_record: await serializeRecordWithHistory(hub, record, await editableFieldsOf(req.scope, record)) })
}
