import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { SandboxErpProvider } from "../../../../../../providers/erp-sandbox/service"
import { hubOf } from "../../../serializers"
import type { SandboxFailuresBodyType } from "../../../validators"

/** POST /admin/integrations/connections/:id/sandbox-failures — makes a sandbox connection fail its next N calls. */
export async function POST(req: MedusaRequest<SandboxFailuresBodyType>, res: MedusaResponse) {
  const provider = hubOf(req.scope).getProvider(req.params.id)
  if (!(provider instanceof SandboxErpProvider)) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${req.params.id}" is not a sandbox connection; failures can only be simulated on the sandbox provider`)
  }
  await provider.setFailures(req.validatedBody)
  res.json({ connection_id: req.params.id, failures: await provider.getFailures() })
}
