import type { AuthenticatedMedusaRequest, MedusaNextFunction, MedusaResponse } from "@medusajs/framework/http"
import { testConnection } from "../../../../../../console/connection-admin"

/**
 * POST /admin/integrations/connections/:id/test — one cheap authenticated read through the connection's guard
 * (logged like any call, kept in the connection's audit). Answers 200 with `ok` and, when it failed, the reason in
 * words (secrets scrubbed).
 *
 * Why `[action]` and not a `test` folder: `medusa plugin:build` leaves out every path with a segment named `test`,
 * so a `test/route.ts` never reaches the package. The sibling routes are static and Medusa registers them first;
 * any other action falls through to Medusa's own 404, as an unknown path does.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  if (req.params.action !== "test") return next()
  res.json(await testConnection(req.scope, req.params.id, req.auth_context?.actor_id ?? null))
}
