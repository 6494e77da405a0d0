import { StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ErpReturn } from "../../../providers/types"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import type { PlannedReturn } from "../plan"
import { ReturnToRecord, toErpInput } from "./create-erp-returns"

export const receiveErpReturnsStepId = "receive-erp-returns"

/**
 * Takes each return's goods into the ERP's stock (done), so its next stock import counts them as the ERP does.
 * Idempotent: a done return is left as it is. No compensation: goods in stock are not taken out again by the hub.
 */
export const receiveErpReturnsStep = createSyncStep(
  receiveErpReturnsStepId,
  async (input: { connection_id: string; order_number: string; returns: ReturnToRecord[]; made: Array<ErpReturn & { reference: string }> }, { container }) => {
    const erp = hubOf(container).getProvider(input.connection_id, "erp")
    const done: Array<ErpReturn & { lines: PlannedReturn["lines"] }> = []
    for (const r of input.returns) {
      const made = input.made.find((m) => m.reference === r.reference)!
      // Made now or found: as the create step found it (receiving is never what makes a return).
      done.push({ ...(await erp.receiveReturn!(made.externalId, toErpInput(input, r))), created: made.created, lines: r.lines })
    }
    return new StepResponse(done)
  },
  undefined,
  { label: { does: "take the returned goods into the ERP's stock" }, repeatOn: (input) => input.connection_id }
)
