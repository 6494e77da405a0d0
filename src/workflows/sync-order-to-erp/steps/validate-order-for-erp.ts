import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { createSyncStep } from "../../sync-step"
import { ErpOrderDraft, mapOrderForErp, OrderForErp } from "../order-mapper"

export const validateOrderForErpStepId = "validate-order-for-erp"

/** Checks the order can be sent (SKUs, addresses, e-mail) and maps it; nothing is changed anywhere. */
export const validateOrderForErpStep = createSyncStep(
  validateOrderForErpStepId,
  async (input: { order: OrderForErp; connection_id: string }) =>
    new StepResponse<ErpOrderDraft>(mapOrderForErp(input.order, input.connection_id)),
  undefined,
  { label: { does: "check the order can be sent" } }
)
