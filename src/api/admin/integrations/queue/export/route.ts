import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { executeOf, queueFilterOf, serializeQueueRow } from "../../../../../console/queue-view"
import { csvLine } from "../../../../../console/csv"
import { eachQueueRow } from "../../../../../console/work-queue"
import { hubOf } from "../../serializers"
import type { ExportQueueQueryType } from "../../validators"

const COLUMNS = ["id", "connection_id", "entity_type", "entity_id", "operation", "state", "attempts", "last_error_code", "last_error", "waiting_since", "next_attempt_at", "admin_path"] as const

/**
 * GET /admin/integrations/queue/export — the work queue's records under the same filter as the page (open ones by
 * default) as CSV, written a page at a time, so no export holds the whole queue in memory.
 */
export async function GET(req: MedusaRequest<unknown, ExportQueueQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const q = req.validatedQuery as ExportQueueQueryType
  const stamp = new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-")
  res.setHeader("Content-Type", "text/csv; charset=utf-8")
  res.setHeader("Content-Disposition", `attachment; filename="integrations-queue-${q.view}-${stamp}.csv"`)
  res.write(csvLine([...COLUMNS]))
  for await (const rows of eachQueueRow(executeOf(hub), queueFilterOf(q), hub.pausedConnectionIds())) {
    res.write(rows.map((r) => { const row = serializeQueueRow(r); return csvLine(COLUMNS.map((c) => row[c])) }).join(""))
  }
  res.end()
}
