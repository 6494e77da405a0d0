import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf, serializeConnections, serializeLog, serializeRun, serializeSyncRecord } from "../../serializers"

const LOGS_PER_RECORD = 10
const RUNS_PER_RECORD = 10

/**
 * GET /admin/integrations/orders/:order_id — every effect on this order, outbound syncs and inbound events
 * alike, each with its latest runs (the history) and log entries.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const records = await hub.listSyncRecords(
    { entity_type: "order", entity_id: req.params.order_id },
    { order: { created_at: "ASC" } }
  )
  const sync_records = await Promise.all(
    records.map(async (r) => {
      const [logs, runs] = await Promise.all([
        hub.listIntegrationLogs({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: LOGS_PER_RECORD }),
        hub.listSyncRuns({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: RUNS_PER_RECORD }),
      ])
      return { ...serializeSyncRecord(hub, r), runs: runs.map(serializeRun), logs: logs.map(serializeLog) }
    })
  )
  res.json({ sync_records, connections: serializeConnections(hub) })
}
