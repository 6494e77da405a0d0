import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf } from "../../serializers"

/** GET /admin/integrations/reconciliation-runs/:id — one reconciliation and every drift item it found. */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const run = await hub.retrieveReconciliationRun(req.params.id)
  const items = await hub.listDriftItems({ run_id: run.id }, { order: { created_at: "ASC", id: "ASC" }, take: 1_000 })
  res.json({ run, drift_items: items })
}
