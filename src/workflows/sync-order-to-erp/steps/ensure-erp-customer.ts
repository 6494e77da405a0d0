import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { createSyncStep } from "../../sync-step"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ErpCustomerInput, ErpCustomerRef } from "../../../providers/types"

export const ensureErpCustomerStepId = "ensure-erp-customer"

/**
 * Finds or creates the order's customer in the ERP (by e-mail first, so a repeat after a lost answer finds it).
 * Compensation removes a customer this step created.
 */
export const ensureErpCustomerStep = createSyncStep(
  ensureErpCustomerStepId,
  async (input: { connection_id: string; customer: ErpCustomerInput }, { container }) => {
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "erp")
    const ref = await erp.upsertCustomer(input.customer)
    return new StepResponse<ErpCustomerRef, { connection_id: string; external_id: string } | null>(
      ref,
      ref.created ? { connection_id: input.connection_id, external_id: ref.externalId } : null
    )
  },
  async (created, { container }) => {
    if (!created) return
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(created.connection_id, "erp")
    await erp.deleteCustomer(created.external_id)
  },
  { label: { does: "find or create the customer", undoes: "remove the customer created for this order" }, repeatOn: (input) => input.connection_id }
)
