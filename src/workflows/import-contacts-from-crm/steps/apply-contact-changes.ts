import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { updateCustomersWorkflow } from "@medusajs/medusa/core-flows"
import type { MedusaContainer } from "@medusajs/framework/types"
import { hubOf } from "../../../sync/hub"
import { contactEffectKey } from "../../sync-customer-to-crm/contact"
import type { CustomerUpdate } from "../plan"

export const applyContactChangesStepId = "apply-contact-changes"

type Input = { connection_id: string; updates: CustomerUpdate[] }

/**
 * Writes the CRM's winning values to Medusa's customers through Medusa's own update workflow (its customer.updated
 * events go out as for any edit). The customer's contact record then takes the new content as already synced: the
 * CRM holds it, so the hub does not send it back (no loop); its baseline becomes what both sides now hold. Only a
 * record that was synced at the content before is moved on; one with a change of Medusa's still on its way runs as
 * usual and finds nothing to send for these fields. Compensation (also of the customers this step had updated when
 * one of its own updates fails): the previous values and revisions are put back.
 */
export const applyContactChangesStep = createStep(
  applyContactChangesStepId,
  async (input: Input, { container }) => {
    const done: CustomerUpdate[] = []
    try {
      for (const u of input.updates) {
        await update(container, u.customer_id, u.update)
        done.push(u)
        await hubOf(container).advanceSyncedRevision(input.connection_id, contactEffectKey(u.customer_id), u.revision_before, u.revision_after, u.baseline_after)
      }
    } catch (err) {
      await undo(container, input.connection_id, done)
      throw err
    }
    return new StepResponse(done.length, { connection_id: input.connection_id, done })
  },
  async (applied: { connection_id: string; done: CustomerUpdate[] } | undefined, { container }) => {
    if (applied) await undo(container, applied.connection_id, applied.done)
  }
)

async function undo(container: MedusaContainer, connectionId: string, done: CustomerUpdate[]) {
  for (const u of [...done].reverse()) {
    await hubOf(container).advanceSyncedRevision(connectionId, contactEffectKey(u.customer_id), u.revision_after, u.revision_before, u.baseline_before)
    await update(container, u.customer_id, u.previous)
  }
}

const update = (container: MedusaContainer, id: string, fields: CustomerUpdate["update"]) =>
  updateCustomersWorkflow(container).run({ input: { selector: { id }, update: fields } })
