import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { isDone } from "../modules/integration-hub/models/sync-record"
import { processSyncRecord } from "./engine"
import { hubOf } from "./hub"

type SyncRecordRow = Awaited<ReturnType<IntegrationHubModuleService["retrieveSyncRecord"]>>

/**
 * A person asked to run this record now. Failed, dead and pending records run at once, and so does one
 * skipped in shadow mode once its connection is live; synced and other skipped ones are left alone (and say
 * so); a running one is refused, and so is one whose connection is disabled (paused).
 */
export async function retrySyncRecordNow(
  container: MedusaContainer,
  id: string
): Promise<{ record: SyncRecordRow; retried: boolean; message: string }> {
  const hub = hubOf(container)
  const [record] = await hub.listSyncRecords({ id })
  if (!record) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync record "${id}" does not exist`)
  const label = `${record.entity_type} ${record.entity_id} ${record.direction === "in" ? "←" : "→"} ${record.connection_id}`
  const connection = hub.findConnection(record.connection_id)
  if (connection && !connection.enabled) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${record.connection_id}" is disabled, so its records are paused (${label}); enable it to resume them`)
  }
  if (isDone(record.status)) {
    return { record, retried: false, message: `Already ${record.status} (${label}${record.external_number ? `, ${record.external_number}` : ""}); nothing to retry` }
  }
  const sendable = record.skip_code === "shadow" && !!connection && (await hub.modeOf(connection.id)) === "live"
  if (record.status === "skipped" && !sendable) {
    return { record, retried: false, message: `Skipped on purpose: ${record.result_summary ?? "no reason recorded"}; nothing to retry` }
  }
  if (record.status === "running") {
    throw new MedusaError(MedusaError.Types.CONFLICT, `Sync record "${id}" (${label}) is running right now; try again in a moment`)
  }
  const after = await processSyncRecord(container, id, { force: true, trigger: "manual" })
  if (!after) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync record "${id}" was deleted while it ran`)
  const what = after.entity_type.charAt(0).toUpperCase() + after.entity_type.slice(1)
  const message =
    isDone(after.status)
      ? `${what} ${after.operation === "cancel" ? "cancellation " : ""}${after.status} ${after.direction === "in" ? "from" : "to"} ${after.connection_id}${after.external_number ? ` (${after.external_number})` : ""}`
      : after.status === "running"
        ? `Another process is running it (${label})`
        : `Still ${after.status}: ${after.last_error ?? after.result_summary ?? "see the log"}`
  return { record: after, retried: true, message }
}
