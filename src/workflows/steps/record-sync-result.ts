import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { INTEGRATION_HUB_MODULE } from "../../modules/integration-hub"
import type IntegrationHubModuleService from "../../modules/integration-hub/service"

export type RecordSyncResultInput = {
  sync_record_id: string
  status: "synced" | "skipped"
  external_id: string | null
  external_number?: string | null
  summary: string
}

export const recordSyncResultStepId = "record-sync-result"

/** Marks a sync record done and keeps what the external system answered (its id, its number). */
export const recordSyncResultStep = createStep(
  recordSyncResultStepId,
  async (input: RecordSyncResultInput, { container }) => {
    const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
    const record = await hub.updateSyncRecords({
      id: input.sync_record_id,
      status: input.status,
      external_id: input.external_id,
      external_number: input.external_number ?? null,
      result_summary: input.summary,
      last_error: null,
      last_error_code: null,
      next_attempt_at: null,
      locked_until: null,
      synced_at: new Date(),
    })
    return new StepResponse(record)
  }
)
