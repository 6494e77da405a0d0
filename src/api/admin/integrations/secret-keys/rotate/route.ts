import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf } from "../../serializers"

/**
 * POST /admin/integrations/secret-keys/rotate — a new data key: every stored secret is re-encrypted under it and the
 * old key is retired (its material erased); encryptionKey stays as it is. Safe to repeat after a failure.
 */
export async function POST(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const rotated = await hub.catalog.secrets.rotate()
  await hub.catalog.audit({ connection_id: "*", action: "rotate_key", actor_id: req.auth_context?.actor_id ?? null, changed: null, note: `data key ${rotated.active} active; ${rotated.reencrypted} connection(s) re-encrypted; retired ${rotated.retired.join(", ") || "none"}` })
  await hub.catalog.refresh()
  res.json(rotated)
}
