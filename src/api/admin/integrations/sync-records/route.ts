import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf, serializeSyncRecord } from "../serializers"
import type { ListSyncRecordsQueryType } from "../validators"

/** GET /admin/integrations/sync-records?status=&connection_id=&entity_type=&limit=&offset= — newest first. */
export async function GET(req: MedusaRequest<unknown, ListSyncRecordsQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const { status, connection_id, entity_type, entity_id, limit, offset } = req.validatedQuery as ListSyncRecordsQueryType
  const filters = Object.fromEntries(
    Object.entries({ status, connection_id, entity_type, entity_id }).filter(([, v]) => v !== undefined)
  )
  const [records, count] = await hub.listAndCountSyncRecords(filters, {
    order: { updated_at: "DESC" },
    skip: offset,
    take: limit,
  })
  res.json({ sync_records: records.map((r) => serializeSyncRecord(hub, r)), count, limit, offset })
}
