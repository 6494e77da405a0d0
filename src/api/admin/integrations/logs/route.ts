import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf, serializeLog } from "../serializers"
import type { ListLogsQueryType } from "../validators"

/** The call log is counted up to this many rows (`count_capped` says when there are more): a count of a million rows is not free. */
const COUNT_CAP = 10_000

/**
 * GET /admin/integrations/logs?connection_id=&direction=&status=&since=&sync_record_id= — newest first, paged, through
 * the log's (connection, direction, created_at) or (created_at) index; `count` stops at 10,000.
 */
export async function GET(req: MedusaRequest<unknown, ListLogsQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const { connection_id, direction, status, since, sync_record_id, limit, offset } = req.validatedQuery as ListLogsQueryType
  const equal = Object.entries({ connection_id, direction, status, sync_record_id }).filter(([, v]) => v !== undefined)
  const filters = { ...Object.fromEntries(equal), ...(since ? { created_at: { $gte: since } } : {}) }
  const where = ["deleted_at IS NULL", ...equal.map(([k]) => `${k} = ?`), ...(since ? ["created_at >= ?"] : [])].join(" AND ")
  const [logs, [counted]] = await Promise.all([
    hub.listIntegrationLogs(filters, { order: { created_at: "DESC" }, skip: offset, take: limit }),
    hub.execute<{ n: string }>(`SELECT count(*) AS n FROM (SELECT 1 FROM integration_log WHERE ${where} LIMIT ${COUNT_CAP + 1}) capped`, [...equal.map(([, v]) => v), ...(since ? [since] : [])]),
  ])
  const count = Number(counted?.n ?? 0)
  res.json({ logs: logs.map((l) => serializeLog(hub, l)), count: Math.min(count, COUNT_CAP), count_capped: count > COUNT_CAP, limit, offset })
}
