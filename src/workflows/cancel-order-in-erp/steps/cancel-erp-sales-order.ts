import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { createSyncStep } from "../../sync-step"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import { orderReference } from "../../sync-order-to-erp/order-mapper"

type CancelOutcome = { external_id: string | null; summary: string }

export const cancelErpSalesOrderStepId = "cancel-erp-sales-order"

/**
 * Cancels the order's sale in the ERP, found by its external id or else by our stable reference
 * (covers a create that timed out after the ERP had saved it). No sale: nothing to cancel.
 * No compensation: this is the workflow's only external change, and an ERP cancel is not undone.
 * Idempotent (an ERP cancel of a cancelled sale is success), so a retryable failure repeats it in place.
 */
export const cancelErpSalesOrderStep = createSyncStep(
  cancelErpSalesOrderStepId,
  async (input: { connection_id: string; order_id: string; external_id: string | null }, { container }) => {
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "erp")
    const externalId =
      input.external_id ?? (await erp.findSalesOrderByReference(orderReference(input.order_id)))?.externalId ?? null
    if (!externalId) {
      return new StepResponse<CancelOutcome>({ external_id: null, summary: "no sale for this order in the ERP; nothing to cancel" })
    }
    const result = await erp.cancelSalesOrder(externalId)
    return new StepResponse<CancelOutcome>({ external_id: externalId, summary: result.summary })
  },
  undefined,
  { label: { does: "cancel the sale" }, repeatOn: (input) => input.connection_id }
)
