import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { SandboxErpProvider } from "../../../../../../providers/erp-sandbox/service"
import { hubOf } from "../../../serializers"
import type { SandboxStockBodyType } from "../../../validators"

/**
 * POST /admin/integrations/connections/:id/sandbox-stock — DEVELOPMENT ONLY: stock received or counted in the sandbox
 * ERP (`{ "levels": { "SHIRT-BLUE": 123 } }`), as staff would enter it in a real ERP. Answers with the signed
 * `stock.changed` event the sandbox sends about it, `webhook: { url, body, headers }` (null without a webhookSecret),
 * for the caller to POST to the store's webhook route; without it the next stock import brings the change. 404 for
 * any connection that is not the sandbox ERP, and in production unless `allowFailureInjection`.
 */
export async function POST(req: MedusaRequest<SandboxStockBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const provider = hub.findConnection(req.params.id) && hub.getProvider(req.params.id)
  if (!(provider instanceof SandboxErpProvider) || !provider.controlsAllowed(process.env.NODE_ENV)) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `No sandbox ERP connection "${req.params.id}" takes stock changes here`)
  }
  const webhook = await provider.setStock(req.validatedBody.levels)
  res.json({
    connection_id: req.params.id,
    levels: await provider.getStockLevels(Object.keys(req.validatedBody.levels)),
    webhook: webhook ? { url: `/hooks/integrations/${req.params.id}`, ...webhook } : null,
  })
}
