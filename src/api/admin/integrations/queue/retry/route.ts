import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { executeOf, queueFilterOf } from "../../../../../console/queue-view"
import { queueIds } from "../../../../../console/work-queue"
import { retrySyncRecordsNow } from "../../../../../sync/retry-now"
import { hubOf } from "../../serializers"
import type { RetryQueueBodyType } from "../../validators"

/**
 * POST /admin/integrations/queue/retry { cause?, connection_id?, entity_type?, error_code?, older_than_minutes?, state?, limit }
 * — retries what the filter (or one cause group) holds, oldest waiting first, each audited as a bulk retry; answers
 * each record's outcome and how many synced.
 */
export async function POST(req: AuthenticatedMedusaRequest<RetryQueueBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const body = req.validatedBody
  const ids = await queueIds(executeOf(hub), queueFilterOf(body), hub.pausedConnectionIds(), body.limit)
  res.json(await retrySyncRecordsNow(req.scope, ids, req.auth_context?.actor_id ?? null))
}
