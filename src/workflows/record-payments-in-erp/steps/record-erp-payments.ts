import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ErpPaymentResult } from "../../../providers/types"
import { createSyncStep } from "../../sync-step"
import type { PaymentToRecord } from "../allocate"

/** A capture or a refund as the ERP records it: its stable reference, amount and day. */
export type MoneyToRecord = { reference: string; amount: string; date: string }

export const recordErpPaymentsStepId = "record-erp-payments"

/**
 * Registers each capture (or its part on each sale, allocate.ts) against the sale's invoice, one after the other, each once by its reference (the ERP
 * looks it up before paying), so repeating the step after a lost answer pays nothing twice. No compensation:
 * a payment registered is money the store did receive; a later failure does not make it untrue.
 */
export const recordErpPaymentsStep = createSyncStep(
  recordErpPaymentsStepId,
  async (input: { connection_id: string; order_number: string; currency_code: string; payments: PaymentToRecord[] }, { container }) => {
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "erp")
    const results: ErpPaymentResult[] = []
    for (const capture of input.payments) {
      results.push(
        await erp.recordPayment!({
          saleExternalId: capture.sale_external_id,
          orderNumber: input.order_number,
          reference: capture.reference,
          amount: capture.amount,
          currencyCode: input.currency_code,
          date: capture.date,
        })
      )
    }
    return new StepResponse(results)
  },
  undefined,
  { label: { does: "register the captured payments on the invoice" }, repeatOn: (input) => input.connection_id }
)
