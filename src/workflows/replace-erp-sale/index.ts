import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import { cancelErpSalesOrderStep } from "../cancel-order-in-erp/steps/cancel-erp-sales-order"
import { ORDER_FIELDS_FOR_ERP } from "../sync-order-to-erp"
import { applyOrderCorrections, Corrections } from "../sync-order-to-erp/corrections"
import { ErpOrderDraft, OrderForErp, replacementReference } from "../sync-order-to-erp/order-mapper"
import { createErpSalesOrderStep } from "../sync-order-to-erp/steps/create-erp-sales-order"
import { ensureErpCustomerStep } from "../sync-order-to-erp/steps/ensure-erp-customer"
import { validateOrderForErpStep } from "../sync-order-to-erp/steps/validate-order-for-erp"
import { pointRecordAtSaleStep } from "./steps/point-record-at-sale"

export type ReplaceErpSaleInput = {
  connection_id: string
  order_id: string
  /** The order's create record, pointing at the sale replaced (and, once the new sale exists, at that one). */
  sync_record_id: string
  /** The ERP's id of the sale whose total or lines no longer say what Medusa sold. */
  replaced_id: string
  /** Staff's corrections to the order's data (edit-and-retry), as the record sends them. */
  corrections?: Corrections | null
  /** Why it is replaced, in words for the record ("whose total or lines differed" when absent). */
  reason?: string
}

export const replaceErpSaleWorkflowId = "replace-erp-sale"

/**
 * Replaces an order's ERP sale that no longer says what Medusa sold, never leaving the order without a live sale:
 * read and validate the order → find or create the customer → create the new sale (under the replacement's own
 * reference, the old one being still live) → point the order's record at it → cancel the old sale. A failure at any
 * step undoes the ones before: the new sale is cancelled again and the record points back at the old one.
 */
export const replaceErpSaleWorkflow = createWorkflow(replaceErpSaleWorkflowId, (input: ReplaceErpSaleInput) => {
  const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_ERP, filters: { id: input.order_id }, options: { throwIfKeyNotFound: true } })
  const order = transform({ orders, input }, ({ orders, input }) => applyOrderCorrections(orders[0] as unknown as OrderForErp, input.corrections ?? null))
  const draft = validateOrderForErpStep({ order, connection_id: input.connection_id })
  const replacement = transform({ draft, input }, ({ draft, input }): ErpOrderDraft => ({
    ...draft,
    reference: replacementReference(input.order_id, input.replaced_id),
    // The old sale holds the order's goods until it is cancelled: checking stock for the new one would count them twice.
    checks: { ...draft.checks, stock: false },
  }))
  const customer = ensureErpCustomerStep(transform({ input, replacement }, ({ input, replacement }) => ({ connection_id: input.connection_id, customer: replacement.customer })))
  const sale = createErpSalesOrderStep(
    transform({ input, replacement, customer }, ({ input, replacement, customer }) => ({ connection_id: input.connection_id, order: replacement, customer }))
  )
  pointRecordAtSaleStep(
    transform({ input, replacement, sale }, ({ input, replacement, sale }) => ({
      connection_id: input.connection_id,
      sync_record_id: input.sync_record_id,
      replaced_id: input.replaced_id,
      sale: {
        external_id: sale.externalId,
        external_number: sale.number,
        external_ref: replacement.reference,
        result_summary: `${sale.created ? "created" : "found existing"} sale ${sale.number ?? sale.externalId} (${sale.state}) to replace sale id ${input.replaced_id}, ${input.reason ?? "whose total or lines differed"}${sale.unprocessed ? `. ${sale.unprocessed}` : ""}`,
      },
    }))
  )
  const cancelled = cancelErpSalesOrderStep(
    transform({ input }, ({ input }) => ({ connection_id: input.connection_id, order_id: input.order_id, external_id: input.replaced_id }))
  )
  return new WorkflowResponse(
    transform({ sale, cancelled }, ({ sale, cancelled }) => ({ external_id: sale.externalId, number: sale.number, state: sale.state, cancelled: cancelled.summary }))
  )
})
