import { isDone } from "../../../modules/integration-hub/models/sync-record"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError, SyncSkipped } from "../../../lib/errors"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import { createSyncStep } from "../../sync-step"

export const findErpSaleStepId = "find-erp-sale"

/**
 * The ERP's sale of the order, through the order's create-sync: a payment or refund waits (retryable) until the
 * sale is there (a return too), and is skipped, saying why, when the order never goes to this ERP or its provider does not keep
 * that (`needs`: the provider method the workflow calls next).
 */
export const findErpSaleStep = createSyncStep(
  findErpSaleStepId,
  async (input: { connection_id: string; order_id: string; order_number: string; needs: "recordPayment" | "recordRefund" | "createReturn" | "createSalesOrder" | "recordDelivery" }, { container }) => {
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    const what = { recordPayment: "payments", recordRefund: "refunds", createReturn: "returns", createSalesOrder: "exchanges and claims", recordDelivery: "deliveries" }[input.needs]
    if (!hub.getProvider(input.connection_id, "erp")[input.needs]) {
      throw new SyncSkipped(`the ${input.connection_id} provider does not record ${what}; nothing to send`, "not_supported")
    }
    const [create] = await hub.listSyncRecords({ connection_id: input.connection_id, entity_type: "order", entity_id: input.order_id, operation: "create" })
    if (create?.status === "skipped") throw new SyncSkipped(`order #${input.order_number} was not sent to ${input.connection_id} (${create.result_summary ?? "skipped"}); its ${what} are not sent either`, "order_not_sent")
    if (!isDone(create?.status) || !create?.external_id) {
      throw new IntegrationError(
        `The sale of order #${input.order_number} is not in ${input.connection_id} yet: its ${what} are recorded once the order has been sent (will retry)`,
        { connectionId: input.connection_id, code: "sale_not_synced", retryable: true }
      )
    }
    return new StepResponse({ sale_external_id: create.external_id })
  },
  undefined,
  { label: { does: "find the order's sale in the ERP" } }
)
