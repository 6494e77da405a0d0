import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf } from "../serializers"

/**
 * GET /admin/integrations/secret-keys — how the secrets of stored connections are protected: whether an
 * encryptionKey is set (its fingerprint, never the key), and the data keys (id, status, when made; never their
 * material), with how many stored values each holds.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  res.json(await hubOf(req.scope).catalog.secrets.status())
}
