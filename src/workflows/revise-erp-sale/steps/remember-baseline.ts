import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"

export const rememberBaselineStepId = "remember-baseline"

/**
 * Keeps on the effect's record what the other system now holds (a fingerprint of the sale's customer part, the
 * goods the ERP took back), so the next run compares with it. Compensation puts back what the record held.
 */
export const rememberBaselineStep = createSyncStep(
  rememberBaselineStepId,
  async (input: { sync_record_id: string; baseline: Record<string, unknown> }, { container }) => {
    const hub = hubOf(container)
    const before = (await hub.retrieveSyncRecord(input.sync_record_id)).baseline ?? null
    await hub.execute(`UPDATE sync_record SET baseline = ?::jsonb WHERE id = ?`, [JSON.stringify(input.baseline), input.sync_record_id])
    return new StepResponse(undefined, { sync_record_id: input.sync_record_id, before })
  },
  async (undo, { container }) => {
    if (!undo) return
    await hubOf(container).execute(`UPDATE sync_record SET baseline = ?::jsonb WHERE id = ?`, [undo.before === null ? null : JSON.stringify(undo.before), undo.sync_record_id])
  },
  { label: { does: "remember what the other system now holds", undoes: "put back what the record held" } }
)
