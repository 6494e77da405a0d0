import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { incidentsOf, pointsOf, STEP_MS } from "../../../../../../console/history"
import { WINDOWS } from "../../../../../../console/overview"
import { readBuckets } from "../../../../../../modules/integration-hub/health-history"
import { hubOf, serializeConnectionHealth } from "../../../serializers"
import type { ConnectionHistoryQueryType } from "../../../validators"

/**
 * GET /admin/integrations/connections/:id/history?window=24h|7d|30d — the connection with its health, and over the
 * window: points for the charts (calls, errors, 429s, p95 latency, records waiting; 5 minutes over a day, an hour
 * over a week, 6 hours over a month) and its incidents (outages and circuit-open spans with start, end, duration).
 */
export async function GET(req: MedusaRequest<unknown, ConnectionHistoryQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const connection = hub.getConnection(req.params.id)
  const { window } = req.validatedQuery as ConnectionHistoryQueryType
  const to = new Date()
  const from = new Date(to.getTime() - WINDOWS[window])
  const [health, buckets] = await Promise.all([
    hub.connectionHealthRows(),
    readBuckets((sql, params) => hub.execute(sql, params), connection.id, from, to),
  ])
  res.json({
    connection: await serializeConnectionHealth(hub, connection, health.get(connection.id)),
    window,
    step_ms: STEP_MS[window],
    points: pointsOf(buckets, from, to, STEP_MS[window]),
    incidents: incidentsOf(buckets),
  })
}
