import { createOrderShipmentWorkflow, markOrderFulfillmentAsDeliveredWorkflow } from "@medusajs/medusa/core-flows"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import type { TrackingStatus } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"
import type { FulfillmentForTracking } from "../index"

export const advanceFulfillmentStepId = "advance-fulfillment"

/**
 * Moves the fulfillment forward to what the carrier confirmed, through Medusa's own workflows (so Medusa emits
 * shipment.created and delivery.created): in transit → shipped, delivered → shipped and delivered. It never goes
 * back (a late "in transit" after "delivered" changes nothing). The shipment keeps the fulfillment's labels
 * (Medusa replaces them with the list it is given). No compensation: the carrier's scan is the truth.
 */
export const advanceFulfillmentStep = createSyncStep(
  advanceFulfillmentStepId,
  async (input: { fulfillment: FulfillmentForTracking; status: TrackingStatus["status"] }, { container }) => {
    const f = input.fulfillment
    const done: Array<"shipped" | "delivered"> = []
    const moving = input.status === "in_transit" || input.status === "delivered"
    if (moving && !f.shipped_at) {
      await createOrderShipmentWorkflow(container).run({
        input: {
          order_id: f.order_id,
          fulfillment_id: f.id,
          items: f.items.map((i) => ({ id: i.line_item_id, quantity: i.quantity })),
          labels: f.labels.map((l) => ({ id: l.id, tracking_number: l.tracking_number, tracking_url: l.tracking_url, label_url: l.label_url })),
        },
      })
      done.push("shipped")
    }
    if (input.status === "delivered" && !f.delivered_at) {
      await markOrderFulfillmentAsDeliveredWorkflow(container).run({ input: { orderId: f.order_id, fulfillmentId: f.id } })
      done.push("delivered")
    }
    return new StepResponse({ done, shipped: !!f.shipped_at || done.includes("shipped"), delivered: !!f.delivered_at || done.includes("delivered") })
  },
  undefined,
  { label: { does: "mark the fulfillment shipped or delivered in Medusa" } }
)
