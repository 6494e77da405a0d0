import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import type { EffectOutcome } from "../outcome"
import { contactOf, CUSTOMER_FIELDS_FOR_CRM, CustomerForCrm, describeContact } from "./contact"
import { upsertCrmContactStep } from "./steps/upsert-crm-contact"
import type { CrmContactField } from "../../providers/types"

export type SyncCustomerToCrmInput = { connection_id: string; customer_id: string; crm_owned: CrmContactField[] }

export const syncCustomerToCrmWorkflowId = "sync-customer-to-crm"

/**
 * A customer as a CRM contact: read the customer → map it (refused without an e-mail, naming the field) → find
 * the contact by our id, then by e-mail, and send only what changed, never a field the CRM owns. Runs again, by its
 * content revision, whenever the customer's contact fields change.
 */
export const syncCustomerToCrmWorkflow = createWorkflow(syncCustomerToCrmWorkflowId, (input: SyncCustomerToCrmInput) => {
  const { data: customers } = useQueryGraphStep({ entity: "customer", fields: CUSTOMER_FIELDS_FOR_CRM, filters: { id: input.customer_id }, options: { throwIfKeyNotFound: true } })
  const contact = transform({ customers, input }, ({ customers, input }) => contactOf(input.connection_id, customers[0] as unknown as CustomerForCrm, input.crm_owned))
  const result = upsertCrmContactStep(transform({ input, contact }, ({ input, contact }) => ({ connection_id: input.connection_id, contact })))
  return new WorkflowResponse(
    transform({ result }, ({ result }): EffectOutcome => ({ status: "synced", external_id: result.externalId, external_number: null, summary: describeContact(result) }))
  )
})
