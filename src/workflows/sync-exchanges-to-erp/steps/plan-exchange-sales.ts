import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { SyncSkipped } from "../../../lib/errors"
import { timeZoneOf } from "../../../modules/integration-hub/options"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import { ExchangeSales, ExchangeSalesPlan, OrderChangeForErp, OrderForExchanges, planExchangeSales, ReturnForExchanges } from "../plan"

export const planExchangeSalesStepId = "plan-exchange-sales"

/**
 * Plans the ERP sales the order's exchanges and claims need, against the sales the record says the ERP has (its
 * baseline), dated in the connection's zone with the checks it asks for. Changes nothing; an order with no
 * exchange or claim that sends something out is skipped, saying so.
 */
export const planExchangeSalesStep = createSyncStep(
  planExchangeSalesStepId,
  async (input: { order: OrderForExchanges; changes: OrderChangeForErp[]; returns: ReturnForExchanges[]; connection_id: string; sync_record_id: string }, { container }) => {
    const hub = hubOf(container)
    const connection = hub.getConnection(input.connection_id)
    const record = await hub.retrieveSyncRecord(input.sync_record_id)
    const sales = (record.baseline as { sales?: ExchangeSales } | null)?.sales ?? {}
    const plan = planExchangeSales(input.order, input.changes, input.returns, sales, {
      connectionId: input.connection_id, timeZone: timeZoneOf(hub.pluginOptions, connection), checks: connection.orderChecks,
    })
    if (!plan.create.length && !plan.cancel.length && !Object.keys(sales).length) {
      throw new SyncSkipped(`order #${plan.number} has no exchange or claim that sends items out: its returns and refunds are recorded as any`, "nothing_sent_out")
    }
    return new StepResponse<ExchangeSalesPlan>(plan)
  },
  undefined,
  { label: { does: "work out which exchanges and claims need a sale" } }
)
