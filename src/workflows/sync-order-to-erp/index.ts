import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { EffectOutcome } from "../outcome"
import { readOrderStep } from "../read-order"
import { applyOrderCorrections, Corrections } from "./corrections"
import type { OrderForErp } from "./order-mapper"
import { createErpSalesOrderStep } from "./steps/create-erp-sales-order"
import { ensureErpCustomerStep } from "./steps/ensure-erp-customer"
import { findLegacySaleStep } from "./steps/find-legacy-sale"
import { validateOrderForErpStep } from "./steps/validate-order-for-erp"

export type SyncOrderToErpInput = {
  connection_id: string
  order_id: string
  /** Shadow mode: validate and record what would be sent, change nothing in the ERP. */
  shadow?: boolean
  /** Staff's corrections to the order's data for this sync (edit-and-retry). */
  corrections?: Corrections | null
}

export const ORDER_FIELDS_FOR_ERP = [
  // `total` makes the order module compute every total (of the order, each item and each shipping method).
  "id", "display_id", "status", "email", "currency_code", "created_at", "total",
  "items.id", "items.title", "items.product_title", "items.variant_sku", "items.quantity", "items.detail.quantity", "items.unit_price", "items.raw_unit_price",
  "items.is_tax_inclusive", "items.subtotal", "items.discount_subtotal", "items.tax_lines.code", "items.tax_lines.rate",
  // Through the order item ↔ variant link: a line Medusa sold whatever the stock reaches the ERP as a backorder.
  "items.variant.allow_backorder", "items.variant.manage_inventory",
  "shipping_address.*", "billing_address.*",
  "shipping_methods.name", "shipping_methods.amount", "shipping_methods.raw_amount", "shipping_methods.is_tax_inclusive",
  "shipping_methods.subtotal", "shipping_methods.discount_subtotal", "shipping_methods.tax_lines.code", "shipping_methods.tax_lines.rate",
  "customer.first_name", "customer.last_name", "customer.email", "customer.phone",
]

export const syncOrderToErpWorkflowId = "sync-order-to-erp"

/**
 * Sends a placed order to an ERP: read it (with staff's corrections laid over it) → validate → look for the sale a
 * legacy integration wrote (legacyMatch: found, it is linked and nothing is created) → ensure customer → create
 * sales order; the engine records the outcome.
 */
export const syncOrderToErpWorkflow = createWorkflow(syncOrderToErpWorkflowId, (input: SyncOrderToErpInput) => {
  const read = readOrderStep(transform({ input }, ({ input }) => ({ order_id: input.order_id, fields: ORDER_FIELDS_FOR_ERP })))
  const order = transform({ read, input }, ({ read, input }) => applyOrderCorrections(read as unknown as OrderForErp, input.corrections))
  const draft = validateOrderForErpStep({ order, connection_id: input.connection_id })
  const legacy = findLegacySaleStep(transform({ input, draft }, ({ input, draft }) => ({ connection_id: input.connection_id, order: draft })))

  const shadowResult = when("shadow-mode", { input }, ({ input }) => input.shadow === true).then(() =>
    transform({ draft, legacy }, ({ draft, legacy }): EffectOutcome => ({
      status: "skipped",
      skip_code: "shadow",
      summary: legacy
        ? `shadow mode: validated; would link the sale ${legacy.number ?? legacy.externalId} the legacy integration wrote (legacyMatch)`
        : `shadow mode: validated; would create a sale ${draft.reference} with ${draft.lines.length} line(s) for ${draft.currencyCode}`,
    }))
  )

  const linkedResult = when("link-legacy-sale", { input, legacy }, ({ input, legacy }) => input.shadow !== true && !!legacy).then(() =>
    transform({ legacy }, ({ legacy }): EffectOutcome => ({
      status: "synced",
      linked: true,
      external_id: legacy!.externalId,
      external_number: legacy!.number,
      summary: `linked to sale ${legacy!.number ?? legacy!.externalId} (${legacy!.state}) that the legacy integration wrote; nothing created`,
    }))
  )

  const liveResult = when("live-mode", { input, legacy }, ({ input, legacy }) => input.shadow !== true && !legacy).then(() => {
    const customer = ensureErpCustomerStep(
      transform({ input, draft }, ({ input, draft }) => ({ connection_id: input.connection_id, customer: draft.customer }))
    )
    const sale = createErpSalesOrderStep(
      transform({ input, draft, customer }, ({ input, draft, customer }) => ({
        connection_id: input.connection_id,
        order: draft,
        customer,
      }))
    )
    return transform({ sale }, ({ sale }): EffectOutcome => {
      // Each note is sentences of its own: what was backordered beyond the ERP's stock, why it is not processed yet.
      const notes = [sale.backordered, sale.unprocessed].filter(Boolean).join(" ")
      return {
        status: "synced",
        external_id: sale.externalId,
        external_number: sale.number,
        summary: `${sale.created ? "created" : "found existing"} sale ${sale.number ?? sale.externalId} (${sale.state})${notes ? `. ${notes}` : ""}`,
      }
    })
  })

  return new WorkflowResponse(transform({ shadowResult, linkedResult, liveResult }, (r): EffectOutcome => (r.liveResult ?? r.linkedResult ?? r.shadowResult)!))
})
