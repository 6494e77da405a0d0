import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { executeOf, queueFilterOf, serializeQueueRow, adminPathOf } from "../../../../console/queue-view"
import { groupQueue, listQueue, listResolved } from "../../../../console/work-queue"
import { hubOf } from "../serializers"
import type { ListQueueQueryType } from "../validators"

/**
 * GET /admin/integrations/queue — the work queue across orders, customers and connections. `view=open` (default:
 * needs attention, out of retries, connection paused) and `view=in_flight` (a retry is planned) answer the records
 * grouped by cause ("37 orders: SKU 'HAT-9' is not a product in Tryton") and one page of them, the longest waiting
 * first; `view=resolved` answers the records whose failures were made good, by a person or by a later run.
 */
export async function GET(req: MedusaRequest<unknown, ListQueueQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const q = req.validatedQuery as ListQueueQueryType
  const execute = executeOf(hub)
  if (q.view === "resolved") {
    const rows = await listResolved(execute, q, { limit: q.limit, offset: q.offset })
    return res.json({ view: q.view, resolved: rows.map((r) => ({ ...r, admin_path: adminPathOf(r.entity_type, r.entity_id) })), limit: q.limit, offset: q.offset })
  }
  const paused = hub.pausedConnectionIds()
  const filter = queueFilterOf(q)
  const [groups, page] = await Promise.all([groupQueue(execute, filter, paused), listQueue(execute, filter, paused, { limit: q.limit, offset: q.offset })])
  res.json({ view: q.view, groups, records: page.rows.map(serializeQueueRow), count: page.count, limit: q.limit, offset: q.offset })
}
