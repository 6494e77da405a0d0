import type { IOrderModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { createSyncStep } from "../../sync-step"
import type { ReturnLabel } from "../plan"
import { HubMetadataBefore, keepReturnLabel, restoreHubMetadata } from "../return-metadata"
import type { BoughtReturnLabel } from "./buy-return-labels"

export const storeReturnLabelsStepId = "store-return-labels"

/**
 * Keeps each return label on its Medusa return (`metadata.integration_hub.return_label`: connection, label id,
 * tracking number, carrier, label URL), through the Order Module. Compensation puts the returns' metadata back.
 */
export const storeReturnLabelsStep = createSyncStep(
  storeReturnLabelsStepId,
  async (input: { connection_id: string; bought: BoughtReturnLabel[] }, { container }) => {
    const order = container.resolve<IOrderModuleService>(Modules.ORDER)
    const before: HubMetadataBefore[] = []
    for (const b of input.bought) {
      const label: ReturnLabel = {
        connection_id: input.connection_id, label_id: b.label.labelId, tracking_number: b.label.trackingNumber, carrier: b.label.carrier,
        label_url: b.label.labelUrl, tracking_url: b.label.trackingUrl, service_code: b.service_code,
      }
      before.push(await keepReturnLabel(order, b.return_id, label))
    }
    return new StepResponse(input.bought.length, before)
  },
  async (before, { container }) => {
    if (!before?.length) return
    await restoreHubMetadata(container.resolve<IOrderModuleService>(Modules.ORDER), before)
  },
  { label: { does: "keep the return labels on the returns", undoes: "put the returns' metadata back as it was" } }
)
