import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { replaceErpSaleWorkflow } from "../replace-erp-sale"
import { ORDER_FIELDS_FOR_ERP } from "../sync-order-to-erp"
import { applyOrderCorrections, Corrections } from "../sync-order-to-erp/corrections"
import type { OrderForErp } from "../sync-order-to-erp/order-mapper"
import { validateOrderForErpStep } from "../sync-order-to-erp/steps/validate-order-for-erp"
import type { OrderUpdate } from "./revision"
import { planSaleRevisionStep } from "./steps/plan-sale-revision"
import { SENT_OUT_FIELDS, sentOutItems, withoutSentOut } from "../sync-exchanges-to-erp/sent-out"
import { rememberBaselineStep } from "./steps/remember-baseline"

export type ReviseErpSaleInput = {
  connection_id: string
  order_id: string
  /** The edit's own record (`order:<id>:edit`). */
  sync_record_id: string
  /** Staff's corrections for this edit (edit-and-retry); the create's are used when absent. */
  corrections?: Corrections | null
}

export const ORDER_FIELDS_FOR_REVISION = [
  ...ORDER_FIELDS_FOR_ERP, "items.detail.return_received_quantity", "items.detail.return_dismissed_quantity", "fulfillments.canceled_at", "fulfillments.labels.tracking_number",
]

export const reviseErpSaleWorkflowId = "revise-erp-sale"

/**
 * Carries an order edit (items, quantities, shipping, e-mail, addresses) to the order's ERP sale: read and validate
 * the order as edited → compare it with the sale (nothing to do when it already says the same) → replace the sale
 * with one made from the edited order (replace-erp-sale: the new sale first, then the old one cancelled, so the
 * order always has one live sale; an ERP that cannot cancel the old one — shipped, or its invoice paid — refuses in
 * words and the new sale is cancelled again) → remember what the sale now says.
 */
export const reviseErpSaleWorkflow = createWorkflow(reviseErpSaleWorkflowId, (input: ReviseErpSaleInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_REVISION, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const { data: changes } = useQueryGraphStep({
    entity: "order_change",
    fields: ["id", "created_at", "actions.details"],
    filters: { order_id: input.order_id, change_type: "update_order" },
  }).config({ name: "read-order-updates" })
  const { data: exchanges } = useQueryGraphStep({ entity: "order_exchange", fields: SENT_OUT_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-exchanges" })
  const { data: claims } = useQueryGraphStep({ entity: "order_claim", fields: SENT_OUT_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-claims" })
  const sentOut = transform({ exchanges, claims, input }, ({ exchanges, claims, input }) => sentOutItems([...exchanges, ...claims] as Parameters<typeof sentOutItems>[0]).get(input.order_id) ?? [])
  const order = transform({ orders, input, sentOut }, ({ orders, input, sentOut }) => withoutSentOut(applyOrderCorrections(orders[0] as unknown as OrderForErp, input.corrections ?? null), sentOut))
  const updates = transform({ changes }, ({ changes }) => updatesOf(changes as unknown as OrderChangeRow[]))
  const draft = validateOrderForErpStep({ order, connection_id: input.connection_id })
  const plan = planSaleRevisionStep(transform({ input, order, draft, updates, sentOut }, ({ input, order, draft, updates, sentOut }) => ({ connection_id: input.connection_id, order, draft, updates, sync_record_id: input.sync_record_id, exchanged: sentOut.length > 0 })))

  const replaced = when("replace-sale", { plan }, ({ plan }) => plan.action === "replace").then(() =>
    replaceErpSaleWorkflow.runAsStep({
      input: transform({ input, plan, draft }, ({ input, plan, draft }) => ({
        connection_id: input.connection_id,
        order_id: input.order_id,
        sync_record_id: plan.create_record_id,
        replaced_id: plan.sale_id,
        corrections: input.corrections ?? plan.corrections,
        reason: `as order #${draft.orderNumber} was edited (${plan.changes.join("; ")})`,
      })),
    })
  )

  // Only once the sale says it (a retry compares with what the sale said before). A write to the hub's own table:
  // its failure is retryable, which undoes nothing, so the order never loses its sale after the old one is cancelled.
  rememberBaselineStep(transform({ input, plan }, ({ input, plan }) => ({ sync_record_id: input.sync_record_id, baseline: { customer_key: plan.customer_key } })))

  return new WorkflowResponse(
    transform({ plan, replaced, draft }, ({ plan, replaced, draft }): EffectOutcome => {
      if (plan.action === "none" || !replaced) {
        return { status: "synced", summary: `${plan.sale_name} already says what order #${draft.orderNumber} sells (total ${draft.total} ${draft.currencyCode}); nothing to change` }
      }
      const oldLabels = plan.labels_for_old_address.length
        ? `. Label(s) ${plan.labels_for_old_address.join(", ")} were bought for the old address: void them with the carrier and create the fulfillment again`
        : ""
      return {
        status: "synced",
        external_id: replaced.external_id,
        external_number: replaced.number,
        summary: `order #${draft.orderNumber} edited (${plan.changes.join("; ")}): sale ${replaced.number ?? replaced.external_id} (${replaced.state}, total ${draft.total} ${draft.currencyCode}) replaces ${plan.sale_name}, ${replaced.cancelled}${oldLabels}`,
      }
    })
  )
})

type OrderChangeRow = { created_at: string | Date; actions?: Array<{ details?: { type?: string; old?: unknown } | null } | null> | null }

/** Medusa's updates of an order's e-mail and addresses, from its `update_order` changes. */
function updatesOf(changes: OrderChangeRow[]): OrderUpdate[] {
  return changes.flatMap((c) => (c.actions ?? []).flatMap((a) => (a?.details?.type ? [{ created_at: c.created_at, type: a.details.type, old: a.details.old ?? null }] : [])))
}
