import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { cutoverView } from "../../../../sync/cutover"

/**
 * GET /admin/integrations/cutover — for each connection (carriers aside): its mode, its last reconciliations and their
 * drift, days clean in a row against the days it asks for, what shadow mode held back, and its backfills.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  res.json({ connections: await cutoverView(req.scope) })
}
