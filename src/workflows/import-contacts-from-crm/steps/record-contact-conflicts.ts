import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { hubOf } from "../../../sync/hub"
import type { ContactConflict } from "../plan"

export const recordContactConflictsStepId = "record-contact-conflicts"

type Input = { connection_id: string; conflicts: ContactConflict[] }

/**
 * Records the writes that lost (a CRM edit of a field Medusa owns, the older side of a shared field). A conflict
 * already recorded (the same contact change read again) is not recorded twice. Compensation: the records go.
 */
export const recordContactConflictsStep = createStep(
  recordContactConflictsStepId,
  async (input: Input, { container }) => {
    if (!input.conflicts.length) return new StepResponse([], [])
    const hub = hubOf(container)
    const known = await hub.listConflictRecords(
      { entity: "customer", connection_id: input.connection_id, entity_id: [...new Set(input.conflicts.map((c) => c.entity_id))] },
      { select: ["entity_id", "field", "losing_at", "losing_value"] }
    )
    const key = (c: { entity_id: string; field: string; losing_at: Date | string; losing_value: string | null }) => `${c.entity_id}|${c.field}|${new Date(c.losing_at).getTime()}|${c.losing_value}`
    const seen = new Set(known.map(key))
    const fresh = input.conflicts.filter((c) => !seen.has(key(c)))
    if (!fresh.length) return new StepResponse([], [])
    const created = await hub.createConflictRecords(fresh.map((c) => ({ ...c, connection_id: input.connection_id, actor_id: null })))
    const ids = created.map((c) => c.id)
    return new StepResponse(ids, ids)
  },
  async (ids: string[] | undefined, { container }) => {
    if (ids?.length) await hubOf(container).deleteConflictRecords(ids)
  }
)
