import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { resumeBackfill } from "../../../../../../sync/backfill"

/** POST /admin/integrations/backfills/:id/resume — goes on with a stopped (or interrupted) backfill from where it stopped. */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  res.status(202).json({ backfill: await resumeBackfill(req.scope, req.params.id) })
}
