import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { reconcileConnection } from "../../../../../../sync/reconcile"

/**
 * POST /admin/integrations/connections/:id/reconcile — compares Medusa with the connection now, over its window
 * (reconciliation.windowDays). Answers at once with the run (202); its report: GET /admin/integrations/reconciliation-runs/:id.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  res.status(202).json({ run: await reconcileConnection(req.scope, req.params.id, { trigger: "manual", wait: false }) })
}
