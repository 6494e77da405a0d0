import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { setConnectionPaused } from "../../../../../../sync/pause"
import type { PauseConnectionBodyType } from "../../../validators"

/** POST /admin/integrations/connections/:id/pause { reason? } — its records wait (recorded, not run) until it is resumed. */
export async function POST(req: AuthenticatedMedusaRequest<PauseConnectionBodyType>, res: MedusaResponse) {
  res.json(await setConnectionPaused(req.scope, req.params.id, true, req.auth_context?.actor_id ?? null, req.validatedBody.reason ?? null))
}
