import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { findErpSaleStep } from "../record-payments-in-erp/steps/find-erp-sale"
import { rememberBaselineStep } from "../revise-erp-sale/steps/remember-baseline"
import { ORDER_FIELDS_FOR_RETURNS, OrderForReturns, RETURN_FIELDS } from "./plan"
import { planErpReturnsStep } from "./steps/plan-erp-returns"
import { SENT_OUT_FIELDS } from "../sync-exchanges-to-erp/sent-out"
import { findSubjectSalesStep } from "../sync-exchanges-to-erp/steps/find-subject-sales"
import { createErpReturnsStep } from "./steps/create-erp-returns"
import { receiveErpReturnsStep } from "./steps/receive-erp-returns"

export type RecordReturnsInErpInput = { connection_id: string; order_id: string; sync_record_id: string; time_zone: string }

export const recordReturnsInErpWorkflowId = "record-returns-in-erp"

type Change = { id: string; additional_items?: Array<{ item_id?: string | null } | null> | null }

/**
 * Records the goods customers sent back in an ERP: read the order's returns → plan what each receipt adds (against
 * what the ERP was told before) → find the order's sale (and, for items an exchange sent out, the exchange's) → make each ERP return (checked against the sale; cancelled
 * again if a later step fails for good) → take the goods into stock → remember what the ERP now has. Money is not
 * part of it: Medusa's refund of a return is credited once, by its refund id (record-refunds-in-erp).
 */
export const recordReturnsInErpWorkflow = createWorkflow(recordReturnsInErpWorkflowId, (input: RecordReturnsInErpInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_RETURNS, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const { data: returns } = useQueryGraphStep({ entity: "return", fields: RETURN_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-returns" })
  const { data: exchanges } = useQueryGraphStep({ entity: "order_exchange", fields: SENT_OUT_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-exchanges" })
  const { data: claims } = useQueryGraphStep({ entity: "order_claim", fields: SENT_OUT_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-claims" })
  const plan = planErpReturnsStep(transform({ orders, returns, exchanges, claims, input }, ({ orders, returns, exchanges, claims, input }) => ({
    order: { ...(orders[0] as unknown as OrderForReturns), returns: returns as unknown as OrderForReturns["returns"] }, changes: [...exchanges, ...claims] as unknown as Change[],
    connection_id: input.connection_id, sync_record_id: input.sync_record_id, time_zone: input.time_zone,
  })))
  const sale = findErpSaleStep(transform({ input, plan }, ({ input, plan }) => ({ connection_id: input.connection_id, order_id: input.order_id, order_number: plan.number, needs: "createReturn" as const })))
  const sales = findSubjectSalesStep(transform({ input, plan, sale }, ({ input, plan, sale }) => ({
    connection_id: input.connection_id, order_id: input.order_id, order_number: plan.number, sale_external_id: sale.sale_external_id,
    items: plan.returns.map((r) => ({ label: `Return ${r.return_id}`, subject: r.subject })),
  })))
  const common = transform({ input, plan, sales }, ({ input, plan, sales }) => ({
    connection_id: input.connection_id, order_number: plan.number, returns: plan.returns.map((r, i) => ({ ...r, sale_external_id: sales[i] })),
  }))
  const made = createErpReturnsStep(common)
  const done = receiveErpReturnsStep(transform({ common, made }, ({ common, made }) => ({ ...common, made })))
  rememberBaselineStep(transform({ input, plan }, ({ input, plan }) => ({ sync_record_id: input.sync_record_id, baseline: { returned: plan.returned_after } })))
  return new WorkflowResponse(
    transform({ done, plan }, ({ done, plan }): EffectOutcome => {
      const last = done.at(-1)
      if (!last) return { status: "synced", summary: `order #${plan.number}: the ERP has every return received so far; nothing new came back` }
      const each = done.map((d) => `${d.number ?? d.externalId}${d.created ? "" : " (found)"}: ${d.lines.map((l) => `${l.sku} ×${l.quantity}`).join(", ")}`)
      return { status: "synced", external_id: last.externalId, external_number: last.number, summary: `goods back in stock: return ${each.join("; ")}` }
    })
  )
})
