import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { hubOf } from "../../../sync/hub"
import { ContactBaseline, contactEffectKey, contactFieldRules, CUSTOMER_FIELDS_FOR_CRM } from "../../sync-customer-to-crm/contact"
import { ContactChange, LinkedCustomer, planContactChanges } from "../plan"

export const planContactChangesStepId = "plan-contact-changes"

export type PlanContactChangesInput = { connection_id: string; changes: ContactChange[] }

/**
 * Reads the customers the changed contacts are linked to (by our id on the contact) and their contact records, and
 * decides field by field what Medusa takes, keeps, or records as a conflict. Reads only: nothing to compensate.
 */
export const planContactChangesStep = createStep(planContactChangesStepId, async (input: PlanContactChangesInput, { container }) => {
  const hub = hubOf(container)
  const ids = [...new Set(input.changes.flatMap((c) => (c.reference ? [c.reference] : [])))]
  const { data } = ids.length
    ? await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "customer", fields: [...CUSTOMER_FIELDS_FOR_CRM, "updated_at"], filters: { id: ids } })
    : { data: [] }
  const records = ids.length ? await hub.listSyncRecords({ connection_id: input.connection_id, effect_key: ids.map(contactEffectKey) }) : []
  const recordOf = new Map(records.map((r) => [r.entity_id, r]))
  const customers = (data as unknown as Array<Omit<LinkedCustomer, "contact_record">>).map((c): LinkedCustomer => {
    const r = recordOf.get(c.id)
    return { ...c, contact_record: r ? { id: r.id, status: r.status, revision: r.revision, synced_at: r.synced_at, baseline: (r.baseline as ContactBaseline | null) ?? null } : null }
  })
  const rules = contactFieldRules(hub.pluginOptions.sourceOfTruth, input.connection_id)
  return new StepResponse(planContactChanges({ connectionId: input.connection_id, rules, changes: input.changes, customers }))
})
