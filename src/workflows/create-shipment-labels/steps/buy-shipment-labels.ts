import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ShippingLabel } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"
import type { LabelToBuy } from "../plan"

export const buyShipmentLabelsStepId = "buy-shipment-labels"

export type BoughtLabel = LabelToBuy & { label: ShippingLabel; service_code: string }

/**
 * Buys each fulfillment's label with the rate chosen at checkout, or the carrier's cheapest. The carrier looks
 * the shipment up by our reference first, so repeating the step after a lost answer buys nothing twice.
 * Compensation voids the labels this run bought (not those found), when a later step fails for good.
 */
export const buyShipmentLabelsStep = createSyncStep(
  buyShipmentLabelsStepId,
  async (input: { connection_id: string; buy: LabelToBuy[] }, { container }) => {
    const carrier = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "shipping")
    const bought: BoughtLabel[] = []
    for (const item of input.buy) {
      let { carrierId, serviceCode } = item.request
      if (!carrierId || !serviceCode) {
        // The service chosen at checkout (or the cheapest), on the carrier account that offers it.
        const rates = await carrier.getRates(item.request)
        const rate = serviceCode ? rates.find((r) => r.serviceCode === serviceCode) : rates[0]
        if (!rate) {
          throw new IntegrationError(`${input.connection_id} offers no rate${serviceCode ? ` for service ${serviceCode}` : ""} for fulfillment ${item.fulfillment_id}'s address and parcel`, {
            connectionId: input.connection_id, code: "shipment_no_rate", retryable: false,
          })
        }
        ;({ carrierId, serviceCode } = rate)
      }
      const label = await carrier.createLabel({ ...item.request, carrierId, serviceCode })
      bought.push({ ...item, label, service_code: serviceCode })
    }
    return new StepResponse(bought, { connection_id: input.connection_id, label_ids: bought.filter((b) => b.label.created).map((b) => b.label.labelId) })
  },
  async (done, { container }) => {
    if (!done?.label_ids.length) return
    const carrier = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(done.connection_id, "shipping")
    for (const id of done.label_ids) await carrier.voidLabel(id)
  },
  { label: { does: "buy the shipping labels", undoes: "void the labels this run bought" }, repeatOn: (input) => input.connection_id }
)
