import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { Modules } from "@medusajs/framework/utils"
import { createSyncStep } from "../../sync-step"
import type { ValidatedSaleUpdate } from "./validate-erp-sale-update"

export const recordErpSaleStateStepId = "record-erp-sale-state"

/**
 * Keeps the ERP's word on the order (metadata.integration_hub.erp_sale[connection]: state, number, when), where
 * staff and other flows can read it. Compensation puts the previous metadata back.
 */
export const recordErpSaleStateStep = createSyncStep(
  recordErpSaleStateStepId,
  async (input: ValidatedSaleUpdate & { connection_id: string }, { container }) => {
    const orders = container.resolve(Modules.ORDER)
    const hub = (input.metadata?.integration_hub ?? {}) as Record<string, Record<string, unknown>>
    const metadata = {
      ...input.metadata,
      integration_hub: { ...hub, erp_sale: { ...hub.erp_sale, [input.connection_id]: input.state } },
    }
    await orders.updateOrders(input.order_id, { metadata })
    return new StepResponse(input.state, { order_id: input.order_id, metadata: input.metadata })
  },
  async (previous, { container }) => {
    if (!previous) return
    await container.resolve(Modules.ORDER).updateOrders(previous.order_id, { metadata: previous.metadata ?? {} })
  },
  { label: { does: "record the ERP's sale state on the order", undoes: "restore the order's previous ERP state" } }
)
