import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { CrmContactInput } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"

export const upsertCrmContactStepId = "upsert-crm-contact"

/**
 * Finds the contact by our customer id, then by e-mail, and writes what changed (or creates it). Idempotent by
 * our id and the e-mail, so it is repeated in place after a timeout. No compensation: a contact is the customer's
 * record in the CRM whatever happens to the rest of the flow (deleting it would lose what the CRM added to it).
 */
export const upsertCrmContactStep = createSyncStep(
  upsertCrmContactStepId,
  async (input: { connection_id: string; contact: CrmContactInput }, { container }) => {
    const crm = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "crm")
    return new StepResponse(await crm.upsertContact(input.contact))
  },
  undefined,
  { label: { does: "find or create the contact, and send what changed" }, repeatOn: (input) => input.connection_id }
)
