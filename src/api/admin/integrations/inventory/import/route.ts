import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { importInventoryNow } from "../../../../../sync/inventory-schedule"
import { hubOf, serializeSyncRecord } from "../../serializers"
import type { ImportInventoryBodyType } from "../../validators"

/**
 * POST /admin/integrations/inventory/import — imports the stock of the ERP that owns inventory now (`{ "full": true }`
 * reads every SKU, not only the ERP's changes) and returns its sync record, whose summary says what changed and
 * which SKUs are on one side only. 404 when no enabled ERP connection owns inventory (sourceOfTruth.inventory).
 */
export async function POST(req: MedusaRequest<ImportInventoryBodyType>, res: MedusaResponse) {
  const record = await importInventoryNow(req.scope, { full: req.validatedBody?.full ?? false })
  if (!record) {
    throw new MedusaError(MedusaError.Types.NOT_FOUND, `No enabled ERP connection owns inventory (sourceOfTruth.inventory is "${hubOf(req.scope).pluginOptions.sourceOfTruth.inventory ?? "medusa"}")`)
  }
  res.json({ sync_record: serializeSyncRecord(hubOf(req.scope), record) })
}
