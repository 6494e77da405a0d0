import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { SyncSkipped } from "../../../lib/errors"
import { hubOf } from "../../../sync/hub"
import { sentOutBy } from "../../sync-exchanges-to-erp/sent-out"
import { createSyncStep } from "../../sync-step"
import { OrderForReturns, planErpReturns, ReturnedGoods, ReturnsPlan } from "../plan"

export const planErpReturnsStepId = "plan-erp-returns"

/**
 * Plans the ERP returns the order's receipts need, against what the record says the ERP was told before (its
 * baseline). Changes nothing; an order none of whose returns was received yet is skipped, saying so.
 */
export const planErpReturnsStep = createSyncStep(
  planErpReturnsStepId,
  async (input: { order: OrderForReturns; changes: Array<{ id: string; additional_items?: Array<{ item_id?: string | null } | null> | null }>; connection_id: string; sync_record_id: string; time_zone: string }, { container }) => {
    const record = await hubOf(container).retrieveSyncRecord(input.sync_record_id)
    const returned = (record.baseline as { returned?: ReturnedGoods } | null)?.returned ?? {}
    const plan = planErpReturns(input.order, returned, { connectionId: input.connection_id, timeZone: input.time_zone, now: new Date(), sentOutBy: sentOutBy(input.changes) })
    if (!plan.returns.length && !Object.keys(returned).length) {
      throw new SyncSkipped(`order #${plan.number} has no received return yet: the ERP takes the goods back once Medusa receives them`, "nothing_received")
    }
    return new StepResponse<ReturnsPlan>(plan)
  },
  undefined,
  { label: { does: "work out which goods came back" } }
)
