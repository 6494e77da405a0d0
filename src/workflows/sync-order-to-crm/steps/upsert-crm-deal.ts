import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { CrmDealInput } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"

export const upsertCrmDealStepId = "upsert-crm-deal"

/**
 * The order's deal: found by our reference (one deal per order) and moved to the order's stage and amount, or
 * created with its line items and contact. Idempotent by the reference, so it is repeated in place after a timeout.
 */
export const upsertCrmDealStep = createSyncStep(
  upsertCrmDealStepId,
  async (input: { connection_id: string; deal: CrmDealInput }, { container }) => {
    const crm = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "crm")
    return new StepResponse(await crm.upsertDeal(input.deal))
  },
  undefined,
  { label: { does: "find or create the order's deal, and move its stage and amount" }, repeatOn: (input) => input.connection_id }
)
