import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { switchConnectionMode } from "../../../../../../sync/cutover"
import type { SwitchModeBodyType } from "../../../validators"

/**
 * POST /admin/integrations/connections/:id/mode { mode } — switches the connection to live or to shadow (kept across
 * restarts, for every instance; the options' mode is the starting one). Going live sends the orders shadow mode held
 * back as a backfill, linking those the legacy integration wrote; the answer says what it does.
 */
export async function POST(req: AuthenticatedMedusaRequest<SwitchModeBodyType>, res: MedusaResponse) {
  res.json(await switchConnectionMode(req.scope, req.params.id, req.validatedBody.mode, req.auth_context?.actor_id ?? null))
}
