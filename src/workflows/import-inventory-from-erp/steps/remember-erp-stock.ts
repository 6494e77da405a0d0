import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { hubOf } from "../../../sync/hub"
import type { StockPlan } from "../plan"

export const rememberErpStockStepId = "remember-erp-stock"

type Input = { connection_id: string; location_id: string; imported: StockPlan["imported"] }

/**
 * Keeps the page's SKUs as the ERP's levels (what it reported, what was set): staff's edits of those levels are
 * refused from now on. The last step: a failure before it leaves nothing remembered, and Medusa's batch
 * workflow has put the previous levels back.
 */
export const rememberErpStockStep = createStep(rememberErpStockStepId, async (input: Input, { container }) => {
  await hubOf(container).rememberErpStock(input.imported.map((i) => ({ ...i, connection_id: input.connection_id, location_id: input.location_id })))
  return new StepResponse(input.imported.length)
})
