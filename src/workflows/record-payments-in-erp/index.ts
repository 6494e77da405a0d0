import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import { accountingDate } from "../../lib/accounting-date"
import { formatAmount } from "../sync-order-to-erp/order-mapper"
import type { EffectOutcome } from "../outcome"
import { allocatePayments } from "./allocate"
import { findErpSaleStep } from "./steps/find-erp-sale"
import { findExchangeSalesStep } from "./steps/find-exchange-sales"
import { MoneyToRecord, recordErpPaymentsStep } from "./steps/record-erp-payments"

export type RecordPaymentsInErpInput = {
  connection_id: string
  order_id: string
  /** The zone the connection's dates are booked in (options.ts `timeZoneOf`). */
  time_zone: string
}

export const recordPaymentsInErpWorkflowId = "record-payments-in-erp"

/** What the workflow reads of an order: its number, currency and every capture of its payments. */
export const ORDER_FIELDS_FOR_PAYMENTS = [
  "id", "display_id", "currency_code",
  "payment_collections.payments.id", "payment_collections.payments.captures.id",
  "payment_collections.payments.captures.amount", "payment_collections.payments.captures.raw_amount", "payment_collections.payments.captures.created_at",
]

type Amount = number | string | { value: string | number } | null | undefined
type MoneyMove = { id: string; amount: Amount; raw_amount?: { value: string | number } | null; created_at: string | Date } | null
export type OrderForPayments = {
  id: string
  display_id?: number | null
  currency_code: string
  payment_collections?: Array<{ payments?: Array<{ id: string; captures?: MoneyMove[] | null; refunds?: MoneyMove[] | null } | null> | null } | null> | null
}

/** Stable reference of a capture or a refund in the ERP: each is registered once. */
export const moneyReference = (id: string) => `medusa:${id}`

/**
 * Every capture (or refund) of the order's payments, oldest first, as the ERP records them (reference
 * "medusa:<capture or refund id>", amount with the currency's precision, the day it happened in `timeZone`).
 */
export function moneyMovesOf(order: OrderForPayments, kind: "captures" | "refunds", timeZone: string): MoneyToRecord[] {
  const moves = (order.payment_collections ?? [])
    .flatMap((c) => c?.payments ?? [])
    .flatMap((p) => p?.[kind] ?? [])
    .filter((m): m is NonNullable<MoneyMove> => !!m)
  return moves
    .map((m) => ({ reference: moneyReference(m.id), amount: formatAmount(m.raw_amount ?? m.amount, order.currency_code), date: accountingDate(new Date(m.created_at), timeZone), at: new Date(m.created_at).getTime() }))
    .sort((a, b) => a.at - b.at)
    .map(({ at: _at, ...m }) => m)
}

/** Every capture of the order's payments, oldest first. */
export const capturesOf = (order: OrderForPayments, timeZone: string) => moneyMovesOf(order, "captures", timeZone)

/**
 * Records an order's captured payments in an ERP: read the captures → find the order's sale (and those of its
 * exchanges) → register each capture against the invoice it pays (once per capture, or per part of one). Runs again, by its content revision, when a capture is added.
 */
export const recordPaymentsInErpWorkflow = createWorkflow(recordPaymentsInErpWorkflowId, (input: RecordPaymentsInErpInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_PAYMENTS, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const order = transform({ orders, input }, ({ orders, input }) => {
    const o = orders[0] as unknown as OrderForPayments
    return { number: String(o.display_id ?? o.id), currency_code: o.currency_code.toUpperCase(), captures: capturesOf(o, input.time_zone) }
  })
  const sale = findErpSaleStep(transform({ input, order }, ({ input, order }) => ({ connection_id: input.connection_id, order_id: input.order_id, order_number: order.number, needs: "recordPayment" as const })))
  const sales = findExchangeSalesStep(
    transform({ input, order, sale }, ({ input, order, sale }) => ({ connection_id: input.connection_id, order_id: input.order_id, order_number: order.number, sale_external_id: sale.sale_external_id }))
  )
  const recorded = recordErpPaymentsStep(
    transform({ input, order, sales }, ({ input, order, sales }) => ({
      connection_id: input.connection_id,
      order_number: order.number,
      currency_code: order.currency_code,
      payments: allocatePayments(order.captures, sales),
    }))
  )
  return new WorkflowResponse(
    transform({ recorded, order }, ({ recorded, order }): EffectOutcome => {
      const last = recorded.at(-1)
      if (!last) return { status: "skipped", skip_code: "nothing_captured", summary: `order #${order.number} has no captured payment yet` }
      const added = recorded.filter((r) => r.created).length
      return {
        status: "synced",
        external_id: last.invoiceExternalId,
        external_number: last.invoiceNumber,
        summary: `invoice ${last.invoiceNumber ?? last.invoiceExternalId}: ${recorded.length} payment(s) registered (${added} now), ${last.amountDue} ${order.currency_code} still due`,
      }
    })
  )
})
