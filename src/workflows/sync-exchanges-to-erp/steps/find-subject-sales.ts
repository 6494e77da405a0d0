import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { isDone } from "../../../modules/integration-hub/models/sync-record"
import { hubOf } from "../../../sync/hub"
import { createSyncStep } from "../../sync-step"
import type { ExchangeSales } from "../plan"
import type { SaleSubject } from "../sent-out"

export const findSubjectSalesStepId = "find-subject-sales"

type Input = {
  connection_id: string
  order_id: string
  order_number: string
  /** The order's own sale in the ERP. */
  sale_external_id: string
  /** What each thing is ("Fulfillment ful_…", "Return return_…") and whose goods it moves. */
  items: Array<{ label: string; subject: SaleSubject }>
}

/**
 * The ERP sale of each item's goods, in the items' order: the order's own, or its exchange's or claim's (through
 * the exchange record). Goods of an exchange still on its way to the ERP wait for it (retryable); of one whose sale
 * was cancelled, are refused in words.
 */
export const findSubjectSalesStep = createSyncStep(
  findSubjectSalesStepId,
  async (input: Input, { container }) => {
    if (input.items.every((i) => i.subject.kind === "order")) return new StepResponse<string[]>(input.items.map(() => input.sale_external_id))
    const [record] = await hubOf(container).listSyncRecords({ connection_id: input.connection_id, entity_type: "order", entity_id: input.order_id, operation: "exchanges" })
    const sales = (isDone(record?.status) ? (record!.baseline as { sales?: ExchangeSales } | null)?.sales : null) ?? {}
    return new StepResponse<string[]>(input.items.map(({ label, subject }) => {
      if (subject.kind === "order") return input.sale_external_id
      const sale = sales[subject.change_id]
      if (sale && !sale.cancelled) return sale.external_id
      throw new IntegrationError(
        `${label} of order #${input.order_number} moves items of ${subject.change_id}, whose sale is ${sale ? `cancelled in ${input.connection_id}: move them in the ERP by hand, then mark this record resolved` : `not in ${input.connection_id} yet: recorded once it is (will retry)`}`,
        { connectionId: input.connection_id, code: sale ? "exchange_cancelled" : "exchange_not_synced", retryable: !sale }
      )
    }))
  },
  undefined,
  { label: { does: "find the sales the goods were sold on" } }
)
