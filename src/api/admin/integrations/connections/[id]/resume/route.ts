import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { setConnectionPaused } from "../../../../../../sync/pause"

/** POST /admin/integrations/connections/:id/resume — what waited runs again, oldest first. */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  res.json(await setConnectionPaused(req.scope, req.params.id, false, req.auth_context?.actor_id ?? null, null))
}
