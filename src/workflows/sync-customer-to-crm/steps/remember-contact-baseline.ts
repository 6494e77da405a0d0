import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { hubOf } from "../../../sync/hub"
import { ContactBaseline, contactEffectKey } from "../contact"

export const rememberContactBaselineStepId = "remember-contact-baseline"

/**
 * Keeps the fingerprints of what Medusa and the CRM both hold after this sync, so the next change on either side
 * is told apart from the other's. The last step; nothing after it can fail, so nothing to compensate.
 */
export const rememberContactBaselineStep = createStep(rememberContactBaselineStepId, async (input: { connection_id: string; customer_id: string; baseline: ContactBaseline }, { container }) => {
  await hubOf(container).saveBaseline(input.connection_id, contactEffectKey(input.customer_id), input.baseline)
  return new StepResponse(input.baseline)
})
