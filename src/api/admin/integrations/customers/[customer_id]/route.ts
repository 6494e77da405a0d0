import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf, serializeConnections, serializeRecordWithHistory } from "../../serializers"

/**
 * GET /admin/integrations/customers/:customer_id — every effect on this customer (its contact in each CRM), each
 * with its latest runs, its calls (under the step that made them, in words) and what staff did to it; and the CRM
 * connections, so the widget can say when none is configured. A contact has no fields to correct before a retry:
 * the customer is edited in Medusa, which syncs it again.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const records = await hub.listSyncRecords(
    { entity_type: "customer", entity_id: req.params.customer_id },
    { order: { created_at: "ASC" } }
  )
  const sync_records = await Promise.all(records.map((r) => serializeRecordWithHistory(hub, r, null)))
  res.json({ sync_records, connections: serializeConnections(hub).filter((c) => c.kind === "crm") })
}
