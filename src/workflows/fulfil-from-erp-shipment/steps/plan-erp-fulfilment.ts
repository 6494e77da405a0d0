import { StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ErpShipment } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"
import { ErpFulfilmentPlan, OrderForErpFulfilment, planErpFulfilment } from "../plan"

export const planErpFulfilmentStepId = "plan-erp-fulfilment"

/** Works out which of the order's items the ERP's shipment fulfils (planErpFulfilment); changes nothing. */
export const planErpFulfilmentStep = createSyncStep(
  planErpFulfilmentStepId,
  async (input: { order: OrderForErpFulfilment; shipment: ErpShipment; connection_id: string }) =>
    new StepResponse<ErpFulfilmentPlan>(planErpFulfilment(input.order, input.shipment, input.connection_id)),
  undefined,
  { label: { does: "match the ERP's shipment to the order's items" } }
)
