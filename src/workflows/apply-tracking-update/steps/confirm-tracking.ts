import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { TrackingStatus } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"

export const confirmTrackingStepId = "confirm-tracking"

/** Asks the carrier for the label's tracking: a webhook body alone never changes an order. A read: nothing to undo. */
export const confirmTrackingStep = createSyncStep(
  confirmTrackingStepId,
  async (input: { connection_id: string; label_id: string }, { container }) => {
    const carrier = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "shipping")
    const status: TrackingStatus = await carrier.getTracking(input.label_id)
    return new StepResponse(status)
  },
  undefined,
  { label: { does: "confirm the tracking status with the carrier" }, repeatOn: (input) => input.connection_id }
)
