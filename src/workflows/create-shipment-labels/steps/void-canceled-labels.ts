import type { IFulfillmentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import { IntegrationError } from "../../../lib/errors"
import { createSyncStep } from "../../sync-step"
import type { LabelToVoid } from "../plan"

export const voidCanceledLabelsStepId = "void-canceled-labels"

/**
 * Voids the label of each cancelled fulfillment (a void of a voided label counts as done) and marks it voided on
 * the fulfillment. A carrier that refuses (the parcel was already scanned) fails the record in its words. No
 * compensation: a voided label cannot be bought back.
 */
export const voidCanceledLabelsStep = createSyncStep(
  voidCanceledLabelsStepId,
  async (input: { connection_id: string; number: string; void: LabelToVoid[] }, { container }) => {
    const carrier = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "shipping")
    const fulfillment = container.resolve<IFulfillmentModuleService>(Modules.FULFILLMENT)
    const summaries: string[] = []
    for (const item of input.void) {
      const res = await carrier.voidLabel(item.label_id)
      if (!res.voided) {
        throw new IntegrationError(`Cannot void the label of cancelled fulfillment ${item.fulfillment_id} (order #${input.number}): ${res.summary}`, {
          connectionId: input.connection_id, code: "label_void_refused", retryable: false,
        })
      }
      await fulfillment.updateFulfillment(item.fulfillment_id, { data: { ...item.data, label: "voided" } })
      summaries.push(res.summary)
    }
    return new StepResponse(summaries)
  },
  undefined,
  { label: { does: "void the labels of cancelled fulfillments" }, repeatOn: (input) => input.connection_id }
)
