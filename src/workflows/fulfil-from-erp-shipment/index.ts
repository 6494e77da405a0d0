import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { createOrderFulfillmentWorkflow, createOrderShipmentWorkflow, useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { ErpShipment } from "../../providers/types"
import type { EffectOutcome } from "../outcome"
import { ErpFulfilmentMetadata, erpShipmentKey, ORDER_FIELDS_FOR_ERP_FULFILMENT, OrderForErpFulfilment } from "./plan"
import { planErpFulfilmentStep } from "./steps/plan-erp-fulfilment"

export type FulfilFromErpShipmentInput = { connection_id: string; order_id: string; shipment: ErpShipment }

export const fulfilFromErpShipmentWorkflowId = "fulfil-from-erp-shipment"

/**
 * An outbound shipment the ERP's warehouse completed becomes Medusa's, through Medusa's own workflows: read the
 * order → match the shipped lines to its unfulfilled items → create the fulfillment of exactly those (marked with
 * the ERP shipment, so it is made once) → mark it shipped, with the carrier's tracking number when the ERP has one
 * (Medusa emits `shipment.created`: the customer is told once). A failure while marking it shipped cancels the
 * fulfillment made (Medusa's own compensation); a run that stopped in between finds the fulfillment and ships it.
 */
export const fulfilFromErpShipmentWorkflow = createWorkflow(fulfilFromErpShipmentWorkflowId, (input: FulfilFromErpShipmentInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_ERP_FULFILMENT, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const plan = planErpFulfilmentStep(transform({ orders, input }, ({ orders, input }) => ({ order: orders[0] as unknown as OrderForErpFulfilment, shipment: input.shipment, connection_id: input.connection_id })))

  const made = when("make-fulfillment", { plan }, ({ plan }) => !plan.existing).then(() =>
    createOrderFulfillmentWorkflow.runAsStep({
      input: transform({ input, plan }, ({ input, plan }) => ({
        order_id: input.order_id,
        items: plan.items,
        created_by: `integration-hub:${input.connection_id}`,
        metadata: {
          integration_hub: { erp_shipment: erpShipmentKey(input.connection_id, input.shipment.externalId), connection_id: input.connection_id, number: input.shipment.number, items: plan.items } satisfies ErpFulfilmentMetadata,
        },
      })),
    })
  )
  const fulfillmentId = transform({ plan, made }, ({ plan, made }) => plan.existing?.id ?? made!.id)
  createOrderShipmentWorkflow.runAsStep({
    input: transform({ input, plan, fulfillmentId }, ({ input, plan, fulfillmentId }) => ({
      order_id: input.order_id,
      fulfillment_id: fulfillmentId,
      items: plan.items,
      created_by: `integration-hub:${input.connection_id}`,
      labels: input.shipment.trackingNumber ? [{ tracking_number: input.shipment.trackingNumber, tracking_url: "", label_url: "" }] : [],
    })),
  })

  return new WorkflowResponse(
    transform({ input, plan, fulfillmentId }, ({ input, plan, fulfillmentId }): EffectOutcome => ({
      status: "synced",
      external_id: input.shipment.externalId,
      external_number: input.shipment.trackingNumber ?? input.shipment.number,
      summary: [
        `order #${plan.number}: ${input.connection_id}'s shipment ${input.shipment.number ?? input.shipment.externalId} is fulfillment ${fulfillmentId}, shipped (${input.shipment.lines.map((l) => `${l.sku} ×${l.quantity}`).join(", ")})`,
        input.shipment.trackingNumber ? `tracking ${input.shipment.carrier ? `${input.shipment.carrier} ` : ""}${input.shipment.trackingNumber}` : "no tracking number in the ERP",
        ...plan.notes,
      ].join("; "),
    }))
  )
})
