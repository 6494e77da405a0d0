import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ShippingLabel } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"
import type { ReturnLabelToBuy } from "../plan"

export const buyReturnLabelsStepId = "buy-return-labels"

export type BoughtReturnLabel = ReturnLabelToBuy & {
  label: ShippingLabel
  service_code: string
  /** How the service was chosen, for the record's summary. */
  chosen: "as shipped" | "cheapest"
}

/**
 * Buys each return's label with the service its goods were shipped with, else the carrier's cheapest for the way
 * back. The carrier looks the parcel up by our reference first, so repeating the step after a lost answer buys
 * nothing twice. Compensation voids the labels this run bought (not those found), when a later step fails for good.
 */
export const buyReturnLabelsStep = createSyncStep(
  buyReturnLabelsStepId,
  async (input: { connection_id: string; buy: ReturnLabelToBuy[] }, { container }) => {
    const carrier = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "shipping")
    const bought: BoughtReturnLabel[] = []
    for (const item of input.buy) {
      let { carrierId, serviceCode } = item.request
      let chosen: BoughtReturnLabel["chosen"] = "as shipped"
      if (!carrierId || !serviceCode) {
        // The request already goes from the customer to the stock location: these are the rates of the way back.
        const rates = await carrier.getRates(item.request)
        const same = serviceCode ? rates.find((r) => r.serviceCode === serviceCode) : undefined
        const rate = same ?? rates[0]
        if (!rate) {
          throw new IntegrationError(`${input.connection_id} offers no rate for return ${item.return_id}'s parcel from the customer's address to the stock location`, {
            connectionId: input.connection_id, code: "shipment_no_rate", retryable: false,
          })
        }
        chosen = same ? "as shipped" : "cheapest"
        ;({ carrierId, serviceCode } = rate)
      }
      const label = await carrier.createLabel({ ...item.request, carrierId, serviceCode })
      bought.push({ ...item, label, service_code: serviceCode, chosen })
    }
    return new StepResponse(bought, { connection_id: input.connection_id, label_ids: bought.filter((b) => b.label.created).map((b) => b.label.labelId) })
  },
  async (done, { container }) => {
    if (!done?.label_ids.length) return
    const carrier = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(done.connection_id, "shipping")
    for (const id of done.label_ids) {
      const res = await carrier.voidLabel(id)
      // Said, not swallowed: the store pays for a label nobody will use unless staff void it at the carrier.
      if (!res.voided) throw new IntegrationError(`Return label ${id} was bought but the run failed, and ${done.connection_id} refused to void it: ${res.summary}. Void it at the carrier.`, { connectionId: done.connection_id, code: "label_void_refused", retryable: false })
    }
  },
  { label: { does: "buy the return labels", undoes: "void the return labels this run bought" }, repeatOn: (input) => input.connection_id }
)
