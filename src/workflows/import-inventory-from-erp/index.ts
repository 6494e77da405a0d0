import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { batchInventoryItemLevelsWorkflow } from "@medusajs/medusa/core-flows"
import { PlanStockLevelsInput, planStockLevelsStep } from "./steps/plan-stock-levels"
import { rememberErpStockStep } from "./steps/remember-erp-stock"

export type ImportInventoryPageInput = PlanStockLevelsInput & { /** Report what would change, write nothing. */ shadow: boolean }

export type ImportInventoryPageResult = { created: number; updated: number; unchanged: number; erpOnly: string[]; clamped: string[] }

export const importInventoryPageWorkflowId = "import-inventory-from-erp"

/**
 * One page of the ERP's stock into Medusa at one stock location: plan (the ERP's forecast plus the reservations it
 * already counts; only levels that differ) → write them with Medusa's own batch inventory-level workflow, whose
 * compensation puts the previous levels back if a later step fails → remember them as the ERP's levels. In shadow
 * mode nothing is written.
 */
export const importInventoryPageWorkflow = createWorkflow(importInventoryPageWorkflowId, (input: ImportInventoryPageInput) => {
  const plan = planStockLevelsStep(input)
  const writes = transform({ plan, input }, ({ plan, input }) => (input.shadow ? { create: [], update: [], delete: [] } : { create: plan.create, update: plan.update, delete: [] }))
  batchInventoryItemLevelsWorkflow.runAsStep({ input: writes })
  rememberErpStockStep(transform({ plan, input }, ({ plan, input }) => ({ connection_id: input.connection_id, location_id: input.location_id, imported: input.shadow ? [] : plan.imported })))
  return new WorkflowResponse(
    transform({ plan }, ({ plan }): ImportInventoryPageResult => ({
      created: plan.create.length, updated: plan.update.length, unchanged: plan.unchanged, erpOnly: plan.erpOnly, clamped: plan.clamped,
    }))
  )
})
