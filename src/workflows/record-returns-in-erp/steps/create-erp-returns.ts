import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { isReturnDone } from "../../../providers/returns"
import type { ErpReturn } from "../../../providers/types"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import type { PlannedReturn } from "../plan"

export const createErpReturnsStepId = "create-erp-returns"

/** A planned return with the ERP sale its goods were sold on. */
export type ReturnToRecord = PlannedReturn & { sale_external_id: string }
type Input = { connection_id: string; order_number: string; returns: ReturnToRecord[] }

/**
 * Makes (or finds, by reference) the ERP return of each receipt, not yet taken into stock: the ERP checks each line
 * against its sale first and refuses in words what it did not sell. Compensation cancels the returns this run made,
 * while they are not done; one already done keeps its goods in stock and is found by its reference next time.
 */
export const createErpReturnsStep = createSyncStep(
  createErpReturnsStepId,
  async (input: Input, { container }) => {
    const erp = hubOf(container).getProvider(input.connection_id, "erp")
    const made: Array<ErpReturn & { reference: string }> = []
    for (const r of input.returns) {
      made.push({ ...(await erp.createReturn!(toErpInput(input, r))), reference: r.reference })
    }
    return new StepResponse(made, { connection_id: input.connection_id, ids: made.filter((m) => m.created).map((m) => m.externalId) })
  },
  async (undo, { container }) => {
    if (!undo?.ids.length) return
    const erp = hubOf(container).getProvider(undo.connection_id, "erp")
    for (const id of undo.ids) {
      // One this run took into stock before a later return failed stays: the next run finds it by its reference.
      await erp.cancelReturn!(id).catch((err: unknown) => {
        if (!isReturnDone(err)) throw err
      })
    }
  },
  { label: { does: "make the return in the ERP", undoes: "cancel the return made" }, repeatOn: (input) => input.connection_id }
)

export const toErpInput = (input: { order_number: string }, r: ReturnToRecord) => ({
  saleExternalId: r.sale_external_id, orderNumber: input.order_number, reference: r.reference, lines: r.lines, date: r.date,
})
