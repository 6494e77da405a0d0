import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { isFirstTry } from "../../../lib/run-context"
import { createSyncStep } from "../../sync-step"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ErpCustomerRef, ErpSalesOrder } from "../../../providers/types"
import type { ErpOrderDraft } from "../order-mapper"

export const createErpSalesOrderStepId = "create-erp-sales-order"

/**
 * Creates and confirms the sales order, idempotent by the order's stable reference (an existing sale
 * is completed, not duplicated; so a retryable failure repeats it in place; on the record's first try the ERP may skip
 * the lookup before creating, see `firstAttempt`). Compensation cancels a sale this step created, with the ERP's own cancel.
 */
export const createErpSalesOrderStep = createSyncStep(
  createErpSalesOrderStepId,
  async (input: { connection_id: string; order: ErpOrderDraft; customer: ErpCustomerRef }, { container }) => {
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "erp")
    const sale = await erp.createSalesOrder({ ...input.order, customer: input.customer, firstAttempt: isFirstTry() })
    return new StepResponse<ErpSalesOrder & { created: boolean }, { connection_id: string; external_id: string } | null>(
      sale,
      sale.created ? { connection_id: input.connection_id, external_id: sale.externalId } : null
    )
  },
  async (created, { container }) => {
    if (!created) return
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(created.connection_id, "erp")
    await erp.cancelSalesOrder(created.external_id)
  },
  { label: { does: "create and confirm the sale", undoes: "cancel the sale created for this order" }, repeatOn: (input) => input.connection_id }
)
