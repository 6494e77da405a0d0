import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { hubOf } from "../../../sync/hub"
import type { ValidatedSaleUpdate } from "./validate-erp-sale-update"

export const recordOrderStatusConflictStepId = "record-order-status-conflict"

/**
 * The ERP canceled a sale whose Medusa order is not canceled: a change of the order's status from a system that
 * does not own it (sourceOfTruth.order is Medusa's unless it names this connection). It is not applied to the
 * order; it is recorded as a conflict for staff to decide (cancel the order in Medusa, or the sale was canceled in
 * error). Returns the conflict's id, or null. Compensation: the conflict goes.
 */
export const recordOrderStatusConflictStep = createStep(
  recordOrderStatusConflictStepId,
  async (input: ValidatedSaleUpdate & { connection_id: string }, { container }) => {
    const hub = hubOf(container)
    const owner = hub.pluginOptions.sourceOfTruth.order ?? "medusa"
    const ownedHere = owner === input.connection_id || owner === hub.getConnection(input.connection_id).kind
    if (input.state.state !== "cancelled" || input.order_status === "canceled" || ownedHere) return new StepResponse<string | null>(null, null)
    const [conflict] = await hub.createConflictRecords([{
      entity: "order", entity_id: input.order_id, field: "status", connection_id: input.connection_id, attempted_by: input.connection_id,
      winning_value: input.order_status, losing_value: "canceled", winning_at: new Date(input.order_updated_at), losing_at: new Date(input.state.occurred_at),
      winner: "medusa", rule: `sourceOfTruth.order = "${owner}"`, actor_id: null,
    }])
    return new StepResponse<string | null>(conflict.id, conflict.id)
  },
  async (id, { container }) => {
    if (id) await hubOf(container).deleteConflictRecords([id])
  }
)
