import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { findErpSaleStep } from "../record-payments-in-erp/steps/find-erp-sale"
import { rememberBaselineStep } from "../revise-erp-sale/steps/remember-baseline"
import { SENT_OUT_FIELDS } from "../sync-exchanges-to-erp/sent-out"
import { findSubjectSalesStep } from "../sync-exchanges-to-erp/steps/find-subject-sales"
import { ORDER_FIELDS_FOR_DELIVERIES, OrderForDeliveries } from "./plan"
import { planErpDeliveriesStep } from "./steps/plan-erp-deliveries"
import { recordErpDeliveriesStep } from "./steps/record-erp-deliveries"

export type RecordDeliveriesInErpInput = { connection_id: string; order_id: string; sync_record_id: string; time_zone: string }

export const recordDeliveriesInErpWorkflowId = "record-deliveries-in-erp"

type Change = { id: string; additional_items?: Array<{ item_id?: string | null } | null> | null }

/**
 * Tells an ERP which goods left when Medusa ships (connections[].fulfilment "medusa"): read the order's fulfillments
 * and its exchanges → plan a delivery per fulfillment marked shipped since the last run (split by the sale its lines
 * were sold on) → find the order's sale, and the exchanges' → ship each delivery's lines in the ERP → remember the
 * references. A partial fulfillment ships those lines only; the ERP keeps the rest for the next parcel.
 */
export const recordDeliveriesInErpWorkflow = createWorkflow(recordDeliveriesInErpWorkflowId, (input: RecordDeliveriesInErpInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_DELIVERIES, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const { data: exchanges } = useQueryGraphStep({ entity: "order_exchange", fields: SENT_OUT_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-exchanges" })
  const { data: claims } = useQueryGraphStep({ entity: "order_claim", fields: SENT_OUT_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-claims" })
  const plan = planErpDeliveriesStep(transform({ orders, exchanges, claims, input }, ({ orders, exchanges, claims, input }) => ({
    order: orders[0] as unknown as OrderForDeliveries, changes: [...exchanges, ...claims] as unknown as Change[],
    connection_id: input.connection_id, sync_record_id: input.sync_record_id, time_zone: input.time_zone,
  })))
  const sale = findErpSaleStep(transform({ input, plan }, ({ input, plan }) => ({ connection_id: input.connection_id, order_id: input.order_id, order_number: plan.number, needs: "recordDelivery" as const })))
  const sales = findSubjectSalesStep(transform({ input, plan, sale }, ({ input, plan, sale }) => ({
    connection_id: input.connection_id, order_id: input.order_id, order_number: plan.number, sale_external_id: sale.sale_external_id,
    items: plan.deliveries.map((d) => ({ label: `Fulfillment ${d.fulfillment_id}`, subject: d.subject })),
  })))
  const done = recordErpDeliveriesStep(transform({ input, plan, sales }, ({ input, plan, sales }) => ({
    connection_id: input.connection_id, order_number: plan.number, deliveries: plan.deliveries.map((d, i) => ({ ...d, sale_external_id: sales[i] })),
  })))
  rememberBaselineStep(transform({ input, plan }, ({ input, plan }) => ({ sync_record_id: input.sync_record_id, baseline: { delivered: plan.delivered_after } })))
  return new WorkflowResponse(
    transform({ done, plan }, ({ done, plan }): EffectOutcome => {
      const last = done.at(-1)?.shipments.at(-1)
      if (!last) return { status: "synced", summary: `order #${plan.number}: the ERP has every fulfillment shipped so far; nothing new left` }
      const each = done.map((d) => `fulfillment ${d.delivery.fulfillment_id} → shipment ${d.shipments.map((s) => s.number ?? s.externalId).join(", ")}${d.created ? "" : " (found)"}: ${d.delivery.lines.map((l) => `${l.sku} ×${l.quantity}`).join(", ")}`)
      return { status: "synced", external_id: last.externalId, external_number: last.number, summary: `shipped in the ERP: ${each.join("; ")}` }
    })
  )
})
