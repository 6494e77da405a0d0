import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ErpRefundResult } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"
import type { MoneyToRecord } from "../../record-payments-in-erp/steps/record-erp-payments"

export const recordErpRefundsStepId = "record-erp-refunds"

/**
 * Credits each refund against the sale's invoice, one after the other, each once by its reference (the ERP looks
 * it up before crediting), so repeating the step pays nothing back twice. No compensation: a refund made is money
 * that left the store; a later failure does not make it untrue.
 */
export const recordErpRefundsStep = createSyncStep(
  recordErpRefundsStepId,
  async (input: { connection_id: string; sale_external_id: string; order_number: string; currency_code: string; refunds: MoneyToRecord[] }, { container }) => {
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "erp")
    const results: ErpRefundResult[] = []
    for (const refund of input.refunds) {
      results.push(
        await erp.recordRefund!({
          saleExternalId: input.sale_external_id,
          orderNumber: input.order_number,
          reference: refund.reference,
          amount: refund.amount,
          currencyCode: input.currency_code,
          date: refund.date,
        })
      )
    }
    return new StepResponse(results)
  },
  undefined,
  { label: { does: "credit the refunds with credit notes" }, repeatOn: (input) => input.connection_id }
)
