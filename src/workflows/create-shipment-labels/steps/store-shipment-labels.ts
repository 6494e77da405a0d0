import type { IFulfillmentModuleService } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { createSyncStep } from "../../sync-step"
import type { FulfillmentLabel } from "../plan"
import type { BoughtLabel } from "./buy-shipment-labels"

export const storeShipmentLabelsStepId = "store-shipment-labels"

/**
 * Keeps each label on its fulfillment, as Medusa shows it (tracking number, tracking and label URL), with the
 * label id, carrier and service in the fulfillment's data. The labels already there are passed along with their
 * ids: Medusa replaces a fulfillment's labels with the list it is given. Compensation restores what was there.
 */
export const storeShipmentLabelsStep = createSyncStep(
  storeShipmentLabelsStepId,
  async (input: { bought: BoughtLabel[] }, { container }) => {
    const fulfillment = container.resolve<IFulfillmentModuleService>(Modules.FULFILLMENT)
    const before: Array<{ id: string; data: Record<string, unknown>; labels: FulfillmentLabel[] }> = []
    for (const b of input.bought) {
      before.push({ id: b.fulfillment_id, data: b.data, labels: b.labels })
      const label = { tracking_number: b.label.trackingNumber, tracking_url: b.label.trackingUrl ?? "", label_url: b.label.labelUrl ?? "" }
      await fulfillment.updateFulfillment(b.fulfillment_id, {
        labels: [...b.labels.filter((l) => l.tracking_number !== label.tracking_number), label],
        data: { ...b.data, label: "bought", label_id: b.label.labelId, tracking_number: b.label.trackingNumber, carrier: b.label.carrier, service_code: b.service_code },
      })
    }
    return new StepResponse(input.bought.length, before)
  },
  async (before, { container }) => {
    if (!before?.length) return
    const fulfillment = container.resolve<IFulfillmentModuleService>(Modules.FULFILLMENT)
    for (const b of before) await fulfillment.updateFulfillment(b.id, { labels: b.labels, data: b.data })
  },
  { label: { does: "keep the labels on the fulfillments", undoes: "put the fulfillments' labels back as they were" } }
)
