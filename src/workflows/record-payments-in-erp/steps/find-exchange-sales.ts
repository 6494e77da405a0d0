import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { isDone } from "../../../modules/integration-hub/models/sync-record"
import { hubOf } from "../../../sync/hub"
import type { ExchangeSales } from "../../sync-exchanges-to-erp/plan"
import { createSyncStep } from "../../sync-step"
import type { SaleToPay } from "../allocate"

export const findExchangeSalesStepId = "find-exchange-sales"

/**
 * The sales a payment of the order may be for, in the order a ledger pays them: the order's own, then the live
 * sales of its exchanges and claims that ask for money (through the exchange record). A payment waits (retryable)
 * while an exchange is still on its way to the ERP, so it never lands on the wrong sale; the order's own sale's
 * total is read from the ERP only when there is an exchange sale to pay after it.
 */
export const findExchangeSalesStep = createSyncStep(
  findExchangeSalesStepId,
  async (input: { connection_id: string; order_id: string; order_number: string; sale_external_id: string }, { container }) => {
    const hub = hubOf(container)
    const [record] = await hub.listSyncRecords({ connection_id: input.connection_id, entity_type: "order", entity_id: input.order_id, operation: "exchanges" })
    const own: SaleToPay = { external_id: input.sale_external_id, total: "0" }
    if (!record || record.status === "skipped") return new StepResponse<SaleToPay[]>([own])
    if (!isDone(record.status)) {
      throw new IntegrationError(
        `An exchange or claim of order #${input.order_number} is not in ${input.connection_id} yet: its payments are registered once its sale is there, so each lands on the right invoice (will retry)`,
        { connectionId: input.connection_id, code: "exchange_not_synced", retryable: true }
      )
    }
    const sales = Object.values((record.baseline as { sales?: ExchangeSales } | null)?.sales ?? {}).filter((s) => !s.cancelled && Number.parseFloat(s.total) > 0)
    if (!sales.length) return new StepResponse<SaleToPay[]>([own])
    const sale = await hub.getProvider(input.connection_id, "erp").getSalesOrder?.(input.sale_external_id)
    // Without the sale's total every payment stays on the order's own sale, as for an order without exchanges.
    if (!sale?.total) return new StepResponse<SaleToPay[]>([own])
    return new StepResponse<SaleToPay[]>([{ external_id: input.sale_external_id, total: sale.total }, ...sales.map((s) => ({ external_id: s.external_id, total: s.total }))])
  },
  undefined,
  { label: { does: "find the sales the payments are for" }, repeatOn: (input) => input.connection_id }
)
