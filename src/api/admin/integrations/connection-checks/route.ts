import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { checkConnectionSettings } from "../../../../console/connection-admin"
import { connectionRefusal } from "../../../../modules/integration-hub/stored-connections"
import type { CreateConnectionBodyType } from "../validators"

/**
 * POST /admin/integrations/connection-checks { connection_id, provider, options, … } — Test connection before
 * saving: the settings are checked as a save checks them (400 with every problem), secret options left out are the
 * stored ones, and one cheap authenticated read runs on a provider built apart from the running one. Answers 200
 * with `ok` and the reason in words (secrets scrubbed). Nothing is saved.
 *
 * Named "connection-checks", not ".../test": `medusa plugin:build` leaves out every path with a segment named `test`.
 */
export async function POST(req: AuthenticatedMedusaRequest<CreateConnectionBodyType>, res: MedusaResponse) {
  try {
    res.json(await checkConnectionSettings(req.scope, req.validatedBody, req.auth_context?.actor_id ?? null))
  } catch (err) {
    const refusal = connectionRefusal(err)
    if (refusal) return res.status(refusal.status).json(refusal.body)
    throw err
  }
}
