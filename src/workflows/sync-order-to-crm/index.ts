import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { CrmContactField } from "../../providers/types"
import type { EffectOutcome } from "../outcome"
import { readOrderStep } from "../read-order"
import { contactOf, describeContact } from "../sync-customer-to-crm/contact"
import { upsertCrmContactStep } from "../sync-customer-to-crm/steps/upsert-crm-contact"
import { buyerOf, dealOf, ORDER_FIELDS_FOR_CRM, OrderForCrm } from "./deal"
import { upsertCrmDealStep } from "./steps/upsert-crm-deal"

export type SyncOrderToCrmInput = {
  connection_id: string
  order_id: string
  crm_owned: CrmContactField[]
  /** Fields Medusa and this CRM share: an order never writes them to an existing contact (the customer's own sync does). */
  shared: CrmContactField[]
}

export const syncOrderToCrmWorkflowId = "sync-order-to-crm"

/**
 * An order as a CRM deal: read the order → its buyer as a contact (a guest by e-mail, flagged) → one deal per order
 * with amount, currency, close date and line items, associated with the contact; a cancellation or refunds move
 * the same deal to the configured stage and amount. Runs again, by its content revision, when either changes.
 */
export const syncOrderToCrmWorkflow = createWorkflow(syncOrderToCrmWorkflowId, (input: SyncOrderToCrmInput) => {
  const read = readOrderStep(transform({ input }, ({ input }) => ({ order_id: input.order_id, fields: ORDER_FIELDS_FOR_CRM })))
  const order = transform({ read }, ({ read }) => read as unknown as OrderForCrm)
  const contact = upsertCrmContactStep(
    transform({ input, order }, ({ input, order }) => {
      const contact = contactOf(input.connection_id, buyerOf(order), input.crm_owned)
      // A customer's fields the CRM owns or shares are the customer's contact sync's to send, with its baseline.
      const leave = contact.reference ? [...input.crm_owned, ...input.shared] : []
      return { connection_id: input.connection_id, contact: leave.length ? { ...contact, unchanged: leave } : contact }
    })
  )
  const deal = upsertCrmDealStep(
    transform({ input, order, contact }, ({ input, order, contact }) => ({ connection_id: input.connection_id, deal: dealOf(order, contact.externalId, contact.companyExternalId) }))
  )
  return new WorkflowResponse(
    transform({ order, contact, deal }, ({ order, contact, deal }): EffectOutcome => {
      const moved = deal.created ? `created in stage ${deal.stage}` : deal.sent.length ? `moved: ${deal.sent.join(", ")} (stage ${deal.stage})` : `unchanged (stage ${deal.stage})`
      return {
        status: "synced",
        external_id: deal.externalId,
        external_number: null,
        summary: `order #${order.display_id ?? order.id}: deal ${deal.externalId} ${moved}; ${describeContact(contact)}`,
      }
    })
  )
})
