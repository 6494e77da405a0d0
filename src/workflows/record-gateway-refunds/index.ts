import { MathBN, PaymentEvents } from "@medusajs/framework/utils"
import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { addOrderTransactionStep, createOrderCreditLinesWorkflow, emitEventStep, useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { GatewayPaymentEvents } from "../../providers/types"
import type { EffectOutcome } from "../outcome"
import { formatAmount, sumAmounts } from "../sync-order-to-erp/order-mapper"
import { MedusaRefund, planGatewayRefunds } from "./plan"
import { PaymentForRefunds, recordMedusaRefundsStep } from "./steps/record-medusa-refunds"

export type RecordGatewayRefundsInput = {
  connection_id: string
  /** The Medusa payment the gateway's payment is, and its order (found by the inbound handler). */
  payment_id: string
  order_id: string
  data: GatewayPaymentEvents["payment.refunded"]
}

export const recordGatewayRefundsWorkflowId = "record-gateway-refunds"

type Amount = number | string | { value: string | number } | null | undefined
type PaymentRow = {
  id: string; payment_collection_id: string; currency_code: string
  captures?: Array<{ amount: Amount; raw_amount?: { value: string | number } | null } | null> | null
  refunds?: Array<{ id: string; amount: Amount; raw_amount?: { value: string | number } | null; created_at: string | Date; metadata?: Record<string, unknown> | null } | null> | null
}
type OrderRow = { id: string; display_id?: number | null; currency_code: string; summary?: { pending_difference?: Amount; raw_pending_difference?: { value: string | number } | null } | null }

/**
 * Refunds made at the gateway (its dashboard), recorded in Medusa as Medusa's own refund workflow records them,
 * without its call to the payment provider: the money is already back with the customer. Read the payment and
 * its order → plan which gateway refunds Medusa lacks → a refund row each on the payment → the order's
 * transactions (and a credit line, as Medusa adds one for a refund of a paid order) → `payment.refunded`, which
 * the ERP connections credit as they do any refund. Whatever the number of deliveries and their order, each
 * gateway refund is recorded once: the plan matches by the gateway refund id kept on the refund row.
 */
export const recordGatewayRefundsWorkflow = createWorkflow(recordGatewayRefundsWorkflowId, (input: RecordGatewayRefundsInput) => {
  const { data: payments } = useQueryGraphStep({
    entity: "payment",
    fields: [
      "id", "payment_collection_id", "currency_code", "captures.amount", "captures.raw_amount",
      "refunds.id", "refunds.amount", "refunds.raw_amount", "refunds.created_at", "refunds.metadata",
    ],
    filters: { id: input.payment_id },
    options: { throwIfKeyNotFound: true },
  }).config({ name: "get-payment" })
  const { data: orders } = useQueryGraphStep({
    entity: "order", fields: ["id", "display_id", "currency_code", "summary"], filters: { id: input.order_id }, options: { throwIfKeyNotFound: true },
  }).config({ name: "get-order" })

  const planned = transform({ payments, orders, input }, ({ payments, orders, input }) => {
    const p = payments[0] as unknown as PaymentRow
    const order = orders[0] as unknown as OrderRow
    const currency = p.currency_code
    const medusa: MedusaRefund[] = (p.refunds ?? []).filter((r): r is NonNullable<typeof r> => !!r).map((r) => ({
      id: r.id, amount: formatAmount(r.raw_amount ?? r.amount, currency), created_at: new Date(r.created_at).toISOString(),
      gateway_refund_id: typeof r.metadata?.gateway_refund_id === "string" ? r.metadata.gateway_refund_id : null,
    }))
    const payment: PaymentForRefunds = { id: p.id, payment_collection_id: p.payment_collection_id, currency_code: currency, captured: sumAmounts(p.captures, currency), refunded: sumAmounts(p.refunds, currency) }
    const pending = order.summary?.raw_pending_difference?.value ?? order.summary?.pending_difference ?? 0
    return { payment, order, plan: planGatewayRefunds(input.data.refunds, medusa, input.data.requested_with_key), pending: formatAmount(pending as Amount, currency) }
  })

  const created = recordMedusaRefundsStep(transform({ planned, input }, ({ planned, input }) => ({
    connection_id: input.connection_id, payment: planned.payment, refunds: planned.plan.record, awaiting: planned.plan.awaiting,
  })))

  when({ created }, ({ created }) => created.length > 0).then(() => {
    addOrderTransactionStep(transform({ created, planned }, ({ created, planned }) => created.map((r) => ({
      order_id: planned.order.id, amount: MathBN.mult(r.amount, -1), currency_code: planned.payment.currency_code, reference: "refund", reference_id: r.id,
    }))))
  })
  // As Medusa's refund workflow: what the refund gives back beyond what the customer had overpaid is a credit line.
  const creditLine = transform({ created, planned }, ({ created, planned }) => {
    const refunded = created.reduce((total, r) => MathBN.add(total, r.amount), MathBN.convert(0))
    const owed = MathBN.lt(planned.pending, 0) ? MathBN.mult(planned.pending, -1) : MathBN.convert(0)
    return MathBN.gt(refunded, owed) ? MathBN.sub(refunded, owed).toString() : "0"
  })
  when({ creditLine }, ({ creditLine }) => MathBN.gt(creditLine, 0)).then(() => {
    createOrderCreditLinesWorkflow.runAsStep({
      input: transform({ creditLine, planned, created }, ({ creditLine, planned, created }) => ({
        id: planned.order.id, credit_lines: [{ amount: creditLine, reference: "refund", reference_id: created[0].id }],
      })),
    })
  })
  when("emit-payment-refunded", { created }, ({ created }) => created.length > 0).then(() => {
    emitEventStep({ eventName: PaymentEvents.REFUNDED, data: transform({ planned }, ({ planned }) => ({ id: planned.payment.id })) })
  })

  return new WorkflowResponse(
    transform({ created, planned, input }, ({ created, planned, input }): EffectOutcome => {
      const currency = planned.payment.currency_code.toUpperCase()
      const known = planned.plan.known ? `; ${planned.plan.known} already in Medusa` : ""
      const unsettled = planned.plan.unsettled ? `; ${planned.plan.unsettled} not completed at the gateway (not recorded)` : ""
      if (!created.length) {
        return { status: "skipped", skip_code: "refunds_known", summary: `payment ${input.data.payment_id}: nothing new to record${known}${unsettled}` }
      }
      const amounts = created.map((r, i) => `${r.amount} ${currency} (${planned.plan.record[i].id})`).join(", ")
      return {
        status: "synced",
        external_id: planned.plan.record.at(-1)!.id,
        external_number: null,
        summary: `refund made at the gateway recorded on order #${planned.order.display_id ?? planned.order.id}: ${amounts}, without refunding again${known}${unsettled}`,
      }
    })
  )
})
