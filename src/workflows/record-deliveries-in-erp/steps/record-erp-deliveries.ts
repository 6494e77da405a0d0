import { StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ErpDelivery } from "../../../providers/types"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import type { PlannedDelivery } from "../plan"

/** A delivery with the ERP sale its goods were sold on. */
export type DeliveryToRecord = PlannedDelivery & { sale_external_id: string }

export const recordErpDeliveriesStepId = "record-erp-deliveries"

/**
 * Ships each delivery's lines in the ERP, by its reference (a repeat finds what an earlier run shipped). There is
 * nothing to undo: goods that left the warehouse are a fact in both systems, and a later failure leaves them
 * recorded, found by the same reference next time (so this is the workflow's last step that calls the ERP).
 */
export const recordErpDeliveriesStep = createSyncStep(
  recordErpDeliveriesStepId,
  async (input: { connection_id: string; order_number: string; deliveries: DeliveryToRecord[] }, { container }) => {
    const erp = hubOf(container).getProvider(input.connection_id, "erp")
    const done: Array<ErpDelivery & { delivery: DeliveryToRecord }> = []
    for (const d of input.deliveries) {
      const result = await erp.recordDelivery!({ saleExternalId: d.sale_external_id, orderNumber: input.order_number, reference: d.reference, lines: d.lines, date: d.date })
      done.push({ ...result, delivery: d })
    }
    return new StepResponse(done)
  },
  undefined,
  { label: { does: "ship the fulfillment's lines in the ERP" }, repeatOn: (input) => input.connection_id }
)
