import { MedusaError } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import { createSyncStep } from "../../sync-step"

export const pointRecordAtSaleStepId = "point-record-at-sale"

type Pointer = { status: string; external_id: string; external_number: string | null; external_ref: string | null; result_summary: string | null }

/**
 * Points the order's create record at the new sale (synced: the hub made it), only while the record still points at
 * the sale being replaced and no run holds it; otherwise refuses, so the new sale is cancelled again. Compensation
 * points the record back at the old sale, as it was.
 */
export const pointRecordAtSaleStep = createSyncStep(
  pointRecordAtSaleStepId,
  async (input: { sync_record_id: string; replaced_id: string; sale: Omit<Pointer, "status">; connection_id: string }, { container }) => {
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    const [before] = await hub.execute<Pointer>(
      `UPDATE sync_record r SET status = 'synced', external_id = ?, external_number = ?, external_ref = ?, result_summary = ?, updated_at = now()
         FROM (SELECT id, status, external_id, external_number, external_ref, result_summary FROM sync_record WHERE id = ? FOR UPDATE) old
        WHERE r.id = old.id AND r.deleted_at IS NULL AND r.status IN ('synced', 'linked') AND r.external_id = ?
        RETURNING old.status, old.external_id, old.external_number, old.external_ref, old.result_summary`,
      [input.sale.external_id, input.sale.external_number, input.sale.external_ref, input.sale.result_summary, input.sync_record_id, input.replaced_id]
    )
    if (!before) {
      const [now] = await hub.listSyncRecords({ id: input.sync_record_id })
      throw new MedusaError(
        MedusaError.Types.NOT_ALLOWED,
        `The order's sync record changed meanwhile (${now ? `${now.status}${now.external_id ? `, sale ${now.external_number ?? now.external_id}` : ""}` : "deleted"}), so it was not pointed at the new sale: reconcile ${input.connection_id} again to see the order as it is now`
      )
    }
    return new StepResponse(undefined, { sync_record_id: input.sync_record_id, now_at: input.sale.external_id, before })
  },
  async (undo, { container }) => {
    if (!undo) return
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    const b = undo.before
    // Only while it still points at the new sale: a record another run changed since is left as that run made it.
    await hub.execute(
      `UPDATE sync_record SET status = ?, external_id = ?, external_number = ?, external_ref = ?, result_summary = ?, updated_at = now() WHERE id = ? AND external_id = ?`,
      [b.status, b.external_id, b.external_number, b.external_ref, b.result_summary, undo.sync_record_id, undo.now_at]
    )
  },
  { label: { does: "point the order's sync record at the new sale", undoes: "point the order's sync record back at the old sale" } }
)
