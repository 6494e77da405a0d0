import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"

export const rememberSaleCustomerStepId = "remember-sale-customer"

/**
 * Keeps on the edit's record the fingerprint of the e-mail and addresses the order's live sale now carries, so the
 * next edit compares with it. Compensation puts back the fingerprint it had.
 */
export const rememberSaleCustomerStep = createSyncStep(
  rememberSaleCustomerStepId,
  async (input: { sync_record_id: string; customer_key: string }, { container }) => {
    const hub = hubOf(container)
    const before = (await hub.retrieveSyncRecord(input.sync_record_id)).baseline ?? null
    await hub.execute(`UPDATE sync_record SET baseline = ?::jsonb WHERE id = ?`, [JSON.stringify({ customer_key: input.customer_key }), input.sync_record_id])
    return new StepResponse(undefined, { sync_record_id: input.sync_record_id, before })
  },
  async (undo, { container }) => {
    if (!undo) return
    await hubOf(container).execute(`UPDATE sync_record SET baseline = ?::jsonb WHERE id = ?`, [undo.before === null ? null : JSON.stringify(undo.before), undo.sync_record_id])
  },
  { label: { does: "remember what the sale now says", undoes: "forget it again" } }
)
