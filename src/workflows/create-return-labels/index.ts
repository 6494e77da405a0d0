import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { ORDER_FIELDS_FOR_RETURN_LABELS, OrderForReturnLabels, planReturnLabels, RETURN_FIELDS_FOR_LABELS, ReturnForLabels, ReturnLabelPlan, StockLocation } from "./plan"
import { BoughtReturnLabel, buyReturnLabelsStep } from "./steps/buy-return-labels"
import { storeReturnLabelsStep } from "./steps/store-return-labels"
import { voidCanceledReturnLabelsStep } from "./steps/void-canceled-return-labels"

export type CreateReturnLabelsInput = { connection_id: string; order_id: string }

export const createReturnLabelsWorkflowId = "create-return-labels"

/** How a label's service was chosen, in the record's words. */
const serviceWords = (b: BoughtReturnLabel) =>
  b.chosen === "as shipped"
    ? `service ${b.service_code}, as the order was shipped`
    : b.service.service_code
      ? `the cheapest service, ${b.service_code} (${b.service.service_code}, the order's, is not offered for the way back)`
      : `the cheapest service, ${b.service_code}`

/**
 * Gives each return of an order shipped by a carrier connection its return label: read the order, its returns and
 * their stock locations → plan (refusing missing weights and addresses, naming the order and the return) → void
 * the labels of cancelled returns → buy a label for each requested return that has none → keep the labels on the
 * returns. Runs again, by its content revision, when a return is requested, received or cancelled.
 */
export const createReturnLabelsWorkflow = createWorkflow(createReturnLabelsWorkflowId, (input: CreateReturnLabelsInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_RETURN_LABELS, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const { data: returns } = useQueryGraphStep({ entity: "return", fields: RETURN_FIELDS_FOR_LABELS, filters: { order_id: input.order_id } }).config({ name: "read-order-returns" })
  const order = transform({ orders, returns }, ({ orders, returns }): OrderForReturnLabels => ({ ...(orders[0] as unknown as OrderForReturnLabels), returns: returns as unknown as ReturnForLabels[] }))
  const locationIds = transform({ order }, ({ order }) => {
    const ids = [...(order.returns ?? []).map((r) => r?.location_id), ...(order.fulfillments ?? []).map((f) => f?.location_id)].filter((id): id is string => !!id)
    return ids.length ? [...new Set(ids)] : ["none"]
  })
  const { data: locations } = useQueryGraphStep({ entity: "stock_location", fields: ["id", "name", "address.*"], filters: { id: locationIds } }).config({ name: "read-return-locations" })
  const plan = transform({ order, locations, input }, ({ order, locations, input }): ReturnLabelPlan =>
    planReturnLabels(order, locations as unknown as StockLocation[], { connectionId: input.connection_id })
  )
  const voided = voidCanceledReturnLabelsStep(transform({ plan, input }, ({ plan, input }) => ({ connection_id: input.connection_id, number: plan.number, void: plan.void })))
  const bought = buyReturnLabelsStep(transform({ plan, input }, ({ plan, input }) => ({ connection_id: input.connection_id, buy: plan.buy })))
  storeReturnLabelsStep(transform({ bought, input }, ({ bought, input }) => ({ connection_id: input.connection_id, bought })))
  return new WorkflowResponse(
    transform({ plan, bought, voided }, ({ plan, bought, voided }): EffectOutcome => {
      if (!bought.length && !voided.length) {
        if (!plan.held.length) return { status: "skipped", skip_code: "nothing_to_label", summary: `order #${plan.number} has no requested return waiting for a return label` }
        const held = plan.held.map((h) => `${h.tracking_number} (return ${h.return_id}${h.voided ? ", voided" : ""})`)
        return { status: "synced", summary: `nothing new to do: return label(s) ${held.join(", ")}` }
      }
      const last = bought.at(-1)
      const labels = bought.map((b) => `${b.label.carrier} ${b.label.trackingNumber}${b.label.created ? "" : " (found)"} for return ${b.return_id}, ${serviceWords(b)}`)
      return {
        status: "synced",
        external_id: last?.label.labelId ?? null,
        external_number: last?.label.trackingNumber ?? null,
        summary: [labels.length ? `return label(s) ${labels.join("; ")}` : "", voided.join("; ")].filter(Boolean).join("; "),
      }
    })
  )
})
