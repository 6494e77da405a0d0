import type { AuthenticatedMedusaRequest, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { connectionDetail } from "../../../../../console/connection-admin"
import { connectionRefusal } from "../../../../../modules/integration-hub/stored-connections"
import { hubOf } from "../../serializers"
import type { UpdateConnectionBodyType } from "../../validators"

/**
 * GET /admin/integrations/connections/:id — the connection as its page edits it: provider, kind, form, options
 * without secrets (each secret only as set or not, with its last four characters), version, audit. A connection
 * of medusa-config is read-only and shows no options.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  res.json({ connection: await connectionDetail(hubOf(req.scope), req.params.id) })
}

/**
 * POST /admin/integrations/connections/:id { options?, enabled?, expected_version? } — changes a connection created
 * from the admin: secret options left out are kept, null removes one; 400 with every problem; 409 when someone
 * changed it meanwhile (expected_version) or it comes from medusa-config.
 */
export async function POST(req: AuthenticatedMedusaRequest<UpdateConnectionBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  try {
    await hub.catalog.stored.update(req.params.id, req.validatedBody, req.auth_context?.actor_id ?? null)
  } catch (err) {
    const refusal = connectionRefusal(err)
    if (refusal) return res.status(refusal.status).json(refusal.body)
    throw err
  }
  await hub.catalog.refresh()
  res.json({ connection: await connectionDetail(hub, req.params.id) })
}

/** DELETE /admin/integrations/connections/:id — deletes a connection created from the admin (its records and logs stay). */
export async function DELETE(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  await hub.catalog.stored.remove(req.params.id, req.auth_context?.actor_id ?? null)
  await hub.catalog.refresh()
  res.json({ id: req.params.id, object: "integration_connection", deleted: true })
}
