import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { EffectOutcome } from "../outcome"
import { cancelErpSalesOrderStep } from "./steps/cancel-erp-sales-order"
import { settlePendingOrderSyncStep } from "./steps/settle-pending-order-sync"

export type CancelOrderInErpInput = { connection_id: string; order_id: string }

export const cancelOrderInErpWorkflowId = "cancel-order-in-erp"

/** Cancels a Medusa-canceled order's sale in an ERP: settle the create-sync → cancel the sale. */
export const cancelOrderInErpWorkflow = createWorkflow(cancelOrderInErpWorkflowId, (input: CancelOrderInErpInput) => {
  const created = settlePendingOrderSyncStep({ connection_id: input.connection_id, order_id: input.order_id })
  const cancelled = cancelErpSalesOrderStep(
    transform({ input, created }, ({ input, created }) => ({
      connection_id: input.connection_id,
      order_id: input.order_id,
      external_id: created.external_id,
    }))
  )
  return new WorkflowResponse(
    transform({ cancelled }, ({ cancelled }): EffectOutcome => ({ status: "synced", external_id: cancelled.external_id, summary: cancelled.summary }))
  )
})
