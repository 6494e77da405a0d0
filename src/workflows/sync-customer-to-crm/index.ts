import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { afterContactSync, ContactBaseline, ContactFieldRule, contactOf, CUSTOMER_FIELDS_FOR_CRM, CustomerForCrm, describeContact } from "./contact"
import { rememberContactBaselineStep } from "./steps/remember-contact-baseline"
import { upsertCrmContactStep } from "./steps/upsert-crm-contact"
import { recordContactConflictsStep } from "../import-contacts-from-crm/steps/record-contact-conflicts"
import type { CrmContactField } from "../../providers/types"

export type SyncCustomerToCrmInput = {
  connection_id: string
  customer_id: string
  crm_owned: CrmContactField[]
  /** Fields Medusa and this CRM share (latest change wins), and the contact's baseline from the last sync. */
  shared: CrmContactField[]
  baseline: ContactBaseline | null
  rules: Record<CrmContactField, ContactFieldRule>
}

export const syncCustomerToCrmWorkflowId = "sync-customer-to-crm"

/**
 * A customer as a CRM contact: read the customer → map it (refused without an e-mail, naming the field) → find
 * the contact by our id, then by e-mail, and send only what changed, never a field the CRM owns, nor one the CRM owns
 * or shares that Medusa has not changed since the last sync → record the CRM edits this write replaced as conflicts
 * → keep the new baseline. Runs again, by its content revision, whenever the customer's contact fields change.
 */
export const syncCustomerToCrmWorkflow = createWorkflow(syncCustomerToCrmWorkflowId, (input: SyncCustomerToCrmInput) => {
  const { data: customers } = useQueryGraphStep({ entity: "customer", fields: [...CUSTOMER_FIELDS_FOR_CRM, "updated_at"], filters: { id: input.customer_id }, options: { throwIfKeyNotFound: true } })
  const contact = transform({ customers, input }, ({ customers, input }) =>
    contactOf(input.connection_id, customers[0] as unknown as CustomerForCrm, input.crm_owned, { fields: input.shared, baseline: input.baseline }))
  const result = upsertCrmContactStep(transform({ input, contact }, ({ input, contact }) => ({ connection_id: input.connection_id, contact })))
  const after = transform({ input, contact, result, customers }, ({ input, contact, result, customers }) =>
    afterContactSync({ connectionId: input.connection_id, customerId: input.customer_id, contact, baseline: input.baseline, result, rules: input.rules, updatedAt: (customers[0] as { updated_at: string | Date }).updated_at }))
  recordContactConflictsStep(transform({ input, after }, ({ input, after }) => ({ connection_id: input.connection_id, conflicts: after.conflicts })))
  rememberContactBaselineStep(transform({ input, after }, ({ input, after }) => ({ connection_id: input.connection_id, customer_id: input.customer_id, baseline: after.baseline })))
  return new WorkflowResponse(
    transform({ result }, ({ result }): EffectOutcome => ({ status: "synced", external_id: result.externalId, external_number: null, summary: describeContact(result) }))
  )
})
