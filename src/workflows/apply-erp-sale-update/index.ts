import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { EffectOutcome } from "../outcome"
import { recordErpSaleStateStep } from "./steps/record-erp-sale-state"
import { validateErpSaleUpdateStep } from "./steps/validate-erp-sale-update"

export type ApplyErpSaleUpdateInput = {
  connection_id: string
  /** The stored webhook event's id. */
  event_id: string
  /** ISO time the ERP says the change happened. */
  occurred_at: string
  data: Record<string, unknown>
}

export const applyErpSaleUpdateWorkflowId = "apply-erp-sale-update"

/** Applies an ERP's `sale.updated` event to the Medusa order it is about: validate (incl. out-of-order) → record. */
export const applyErpSaleUpdateWorkflow = createWorkflow(applyErpSaleUpdateWorkflowId, (input: ApplyErpSaleUpdateInput) => {
  const update = validateErpSaleUpdateStep(input)
  const state = recordErpSaleStateStep(transform({ input, update }, ({ input, update }) => ({ ...update, connection_id: input.connection_id })))
  return new WorkflowResponse(
    transform({ update, state }, ({ update, state }): EffectOutcome => ({
      status: "synced",
      external_number: state.number,
      summary: `ERP sale ${state.number ?? ""} is ${state.state} (order ${update.order_id})`.replace("  ", " "),
    }))
  )
})
