import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { syncOperation } from "../../../../../sync/operations"
import { paymentIssuesOf } from "../../../../../sync/payment-issues"
import { hubOf, serializeAudit, serializeConnections, serializeLog, serializeRun, serializeSyncRecord } from "../../serializers"

/** Enough for several attempts of a flow of ten calls; older ones stay in GET /admin/integrations/logs. */
const LOGS_PER_RECORD = 60
const RUNS_PER_RECORD = 10
const AUDITS_PER_RECORD = 10

/**
 * GET /admin/integrations/orders/:order_id — every effect on this order, outbound syncs and inbound events
 * alike, each with its latest runs (the history), its calls (under the step that made them, in words), what
 * staff did to it, and — when it failed and its data can be corrected — the fields to edit before a retry; and
 * what the payment gateways said about the order's payment since (disputes, failures), as it stands now.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const records = await hub.listSyncRecords(
    { entity_type: "order", entity_id: req.params.order_id },
    { order: { created_at: "ASC" } }
  )
  const sync_records = await Promise.all(
    records.map(async (r) => {
      const editing = r.direction === "out" && (r.status === "failed" || r.status === "dead") ? syncOperation(r.entity_type, r.operation).corrections : undefined
      const [logs, runs, audits, editable_fields] = await Promise.all([
        hub.listIntegrationLogs({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: LOGS_PER_RECORD }),
        hub.listSyncRuns({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: RUNS_PER_RECORD }),
        hub.listSyncAudits({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: AUDITS_PER_RECORD }),
        editing ? editing.fields(req.scope, r.entity_id, r.corrections as Record<string, string | null> | null) : Promise.resolve(null),
      ])
      return {
        ...serializeSyncRecord(hub, r),
        runs: runs.map(serializeRun),
        logs: logs.map((l) => serializeLog(hub, l)),
        audits: audits.map(serializeAudit),
        editable_fields,
      }
    })
  )
  const fromGateways = records.filter((r) => r.direction === "in" && hub.findConnection(r.connection_id)?.kind === "payment").map((r) => r.id)
  const gatewayEvents = fromGateways.length ? await hub.listWebhookEvents({ sync_record_id: fromGateways }) : []
  res.json({ sync_records, payment_issues: paymentIssuesOf(gatewayEvents), connections: serializeConnections(hub) })
}
