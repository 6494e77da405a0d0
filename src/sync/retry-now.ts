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
  const pause = connection ? await hub.switches.pauseOf(connection.id) : null
  if (pause) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${record.connection_id}" is paused${pause.reason ? ` (${pause.reason})` : ""}, so its records wait (${label}); resume it on the Integrations page to run them`)
  }
  if (isDone(record.status)) {
    return { record, retried: false, message: `Already ${record.status} (${label}${record.external_number ? `, ${record.external_number}` : ""}); nothing to retry` }
  }
  // Held back in shadow mode and now live, or ignored by a person who now wants it run after all.
  const sendable = record.skip_code === "ignored" || (record.skip_code === "shadow" && !!connection && (await hub.modeOf(connection.id)) === "live")
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

export type BulkRetryResult = { id: string; retried: boolean; status: string | null; message: string; error: string | null }

/** Retries records one after the other, each audited as a bulk retry by `actorId`; a record that cannot be retried says why. */
export async function retrySyncRecordsNow(container: MedusaContainer, ids: string[], actorId: string | null) {
  const hub = hubOf(container)
  const results: BulkRetryResult[] = []
  for (const id of ids) {
    try {
      const outcome = await retrySyncRecordNow(container, id)
      if (outcome.retried) await hub.createSyncAudits({ sync_record_id: id, action: "bulk_retry", actor_id: actorId, note: outcome.message })
      results.push({ id, retried: outcome.retried, status: outcome.record.status, message: outcome.message, error: outcome.record.last_error })
    } catch (err) {
      results.push({ id, retried: false, status: null, message: (err as Error).message, error: null })
    }
  }
  return {
    results,
    count: results.length,
    synced: results.filter((r) => r.status === "synced" || r.status === "linked").length,
    failed: results.filter((r) => r.status === "failed" || r.status === "dead").length,
  }
}
