import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, generateEntityId, MedusaError } from "@medusajs/framework/utils"
import { describeFailure } from "../lib/errors"
import { redactString } from "../lib/http/redact"
import type { ConnectionConfig } from "../modules/integration-hub/options"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import type { Found } from "./drift"
import { hubOf } from "./hub"
import { reconcileCrm } from "./reconcile-crm"
import { reconcileErp } from "./reconcile-erp"
import { reconcilePayments } from "./reconcile-payments"

export { applyDriftFix } from "./drift-fixes"
export type { DriftFix } from "./drift"

type RunRow = Awaited<ReturnType<IntegrationHubModuleService["retrieveReconciliationRun"]>>

/** A run still `running` after this long was cut short (its process ended): it is closed, and another may start. */
const RUN_STALE_MS = 30 * 60_000
const CUT_SHORT = `cut short: still running ${RUN_STALE_MS / 60_000} min after it started (its process ended); a later run took over`

/**
 * Compares Medusa with one connection over the last `reconciliation.windowDays` days and records what differs as
 * drift items, each in words with the fixes the source-of-truth matrix allows. ERP: every order placed in the window
 * has its sale with the same total, lines and state (found by the hub's record, our reference, or legacyMatch), and
 * the ERP-owned stock Medusa shows is what the ERP's figures give. Payment gateway: payment states agree (the
 * payment drift check). CRM: each customer and order of the window has its contact and deal. Drift items of the
 * connection's earlier runs are superseded: the latest run is the report.
 * One run at a time per connection, whatever the number of instances (a unique index holds one running row): a
 * second start is refused (CONFLICT); a run still running after RUN_STALE_MS is closed as cut short first. Whatever
 * fails, the run ends failed with the error in words, never left running.
 */
export async function reconcileConnection(container: MedusaContainer, connectionId: string, opts: { trigger: "schedule" | "manual"; now?: Date; wait?: boolean }): Promise<RunRow> {
  const hub = hubOf(container)
  const connection = hub.getConnection(connectionId)
  if (!connection.enabled || connection.kind === "shipping") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" is ${connection.enabled ? "a shipping connection, which has nothing to reconcile (labels are checked as they are bought)" : "disabled"}`)
  }
  const now = opts.now ?? new Date()
  const from = new Date(now.getTime() - connection.reconciliation.windowDays * 86_400_000)
  const id = generateEntityId(undefined, "irec")
  // A stale run is closed first, so that its row no longer holds the connection's one running place.
  await hub.execute(
    `UPDATE reconciliation_run SET status = 'failed', error = ?, finished_at = now(), updated_at = now()
      WHERE connection_id = ? AND status = 'running' AND deleted_at IS NULL AND created_at <= now() - (? * interval '1 millisecond')`,
    [CUT_SHORT, connectionId, RUN_STALE_MS]
  )
  const [taken] = await hub.execute<{ id: string }>(
    `INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status) VALUES (?, ?, ?, ?, ?, 'running')
     ON CONFLICT (connection_id) WHERE status = 'running' AND deleted_at IS NULL DO NOTHING
     RETURNING id`,
    [id, connectionId, opts.trigger, from, now]
  )
  if (!taken) throw new MedusaError(MedusaError.Types.CONFLICT, `A reconciliation of "${connectionId}" is running already; its report appears when it ends`)
  const going = compareAndReport(container, connection, id, from, now)
  if (opts.wait === false) {
    // Its failures end up on the run row (and in the server log): nobody waits for this promise.
    going.catch(() => undefined)
    return hub.retrieveReconciliationRun(id)
  }
  return going
}

async function compareAndReport(container: MedusaContainer, connection: ConnectionConfig, id: string, from: Date, now: Date): Promise<RunRow> {
  const hub = hubOf(container)
  const checks = connection.kind === "erp" ? reconcileErp : connection.kind === "payment" ? reconcilePayments : reconcileCrm
  try {
    await saveReport(hub, connection.id, id, await checks(container, connection, from, now))
  } catch (err) {
    await failRun(container, connection.id, id, err)
  }
  return hub.retrieveReconciliationRun(id)
}

/**
 * The run's report in one statement: its drift items written, the connection's earlier open ones superseded, the run
 * done. All or nothing: a report that cannot be saved leaves the previous one standing. Only while the run is still
 * running: one closed as cut short meanwhile writes nothing (a later run has the connection).
 */
