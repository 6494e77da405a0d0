import { createStep, createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { TrytonErpProvider } from "medusa-integration-hub/providers/erp-tryton"
import { buildProvider } from "medusa-integration-hub/testing/build-provider"
import { mapOrderForErp, type ErpOrderDraft, type OrderForErp } from "medusa-integration-hub/workflows/sync-order-to-erp/order-mapper"
import type { ErpCustomerRef } from "medusa-integration-hub/providers/types"

/**
 * P3's baseline (`npm run bench`): an order sent to Tryton by a bare Medusa workflow, with the same adapter and so
 * the same Tryton calls as the plugin's sync, and none of the hub around them: no sync record, claim, lease, call
 * log, lock, compensation or alert. Its sales carry the reference `bare:<order id>`, so they never meet the
 * plugin's own. Only the benchmark's store runs it, through POST /admin/dev/bench/bare-erp-sale.
 */
export type BareErpSaleInput = { order: OrderForErp; time_zone: string; order_checks: Parameters<typeof mapOrderForErp>[3] }

let tryton: ReturnType<typeof buildProvider<TrytonErpProvider>> | null = null
/** One adapter for the process, as the hub keeps one per connection (its caches warm the same way). */
function adapter(): TrytonErpProvider {
  tryton ??= buildProvider(TrytonErpProvider, {
    url: process.env.TRYTON_URL,
    database: process.env.TRYTON_DATABASE,
    username: process.env.TRYTON_USERNAME,
    password: process.env.TRYTON_PASSWORD,
    invoiceMethod: process.env.TRYTON_INVOICE_METHOD || "order",
  })
  return tryton.provider
}

/** How many Tryton calls the baseline made since the last time this was asked (the adapter keeps each in memory). */
export function takeBareCalls(): number {
  const calls = tryton?.logs.length ?? 0
  tryton?.logs.splice(0)
  return calls
}

const mapStep = createStep("bare-map-order", async (input: BareErpSaleInput) => {
  const draft = mapOrderForErp(input.order, "erp", input.time_zone, input.order_checks)
  return new StepResponse<ErpOrderDraft>({ ...draft, reference: `bare:${input.order.id}` })
})

const customerStep = createStep("bare-ensure-customer", async (draft: ErpOrderDraft) =>
  new StepResponse<ErpCustomerRef>(await adapter().upsertCustomer(draft.customer))
)

const saleStep = createStep("bare-create-sale", async (input: { draft: ErpOrderDraft; customer: ErpCustomerRef }) => {
  const sale = await adapter().createSalesOrder({ ...input.draft, customer: input.customer, firstAttempt: true })
  return new StepResponse({ externalId: sale.externalId, number: sale.number, state: sale.state })
})

export const benchBareErpSaleWorkflow = createWorkflow("bench-bare-erp-sale", (input: BareErpSaleInput) => {
  const draft = mapStep(input)
  const customer = customerStep(draft)
  return new WorkflowResponse(saleStep({ draft, customer }))
})
