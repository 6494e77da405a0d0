import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ErpSalesOrder } from "../../../providers/types"
import { findLegacySale } from "../../../sync/legacy-match"
import { createSyncStep } from "../../sync-step"
import type { ErpOrderDraft } from "../order-mapper"

export const findLegacySaleStepId = "find-legacy-sale"

/**
 * For a connection replacing another integration (legacyMatch): the sale that integration already wrote for the
 * order, unless the ERP holds one with our own reference (then the create step completes that one). Reads only.
 */
export const findLegacySaleStep = createSyncStep(
  findLegacySaleStepId,
  async (input: { connection_id: string; order: ErpOrderDraft }, { container }) => {
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    const connection = hub.getConnection(input.connection_id)
    if (!connection.legacyMatch) return new StepResponse<ErpSalesOrder | null>(null)
    const erp = hub.getProvider(input.connection_id, "erp")
    if (await erp.findSalesOrderByReference(input.order.reference)) return new StepResponse<ErpSalesOrder | null>(null)
    return new StepResponse<ErpSalesOrder | null>(await findLegacySale(erp, connection, input.order.orderNumber))
  },
  undefined,
  { label: { does: "look for the sale the legacy integration wrote" }, repeatOn: (input) => input.connection_id }
)
