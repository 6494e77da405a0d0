import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf } from "../../serializers"

/** GET /admin/integrations/backfills/:id — one backfill: its status, counts per outcome, and the orders it handled (in words). */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  res.json({ backfill: await hubOf(req.scope).retrieveBackfillRun(req.params.id) })
}
