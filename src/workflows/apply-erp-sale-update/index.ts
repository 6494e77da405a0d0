import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { EffectOutcome } from "../outcome"
import { recordErpSaleStateStep } from "./steps/record-erp-sale-state"
import { recordOrderStatusConflictStep } from "./steps/record-order-status-conflict"
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

/**
 * Applies an ERP's `sale.updated` event to the Medusa order it is about: validate (incl. out-of-order) → record the
 * ERP's state on the order → a cancellation of an order Medusa owns (not canceled in Medusa) is recorded as a
 * conflict, not applied.
 */
export const applyErpSaleUpdateWorkflow = createWorkflow(applyErpSaleUpdateWorkflowId, (input: ApplyErpSaleUpdateInput) => {
  const update = validateErpSaleUpdateStep(input)
  const withConnection = transform({ input, update }, ({ input, update }) => ({ ...update, connection_id: input.connection_id }))
  const state = recordErpSaleStateStep(withConnection)
  const conflict = recordOrderStatusConflictStep(withConnection)
  return new WorkflowResponse(
    transform({ update, state, conflict }, ({ update, state, conflict }): EffectOutcome => ({
      status: "synced",
      external_number: state.number,
      summary: `ERP sale ${state.number ?? ""} is ${state.state} (order ${update.order_id})`.replace("  ", " ") +
        (conflict ? `; the order is ${update.order_status} in Medusa, which owns order status: not canceled here, recorded as conflict ${conflict}` : ""),
    }))
  )
})
