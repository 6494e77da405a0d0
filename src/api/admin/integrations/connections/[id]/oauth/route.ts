import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { OAUTH_CALLBACK_PATH, startOAuth } from "../../../../../../console/oauth"

/**
 * POST /admin/integrations/connections/:id/oauth — Connect (or Reconnect): the vendor's authorize page to send
 * staff to, with a single-use state good for 10 minutes; the vendor sends them back to the hooks callback
 * (`redirect_uri`, to register as the app's redirect URL), which keeps the tokens encrypted.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const redirectUri = `${req.protocol}://${req.get("host")}${OAUTH_CALLBACK_PATH}`
  res.json(await startOAuth(req.scope, req.params.id, redirectUri, req.auth_context?.actor_id ?? null))
}
