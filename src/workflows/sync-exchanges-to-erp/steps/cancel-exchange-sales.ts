import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import type { ExchangeSalesPlan } from "../plan"

export const cancelExchangeSalesStepId = "cancel-exchange-sales"

/**
 * Cancels the sale of each exchange or claim staff cancelled in Medusa. Where the ERP cannot (its goods have left),
 * the record fails once, saying what staff must do there. No compensation: the exchange is cancelled in Medusa.
 */
export const cancelExchangeSalesStep = createSyncStep(
  cancelExchangeSalesStepId,
  async (input: { connection_id: string; order_number: string; cancel: ExchangeSalesPlan["cancel"] }, { container }) => {
    const erp = hubOf(container).getProvider(input.connection_id, "erp")
    const cancelled: string[] = []
    for (const c of input.cancel) {
      await erp.cancelSalesOrder(c.external_id).catch((err: unknown) => {
        if (!(err instanceof IntegrationError) || err.retryable) throw err
        throw new IntegrationError(`${c.label} of order #${input.order_number} was cancelled in Medusa, but ${input.connection_id} did not follow: ${err.message}`, {
          connectionId: input.connection_id, code: err.code, retryable: false, cause: err,
        })
      })
      cancelled.push(c.change_id)
    }
    return new StepResponse(cancelled)
  },
  undefined,
  { label: { does: "cancel the sales of cancelled exchanges" }, repeatOn: (input) => input.connection_id }
)