async function saveReport(hub: IntegrationHubModuleService, connectionId: string, id: string, found: Found): Promise<void> {
  const items = found.drifts.map((d) => ({ id: generateEntityId(undefined, "irdi"), ...d }))
  try {
    await hub.execute(
      `WITH run AS (
         UPDATE reconciliation_run SET status = 'done', checked = ?, drift_count = ?, finished_at = now(), updated_at = now()
          WHERE id = ? AND status = 'running'
          RETURNING id
       ), superseded AS (
         UPDATE drift_item SET status = 'superseded', updated_at = now()
          WHERE connection_id = ? AND status = 'open' AND run_id <> ? AND deleted_at IS NULL AND EXISTS (SELECT 1 FROM run)
          RETURNING id
       ), inserted AS (
         INSERT INTO drift_item (id, run_id, connection_id, entity_type, entity_id, kind, message, details, fixes)
         SELECT d.id, ?, ?, d.entity_type, d.entity_id, d.kind, d.message, d.details, d.fixes
           FROM jsonb_to_recordset(?::jsonb) AS d(id text, entity_type text, entity_id text, kind text, message text, details jsonb, fixes jsonb)
          WHERE EXISTS (SELECT 1 FROM run)
          RETURNING id
       )
       SELECT (SELECT count(*) FROM run) AS done, (SELECT count(*) FROM superseded) AS superseded, (SELECT count(*) FROM inserted) AS inserted`,
      [found.checked, items.length, id, connectionId, id, id, connectionId, JSON.stringify(items)]
    )
  } catch (err) {
    throw new MedusaError(MedusaError.Types.DB_ERROR, `The report of this run (${items.length} drift item${items.length === 1 ? "" : "s"}) could not be saved: ${describeFailure(err).message}`)
  }
}

/**
 * Ends the run failed, with why in words (redacted). Never throws: a run that cannot even be marked (the database is
 * gone) is logged, and closed as cut short by the first run after RUN_STALE_MS.
 */
async function failRun(container: MedusaContainer, connectionId: string, id: string, err: unknown): Promise<void> {
  const hub = hubOf(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  // PostgreSQL stores no NUL character: the one text that must be written is kept writable.
  const message = redactString(describeFailure(err).message, hub.connectionSecrets(connectionId)).split("\u0000").join("")
  logger.warn(`integration-hub: the reconciliation of ${connectionId} failed: ${message}`)
  await hub.execute(`UPDATE reconciliation_run SET status = 'failed', error = ?, finished_at = now(), updated_at = now() WHERE id = ? AND status = 'running'`, [message, id]).catch((writeErr: unknown) => {
    logger.error(`integration-hub: the reconciliation ${id} of ${connectionId} failed (${message}) and could not be marked failed (${describeFailure(writeErr).message}); it shows as running until a run after ${RUN_STALE_MS / 60_000} min closes it`)
  })
}

/** Connections whose scheduled reconciliation is due (everyHours since their last scheduled run); reconciles each. */
export async function reconcileDueConnections(container: MedusaContainer, now = new Date()): Promise<number> {
  const hub = hubOf(container)
  let ran = 0
  for (const connection of hub.listConnections({ enabledOnly: true })) {
    const every = connection.reconciliation.everyHours
    if (!every || connection.kind === "shipping") continue
    const [last] = await hub.execute<{ created_at: Date }>(
      `SELECT created_at FROM reconciliation_run WHERE connection_id = ? AND trigger = 'schedule' AND deleted_at IS NULL ORDER BY created_at DESC LIMIT 1`, [connection.id]
    )
    if (last && now.getTime() - new Date(last.created_at).getTime() < every * 3_600_000 - 60_000) continue
    await reconcileConnection(container, connection.id, { trigger: "schedule", now }).catch((err: Error) => {
      container.resolve<Logger>(ContainerRegistrationKeys.LOGGER).warn(`integration-hub: could not reconcile ${connection.id}: ${err.message}`)
    })
    ran += 1
  }
  return ran
}

/**
 * How many days in a row, up to today (UTC), the connection's reconciliation was clean: a day counts when the last
 * run that finished that day found nothing (drift found and fixed the same day, then a clean run, counts); a day
 * without a run, or whose last run found drift, ends the streak. Today without a run yet does not end it.
 */
export async function cleanDays(hub: IntegrationHubModuleService, connectionId: string, today = new Date()): Promise<number> {
  const rows = await hub.execute<{ day: string; drift_count: number }>(
    `SELECT DISTINCT ON (1) to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, drift_count
       FROM reconciliation_run WHERE connection_id = ? AND status = 'done' AND deleted_at IS NULL AND created_at > ?
      ORDER BY 1, created_at DESC`,
    [connectionId, new Date(today.getTime() - MAX_STREAK_DAYS * 86_400_000)]
  )
  const byDay = new Map(rows.map((r) => [r.day, Number(r.drift_count)]))
  let streak = 0
  for (let d = 0; d < MAX_STREAK_DAYS; d++) {
    const drift = byDay.get(new Date(today.getTime() - d * 86_400_000).toISOString().slice(0, 10))
    if (drift === undefined && d === 0) continue
    if (drift === undefined || drift > 0) break
    streak += 1
  }
  return streak
}

/** How far back a clean streak is counted. */
const MAX_STREAK_DAYS = 120
