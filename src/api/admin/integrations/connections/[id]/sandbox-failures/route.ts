import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { simulatesFailures } from "../../../../../../providers/sandbox-failures"
import { hubOf } from "../../../serializers"
import type { SandboxFailuresBodyType } from "../../../validators"

/**
 * POST /admin/integrations/connections/:id/sandbox-failures — makes a sandbox connection fail its next N calls.
 * Exists only for sandbox connections, and in production only when the connection's options allow it:
 * anywhere else it answers 404, as if there were no such route.
 */
export async function POST(req: MedusaRequest<SandboxFailuresBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const provider = hub.findConnection(req.params.id) && hub.getProvider(req.params.id)
  if (!simulatesFailures(provider) || !provider.simulatedFailures.allowed(process.env.NODE_ENV)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `No sandbox connection "${req.params.id}" accepts simulated failures here`)
  }
  await provider.simulatedFailures.set(req.validatedBody)
  res.json({ connection_id: req.params.id, failures: await provider.simulatedFailures.get() })
}
