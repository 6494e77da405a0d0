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
    const hub = hubOf(container)
    const done: CustomerUpdate[] = []
    try {
      for (const u of input.updates) {
        const key = contactEffectKey(u.customer_id)
        // The revision moves first, so the update's own customer.updated event finds nothing to send, whenever it is
        // handled; the baseline after the update (a run slipping in between still sees Medusa's value unchanged).
        await hub.advanceSyncedRevision(input.connection_id, key, u.revision_before, u.revision_after)
        done.push(u)
        await update(container, u.customer_id, u.update)
        await hub.saveBaseline(input.connection_id, key, u.baseline_after)
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
  const hub = hubOf(container)
  for (const u of [...done].reverse()) {
    const key = contactEffectKey(u.customer_id)
    await update(container, u.customer_id, u.previous)
    await hub.advanceSyncedRevision(connectionId, key, u.revision_after, u.revision_before)
    await hub.saveBaseline(connectionId, key, u.baseline_before)
  }
}

const update = (container: MedusaContainer, id: string, fields: CustomerUpdate["update"]) =>
  updateCustomersWorkflow(container).run({ input: { selector: { id }, update: fields } })
