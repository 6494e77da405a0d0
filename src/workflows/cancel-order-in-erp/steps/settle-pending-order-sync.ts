import { isDone } from "../../../modules/integration-hub/models/sync-record"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { createSyncStep } from "../../sync-step"
import { IntegrationError } from "../../../lib/errors"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type { SyncStatus } from "../../../modules/integration-hub/models/sync-record"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"

export const settlePendingOrderSyncStepId = "settle-pending-order-sync"

type Previous = { id: string; status: SyncStatus; next_attempt_at: Date | null; result_summary: string | null }

/**
 * Before cancelling in the ERP, stops an order's create-sync that has not reached it (pending, failed,
 * dead → skipped), and waits (retryable error) while one is running, so a late create cannot follow the cancel.
 * Compensation restores the create-sync as it was.
 */
export const settlePendingOrderSyncStep = createSyncStep(
  settlePendingOrderSyncStepId,
  async (input: { connection_id: string; order_id: string }, { container }) => {
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    const [create] = await hub.listSyncRecords({
      connection_id: input.connection_id,
      entity_type: "order",
      entity_id: input.order_id,
      operation: "create",
    })
    if (!create) return new StepResponse<{ external_id: string | null }, Previous | null>({ external_id: null }, null)
    if (create.status === "running") {
      throw new IntegrationError(
        `Order ${input.order_id} is still being sent to ${input.connection_id}; its cancellation will be retried once that finishes`,
        { connectionId: input.connection_id, code: "create_in_progress", retryable: true }
      )
    }
    if (isDone(create.status) || create.status === "skipped") {
      return new StepResponse<{ external_id: string | null }, Previous | null>({ external_id: create.external_id }, null)
    }
    const previous: Previous = {
      id: create.id,
      status: create.status,
      next_attempt_at: create.next_attempt_at,
      result_summary: create.result_summary,
    }
    await hub.updateSyncRecords({
      id: create.id,
      status: "skipped",
      skip_code: "canceled_before_sent",
      next_attempt_at: null,
      result_summary: "order was canceled in Medusa before it reached this system; not sent",
    })
    return new StepResponse<{ external_id: string | null }, Previous | null>({ external_id: create.external_id }, previous)
  },
  async (previous, { container }) => {
    if (!previous) return
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    await hub.updateSyncRecords({ ...previous, skip_code: null })
  },
  { label: { does: "stop a sync that has not reached the ERP yet", undoes: "restore the sync record as it was" } }
)
