import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { isDone } from "../../../modules/integration-hub/models/sync-record"
import { hubOf } from "../../../sync/hub"
import type { ExchangeSales } from "../../sync-exchanges-to-erp/plan"
import { createSyncStep } from "../../sync-step"
import type { PlannedDelivery } from "../plan"

export const findDeliverySalesStepId = "find-delivery-sales"

type Input = { connection_id: string; order_id: string; order_number: string; sale_external_id: string; deliveries: PlannedDelivery[] }
export type DeliveryToRecord = PlannedDelivery & { sale_external_id: string }

/**
 * The sale each delivery's lines were sold on: the order's own, or its exchange's or claim's (through the exchange
 * record). A delivery of an exchange's items waits (retryable) while that exchange is still on its way to the ERP.
 */
export const findDeliverySalesStep = createSyncStep(
  findDeliverySalesStepId,
  async (input: Input, { container }) => {
    if (input.deliveries.every((d) => d.subject.kind === "order")) {
      return new StepResponse<DeliveryToRecord[]>(input.deliveries.map((d) => ({ ...d, sale_external_id: input.sale_external_id })))
    }
    const [record] = await hubOf(container).listSyncRecords({ connection_id: input.connection_id, entity_type: "order", entity_id: input.order_id, operation: "exchanges" })
    const sales = (isDone(record?.status) ? (record!.baseline as { sales?: ExchangeSales } | null)?.sales : null) ?? {}
    return new StepResponse<DeliveryToRecord[]>(input.deliveries.map((d) => {
      if (d.subject.kind === "order") return { ...d, sale_external_id: input.sale_external_id }
      const sale = sales[d.subject.change_id]
      if (!sale || sale.cancelled) {
        throw new IntegrationError(
          `Fulfillment ${d.fulfillment_id} of order #${input.order_number} ships items of ${d.subject.change_id}, whose sale is ${sale?.cancelled ? `cancelled in ${input.connection_id}: ship them in the ERP by hand, then mark this record resolved` : `not in ${input.connection_id} yet: recorded once it is (will retry)`}`,
          { connectionId: input.connection_id, code: sale?.cancelled ? "exchange_cancelled" : "exchange_not_synced", retryable: !sale }
        )
      }
      return { ...d, sale_external_id: sale.external_id }
    }))
  },
  undefined,
  { label: { does: "find the sales the goods were sold on" } }
)
