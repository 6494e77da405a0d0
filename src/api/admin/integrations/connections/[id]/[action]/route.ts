import type { MedusaNextFunction, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { describeFailure } from "../../../../../../lib/errors"
import { redactString } from "../../../../../../lib/http/redact"
import { hubOf } from "../../../serializers"

/**
 * POST /admin/integrations/connections/:id/test — one cheap authenticated read through the connection's guard
 * (logged like any call). Answers 200 with `ok` and, when it failed, the reason in words (secrets scrubbed).
 *
 * Why `[action]` and not a `test` folder: `medusa plugin:build` leaves out every path with a segment named `test`,
 * so a `test/route.ts` never reaches the package. The sibling routes are static and Medusa registers them first;
 * any other action falls through to Medusa's own 404, as an unknown path does.
 */
export async function POST(req: MedusaRequest, res: MedusaResponse, next: MedusaNextFunction) {
  if (req.params.action !== "test") return next()
  const hub = hubOf(req.scope)
  const connection = hub.getConnection(req.params.id)
  const started = Date.now()
  try {
    await hub.getProvider(connection.id).testConnection()
    res.json({ connection_id: connection.id, ok: true, duration_ms: Date.now() - started, message: `Connection "${connection.id}" answered` })
  } catch (err) {
    const failure = describeFailure(err)
    const message = redactString(failure.message, hub.connectionSecrets(connection.id))
    res.json({ connection_id: connection.id, ok: false, duration_ms: Date.now() - started, code: failure.code, message })
  }
}
