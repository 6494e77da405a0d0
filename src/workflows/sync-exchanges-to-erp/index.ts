import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { findErpSaleStep } from "../record-payments-in-erp/steps/find-erp-sale"
import { rememberBaselineStep } from "../revise-erp-sale/steps/remember-baseline"
import { ORDER_FIELDS_FOR_ERP } from "../sync-order-to-erp"
import { ensureErpCustomerStep } from "../sync-order-to-erp/steps/ensure-erp-customer"
import { CLAIM_FIELDS, EXCHANGE_FIELDS, ExchangeSales, OrderChangeForErp, OrderForExchanges, ORDER_FIELDS_FOR_EXCHANGES, RETURN_FIELDS_FOR_EXCHANGES, ReturnForExchanges } from "./plan"
import { cancelExchangeSalesStep } from "./steps/cancel-exchange-sales"
import { createExchangeSalesStep, ExchangeSaleMade } from "./steps/create-exchange-sales"
import { planExchangeSalesStep } from "./steps/plan-exchange-sales"

export type SyncExchangesToErpInput = { connection_id: string; order_id: string; sync_record_id: string }

export const syncExchangesToErpWorkflowId = "sync-exchanges-to-erp"

/**
 * Sends an order's exchanges and claims to an ERP: read the order, its exchanges, claims and returns → plan a sale
 * for each one that sends items out (what it sends, its shipping, a credit for what it takes back) and a cancel for
 * each cancelled since → check the order's own sale is in the ERP → find or create the customer → create the sales (cancelled again if a later step fails) →
 * cancel those of cancelled exchanges → remember the sales. The goods coming back are the returns effect's; a
 * refund is credited as any refund.
 */
export const syncExchangesToErpWorkflow = createWorkflow(syncExchangesToErpWorkflowId, (input: SyncExchangesToErpInput) => {
  const { data: orders } = useQueryGraphStep({
    entity: "order", fields: [...ORDER_FIELDS_FOR_ERP, ...ORDER_FIELDS_FOR_EXCHANGES], filters: { id: input.order_id }, options: { throwIfKeyNotFound: true },
  })
  const { data: exchanges } = useQueryGraphStep({ entity: "order_exchange", fields: EXCHANGE_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-exchanges" })
  const { data: claims } = useQueryGraphStep({ entity: "order_claim", fields: CLAIM_FIELDS, filters: { order_id: input.order_id } }).config({ name: "read-claims" })
  const { data: returns } = useQueryGraphStep({ entity: "return", fields: RETURN_FIELDS_FOR_EXCHANGES, filters: { order_id: input.order_id } }).config({ name: "read-returns" })
  const plan = planExchangeSalesStep(
    transform({ orders, exchanges, claims, returns, input }, ({ orders, exchanges, claims, returns, input }) => ({
      order: orders[0] as unknown as OrderForExchanges,
      changes: [
        ...(exchanges as unknown as Array<Omit<OrderChangeForErp, "kind">>).map((e): OrderChangeForErp => ({ ...e, kind: "exchange" })),
        ...(claims as unknown as Array<Omit<OrderChangeForErp, "kind">>).map((c): OrderChangeForErp => ({ ...c, kind: "claim" })),
      ],
      returns: returns as unknown as ReturnForExchanges[],
      connection_id: input.connection_id,
      sync_record_id: input.sync_record_id,
    }))
  )
  const made = when("exchange-sales-to-make", { plan }, ({ plan }) => plan.create.length > 0).then(() => {
    // An exchange of an order the ERP does not have waits for it, or is skipped with it, saying so.
    findErpSaleStep(transform({ input, plan }, ({ input, plan }) => ({ connection_id: input.connection_id, order_id: input.order_id, order_number: plan.number, needs: "createSalesOrder" as const })))
    const customer = ensureErpCustomerStep(transform({ input, plan }, ({ input, plan }) => ({ connection_id: input.connection_id, customer: plan.create[0].draft.customer })))
    return createExchangeSalesStep(transform({ input, plan, customer }, ({ input, plan, customer }) => ({ connection_id: input.connection_id, sales: plan.create, customer })))
  })
  const cancelled = cancelExchangeSalesStep(transform({ input, plan }, ({ input, plan }) => ({ connection_id: input.connection_id, order_number: plan.number, cancel: plan.cancel })))
  const sales = transform({ plan, made, cancelled }, ({ plan, made, cancelled }): ExchangeSales => {
    const next: ExchangeSales = { ...plan.sales }
    for (const m of made ?? []) next[m.change_id] = { external_id: m.externalId, number: m.number, total: m.total }
    for (const id of cancelled) next[id] = { ...next[id], cancelled: true }
    return next
  })
  rememberBaselineStep(transform({ input, sales }, ({ input, sales }) => ({ sync_record_id: input.sync_record_id, baseline: { sales } })))
  return new WorkflowResponse(transform({ plan, made, cancelled }, ({ plan, made, cancelled }) => outcomeOf(plan.number, made ?? [], cancelled.length, Object.keys(plan.sales).length)))
})

function outcomeOf(number: string, made: ExchangeSaleMade[], cancelled: number, before: number): EffectOutcome {
  const last = made.at(-1)
  const each = made.map((m) => `${m.label}: ${m.created ? "created" : "found existing"} sale ${m.number ?? m.externalId} (${m.state}) for ${m.total} ${m.currency_code}${m.backordered ? `. ${m.backordered}` : ""}`)
  const undone = cancelled ? `${cancelled} cancelled exchange(s) or claim(s): sale cancelled` : ""
  const summary = [...each, undone].filter(Boolean).join("; ")
  if (!summary) return { status: "synced", summary: `order #${number}: the ERP has a sale of each of its ${before} exchange(s) and claim(s); nothing new` }
  return { status: "synced", ...(last ? { external_id: last.externalId, external_number: last.number } : {}), summary }
}
