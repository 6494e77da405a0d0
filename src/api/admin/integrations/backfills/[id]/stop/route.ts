import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { stopBackfill } from "../../../../../../sync/backfill"

/** POST /admin/integrations/backfills/:id/stop — stops the backfill after the order it is on; it can be resumed. */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  res.json({ backfill: await stopBackfill(req.scope, req.params.id) })
}
