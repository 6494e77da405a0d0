import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { SyncSkipped } from "../../../lib/errors"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import { sentOutBy } from "../../sync-exchanges-to-erp/sent-out"
import { DeliveriesPlan, OrderForDeliveries, planErpDeliveries } from "../plan"

export const planErpDeliveriesStepId = "plan-erp-deliveries"

type Input = {
  order: OrderForDeliveries
  changes: Array<{ id: string; additional_items?: Array<{ item_id?: string | null } | null> | null }>
  connection_id: string
  sync_record_id: string
  time_zone: string
}

/**
 * Plans the ERP deliveries the order's shipped fulfillments need, against the references the record says the ERP
 * has (its baseline). Changes nothing; an order none of whose fulfillments Medusa marked shipped is skipped, saying so.
 */
export const planErpDeliveriesStep = createSyncStep(
  planErpDeliveriesStepId,
  async (input: Input, { container }) => {
    const record = await hubOf(container).retrieveSyncRecord(input.sync_record_id)
    const delivered = (record.baseline as { delivered?: string[] } | null)?.delivered ?? []
    const plan = planErpDeliveries(input.order, delivered, { connectionId: input.connection_id, timeZone: input.time_zone, sentOutBy: sentOutBy(input.changes) })
    if (!plan.deliveries.length && !delivered.length) {
      throw new SyncSkipped(`order #${plan.number} has no fulfillment marked shipped yet: the ERP ships each fulfillment's lines once Medusa marks it shipped`, "nothing_shipped")
    }
    return new StepResponse<DeliveriesPlan>(plan)
  },
  undefined,
  { label: { does: "work out which goods left" } }
)
