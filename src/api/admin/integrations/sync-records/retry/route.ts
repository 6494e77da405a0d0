import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { retrySyncRecordsNow } from "../../../../../sync/retry-now"
import { hubOf } from "../../serializers"
import type { BulkRetrySyncRecordsBodyType } from "../../validators"

/** POST /admin/integrations/sync-records/retry — retries records by ids or by filter, one after the other (each audited). */
export async function POST(req: AuthenticatedMedusaRequest<BulkRetrySyncRecordsBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const body = req.validatedBody
  const statuses = body.status ?? ["failed", "dead"]
  const byStatus = [
    { status: statuses.filter((s) => s !== "skipped") },
    // Only records skipped in shadow mode can be sent later; other skips are final.
    ...(statuses.includes("skipped") ? [{ status: "skipped" as const, skip_code: "shadow" }] : []),
  ]
  const ids = body.ids ?? (
    await hub.listSyncRecords(
      {
        $or: byStatus,
        ...(body.connection_id ? { connection_id: body.connection_id } : {}),
        ...(body.entity_type ? { entity_type: body.entity_type } : {}),
      },
      { select: ["id"], order: { updated_at: "ASC" }, take: body.limit }
    )
  ).map((r) => r.id)

  res.json(await retrySyncRecordsNow(req.scope, ids, req.auth_context?.actor_id ?? null))
}
