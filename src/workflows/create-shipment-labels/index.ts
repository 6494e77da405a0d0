import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { LabelPlan, ORDER_FIELDS_FOR_LABELS, OrderForLabels, planLabels } from "./plan"
import { buyShipmentLabelsStep } from "./steps/buy-shipment-labels"
import { storeShipmentLabelsStep } from "./steps/store-shipment-labels"
import { voidCanceledLabelsStep } from "./steps/void-canceled-labels"

export type CreateShipmentLabelsInput = { connection_id: string; order_id: string }

export const createShipmentLabelsWorkflowId = "create-shipment-labels"

/**
 * Ships an order's fulfillments with a carrier connection: read the order, its fulfillments and their stock
 * locations → plan (refusing missing weights and addresses, naming the order and the variant) → void the labels
 * of cancelled fulfillments → buy a label for each new one → keep the labels on the fulfillments. Runs again, by
 * its content revision, when a fulfillment is created or cancelled.
 */
export const createShipmentLabelsWorkflow = createWorkflow(createShipmentLabelsWorkflowId, (input: CreateShipmentLabelsInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_LABELS, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const locationIds = transform({ orders }, ({ orders }) => {
    const ids = ((orders[0] as unknown as OrderForLabels).fulfillments ?? []).map((f) => f?.location_id).filter((id): id is string => !!id)
    return ids.length ? [...new Set(ids)] : ["none"]
  })
  const { data: locations } = useQueryGraphStep({ entity: "stock_location", fields: ["id", "name", "address.*"], filters: { id: locationIds } }).config({ name: "read-stock-locations" })
  const plan = transform({ orders, locations, input }, ({ orders, locations, input }): LabelPlan =>
    planLabels(orders[0] as unknown as OrderForLabels, locations as unknown as Parameters<typeof planLabels>[1], { connectionId: input.connection_id })
  )
  const voided = voidCanceledLabelsStep(transform({ plan, input }, ({ plan, input }) => ({ connection_id: input.connection_id, number: plan.number, void: plan.void })))
  const bought = buyShipmentLabelsStep(transform({ plan, input }, ({ plan, input }) => ({ connection_id: input.connection_id, buy: plan.buy })))
  storeShipmentLabelsStep({ bought })
  return new WorkflowResponse(
    transform({ plan, bought, voided }, ({ plan, bought, voided }): EffectOutcome => {
      if (!bought.length && !voided.length) return { status: "skipped", skip_code: "nothing_to_ship", summary: `order #${plan.number} has no fulfillment waiting for a label` }
      const last = bought.at(-1)
      const labels = bought.map((b) => `${b.label.carrier} ${b.label.trackingNumber}${b.label.created ? "" : " (found)"}`)
      return {
        status: "synced",
        external_id: last?.label.labelId ?? null,
        external_number: last?.label.trackingNumber ?? null,
        summary: [labels.length ? `label(s) ${labels.join(", ")}` : "", voided.length ? voided.join("; ") : ""].filter(Boolean).join("; "),
      }
    })
  )
})
