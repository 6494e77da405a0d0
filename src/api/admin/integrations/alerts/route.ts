import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf } from "../serializers"
import type { ListAlertsQueryType } from "../validators"

/**
 * GET /admin/integrations/alerts?connection_id=&limit=&offset= — each alert and recovery notice sent, newest first
 * (when, about which connection, why, to whom, which channels took it), with the thresholds that raise them and
 * the alerts open now.
 */
export async function GET(req: MedusaRequest<unknown, ListAlertsQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const { connection_id, limit, offset } = req.validatedQuery as ListAlertsQueryType
  const [alerts, count] = await hub.listAndCountAlertLogs(connection_id ? { connection_id } : {}, { order: { created_at: "DESC" }, skip: offset, take: limit })
  const open = await hub.execute<{ connection_id: string; alerted_at: Date; consecutive_failures: number }>(
    `SELECT connection_id, alerted_at, consecutive_failures FROM connection_state WHERE deleted_at IS NULL AND alerted_at IS NOT NULL ORDER BY alerted_at`,
    []
  )
  const { afterConsecutiveFailures, notify } = hub.pluginOptions.alerts
  res.json({
    alerts: alerts.map((a) => ({
      id: a.id, connection_id: a.connection_id, state: a.state, title: a.title, description: a.description,
      recipients: a.recipients, reached: a.reached, resource_type: a.resource_type, resource_id: a.resource_id, created_at: a.created_at,
    })),
    count,
    limit,
    offset,
    thresholds: {
      after_consecutive_failures: afterConsecutiveFailures,
      recover_after_consecutive_successes: afterConsecutiveFailures,
      notify,
    },
    open: open.map((o) => ({ connection_id: o.connection_id, since: o.alerted_at, consecutive_failures: o.consecutive_failures })),
  })
}
