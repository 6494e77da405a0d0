import type { IOrderModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import { IntegrationError } from "../../../lib/errors"
import { createSyncStep } from "../../sync-step"
import type { ReturnLabelToVoid } from "../plan"
import { keepReturnLabel } from "../return-metadata"

export const voidCanceledReturnLabelsStepId = "void-canceled-return-labels"

/**
 * Voids the label of each return cancelled before its parcel came back (a void of a voided label counts as done)
 * and marks it voided on the return. A carrier that refuses (the customer already sent the parcel) fails the record
 * in its words. No compensation: a voided label cannot be bought back.
 */
export const voidCanceledReturnLabelsStep = createSyncStep(
  voidCanceledReturnLabelsStepId,
  async (input: { connection_id: string; number: string; void: ReturnLabelToVoid[] }, { container }) => {
    const carrier = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "shipping")
    const order = container.resolve<IOrderModuleService>(Modules.ORDER)
    const summaries: string[] = []
    for (const item of input.void) {
      const res = await carrier.voidLabel(item.label.label_id)
      if (!res.voided) {
        throw new IntegrationError(`Cannot void return label ${item.label.tracking_number} of cancelled return ${item.return_id} (order #${input.number}): ${res.summary}`, {
          connectionId: input.connection_id, code: "label_void_refused", retryable: false,
        })
      }
      await keepReturnLabel(order, item.return_id, { ...item.label, voided_at: new Date().toISOString() })
      summaries.push(`return ${item.return_id}: ${res.summary}`)
    }
    return new StepResponse(summaries)
  },
  undefined,
  { label: { does: "void the labels of cancelled returns" }, repeatOn: (input) => input.connection_id }
)
