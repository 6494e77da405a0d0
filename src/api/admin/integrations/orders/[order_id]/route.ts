import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { paymentIssuesOf } from "../../../../../sync/payment-issues"
import { editableFieldsOf, hubOf, serializeConnections, serializeRecordWithHistory } from "../../serializers"

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
    records.map(async (r) => serializeRecordWithHistory(hub, r, await editableFieldsOf(req.scope, r)))
  )
  const fromGateways = records.filter((r) => r.direction === "in" && hub.findConnection(r.connection_id)?.kind === "payment").map((r) => r.id)
  const gatewayEvents = fromGateways.length ? await hub.listWebhookEvents({ sync_record_id: fromGateways }) : []
  res.json({ sync_records, payment_issues: paymentIssuesOf(gatewayEvents), connections: serializeConnections(hub) })
}
