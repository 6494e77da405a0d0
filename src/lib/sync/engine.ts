import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { INTEGRATION_HUB_MODULE } from "../../modules/integration-hub"
import type IntegrationHubModuleService from "../../modules/integration-hub/service"
import { describeFailure } from "../errors"
import { retryDelayMs } from "./backoff"
import { runInSyncContext } from "./context"
import { syncOperation } from "./operations"

const hubOf = (container: MedusaContainer) => container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)

export type SyncRequest = { entity_type: string; entity_id: string; operation: string }

/**
 * How long a subscriber lets the request that emitted the event finish answering before it starts the
 * sync: the local event bus delivers order.placed while checkout is still building its response, and the
 * sync's queries would otherwise compete with it. If the process dies meanwhile, the sweep catches up.
 */
export const START_AFTER_EVENT_MS = 250

/**
 * Records the intent to sync (one durable row per enabled connection of the right kind, created once
 * however often it is requested) and runs each record now. Safe to call for every delivery of an event.
 */
export async function requestSync(
  container: MedusaContainer,
  request: SyncRequest,
  opts: { startAfterMs?: number } = {}
): Promise<void> {
  if (opts.startAfterMs) await new Promise((resolve) => setTimeout(resolve, opts.startAfterMs))
  const hub = hubOf(container)
  const op = syncOperation(request.entity_type, request.operation)
  const connections = hub.listConnections({ kind: op.kind, enabledOnly: true })
  const records = await hub.ensureSyncRecords(
    connections.map((c) => ({ connection_id: c.id, ...request, external_ref: op.externalRef(request.entity_id) }))
  )
  for (const record of records) await processSyncRecord(container, record.id)
}

/**
 * Runs one sync record if it is ours to run (an atomic claim: concurrent callers and instances
 * cannot run it twice), then settles it: synced | skipped | failed with a retry | dead | failed for a person.
 * `force` (a person asked) runs failed and dead records at once.
 */
export async function processSyncRecord(container: MedusaContainer, id: string, opts: { force?: boolean } = {}) {
  const hub = hubOf(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const record = await hub.claimSyncRecord(id, opts)
  if (!record) return hub.retrieveSyncRecord(id)

  const connection = hub.getConnection(record.connection_id)
  const op = syncOperation(record.entity_type, record.operation)
  const { errors } = await runInSyncContext(
    { syncRecordId: record.id, entityType: record.entity_type, entityId: record.entity_id, attempt: record.attempts },
    () =>
      op.run(container, {
        sync_record_id: record.id,
        connection_id: record.connection_id,
        entity_id: record.entity_id,
        shadow: connection.mode === "shadow",
      })
  )
  if (!errors.length) return hub.retrieveSyncRecord(id)

  const failure = describeFailure(errors[0].error)
  const label = `${record.entity_type} ${record.entity_id} → ${record.connection_id} (${record.operation})`
  const settle = (fields: Omit<Parameters<typeof hub.updateSyncRecords>[0], "id">) =>
    hub.updateSyncRecords({ id, locked_until: null, next_attempt_at: null, ...fields })
  if (failure.skip) {
    logger.info(`integration-hub: skipped ${label}: ${failure.message}`)
    return settle({ status: "skipped", result_summary: failure.message, last_error: null, last_error_code: null })
  }
  const failed = { last_error: failure.message, last_error_code: failure.code }
  const { maxAttempts } = connection.retry
  if (!failure.retryable) {
    logger.warn(`integration-hub: ${label} needs a person: ${failure.message}`)
    return settle({ status: "failed", ...failed })
  }
  if (record.attempts >= maxAttempts) {
    logger.error(`integration-hub: ${label} is dead after ${record.attempts} attempts: ${failure.message}`)
    return settle({ status: "dead", ...failed })
  }
  const delay = retryDelayMs(record.attempts, connection.retry, { retryAfterMs: failure.retryAfterMs })
  logger.warn(`integration-hub: ${label} failed (attempt ${record.attempts}/${maxAttempts}), retry in ${delay} ms: ${failure.message}`)
  return settle({ status: "failed", ...failed, next_attempt_at: new Date(Date.now() + delay) })
}

/** Runs every record whose retry is due (and abandoned ones). Returns how many were run. */
export async function runDueSyncs(container: MedusaContainer, limit = 50): Promise<number> {
  const ids = await hubOf(container).listDueSyncRecordIds(limit)
  for (const id of ids) await processSyncRecord(container, id)
  return ids.length
}
