import { StepResponse } from "@medusajs/framework/workflows-sdk"
import type { ErpCustomerRef, ErpSalesOrder } from "../../../providers/types"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import type { PlannedExchangeSale } from "../plan"

export const createExchangeSalesStepId = "create-exchange-sales"

export type ExchangeSaleMade = ErpSalesOrder & { created: boolean; change_id: string; label: string; total: string; currency_code: string }

/**
 * Creates and confirms the sale of each exchange or claim, idempotent by its own reference (`medusa:<exchange or
 * claim id>`: one found is completed, not duplicated). Compensation cancels the sales this run created.
 */
export const createExchangeSalesStep = createSyncStep(
  createExchangeSalesStepId,
  async (input: { connection_id: string; sales: PlannedExchangeSale[]; customer: ErpCustomerRef | null }, { container }) => {
    const erp = hubOf(container).getProvider(input.connection_id, "erp")
    const made: ExchangeSaleMade[] = []
    for (const planned of input.sales) {
      const sale = await erp.createSalesOrder({ ...planned.draft, customer: input.customer! })
      made.push({ ...sale, change_id: planned.change_id, label: planned.label, total: planned.draft.total, currency_code: planned.draft.currencyCode })
    }
    return new StepResponse(made, { connection_id: input.connection_id, ids: made.filter((m) => m.created).map((m) => m.externalId) })
  },
  async (undo, { container }) => {
    if (!undo?.ids.length) return
    const erp = hubOf(container).getProvider(undo.connection_id, "erp")
    for (const id of undo.ids) await erp.cancelSalesOrder(id)
  },
  { label: { does: "create and confirm the exchange's sale", undoes: "cancel the sale created for the exchange" }, repeatOn: (input) => input.connection_id }
)
