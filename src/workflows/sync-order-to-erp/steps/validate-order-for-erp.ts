import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import { timeZoneOf } from "../../../modules/integration-hub/options"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import { createSyncStep } from "../../sync-step"
import { ErpOrderDraft, mapOrderForErp, OrderForErp } from "../order-mapper"

export const validateOrderForErpStepId = "validate-order-for-erp"

/**
 * Checks the order can be sent (SKUs, addresses, e-mail, amounts) and maps it, dated in the connection's time
 * zone, with the checks the connection asks the ERP to make before it confirms; nothing is changed anywhere.
 */
export const validateOrderForErpStep = createSyncStep(
  validateOrderForErpStepId,
  async (input: { order: OrderForErp; connection_id: string }, { container }) => {
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    const connection = hub.getConnection(input.connection_id)
    return new StepResponse<ErpOrderDraft>(mapOrderForErp(input.order, input.connection_id, timeZoneOf(hub.pluginOptions, connection), connection.orderChecks))
  },
  undefined,
  { label: { does: "check the order can be sent" } }
)
