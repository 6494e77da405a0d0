import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf, serializeLog } from "../serializers"
import type { ListLogsQueryType } from "../validators"

/** GET /admin/integrations/logs?connection_id=&direction=&status=&since=&sync_record_id= — newest first, paged. */
export async function GET(req: MedusaRequest<unknown, ListLogsQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const { connection_id, direction, status, since, sync_record_id, limit, offset } = req.validatedQuery as ListLogsQueryType
  const filters = {
    ...Object.fromEntries(Object.entries({ connection_id, direction, status, sync_record_id }).filter(([, v]) => v !== undefined)),
    ...(since ? { created_at: { $gte: since } } : {}),
  }
  const [logs, count] = await hub.listAndCountIntegrationLogs(filters, { order: { created_at: "DESC" }, skip: offset, take: limit })
  res.json({ logs: logs.map((l) => serializeLog(hub, l)), count, limit, offset })
}
