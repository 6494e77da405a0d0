import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { moneyMovesOf, OrderForPayments, RecordPaymentsInErpInput } from "../record-payments-in-erp"
import { findErpSaleStep } from "../record-payments-in-erp/steps/find-erp-sale"
import { recordErpRefundsStep } from "./steps/record-erp-refunds"

export type RecordRefundsInErpInput = RecordPaymentsInErpInput

export const recordRefundsInErpWorkflowId = "record-refunds-in-erp"

/** What the workflow reads of an order: its number, currency and every refund of its payments. */
export const ORDER_FIELDS_FOR_REFUNDS = [
  "id", "display_id", "currency_code",
  "payment_collections.payments.id", "payment_collections.payments.refunds.id",
  "payment_collections.payments.refunds.amount", "payment_collections.payments.refunds.raw_amount", "payment_collections.payments.refunds.created_at",
]

/**
 * Records an order's refunds in an ERP as credit notes: read the refunds → find the order's sale → credit each
 * refund (once per refund, by its Medusa refund id). Runs again, by its content revision, when a refund is added.
 */
export const recordRefundsInErpWorkflow = createWorkflow(recordRefundsInErpWorkflowId, (input: RecordRefundsInErpInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_REFUNDS, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const order = transform({ orders, input }, ({ orders, input }) => {
    const o = orders[0] as unknown as OrderForPayments
    return { number: String(o.display_id ?? o.id), currency_code: o.currency_code.toUpperCase(), refunds: moneyMovesOf(o, "refunds", input.time_zone) }
  })
  const sale = findErpSaleStep(transform({ input, order }, ({ input, order }) => ({ connection_id: input.connection_id, order_id: input.order_id, order_number: order.number, needs: "recordRefund" as const })))
  const credited = recordErpRefundsStep(
    transform({ input, order, sale }, ({ input, order, sale }) => ({
      connection_id: input.connection_id,
      sale_external_id: sale.sale_external_id,
      order_number: order.number,
      currency_code: order.currency_code,
      refunds: order.refunds,
    }))
  )
  return new WorkflowResponse(
    transform({ credited, order }, ({ credited, order }): EffectOutcome => {
      const last = credited.at(-1)
      if (!last) return { status: "skipped", skip_code: "nothing_refunded", summary: `order #${order.number} has no refund` }
      const numbers = credited.map((c) => c.creditNoteNumber ?? c.creditNoteExternalId).join(", ")
      return {
        status: "synced",
        external_id: last.creditNoteExternalId,
        external_number: last.creditNoteNumber,
        summary: `${credited.length} refund(s) credited (${credited.filter((c) => c.created).length} now): credit note ${numbers}`,
      }
    })
  )
})
