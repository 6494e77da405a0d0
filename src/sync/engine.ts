import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { retryDelayMs } from "../lib/backoff"
import { runAsBatchGroup } from "../lib/batch-group"
import { describeFailure, IntegrationError } from "../lib/errors"
import { CIRCUIT_OPEN } from "../lib/http/circuit-breaker"
import { redactString } from "../lib/http/redact"
import { runInSyncContext } from "../lib/run-context"
import { shareReads } from "../lib/shared-reads"
import type { ConnectionConfig } from "../modules/integration-hub/options"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { ClaimedSyncRecord, LEASE_MS, Settlement } from "../modules/integration-hub/service"
import { noteConnectionOutcome } from "./alerts"
import { hubOf } from "./hub"
import { holdLease, LeaseHold } from "./lease"
import { findSyncOperation, runnerFor, syncOperation } from "./operations"

export type EffectRequest = { entity_type: string; entity_id: string; operation: string }
export type SyncTrigger = "event" | "retry" | "sweep" | "manual" | "webhook" | "backfill" | "reconciliation"

/**
 * How long a subscriber lets the request that emitted the event finish answering before it starts the
 * sync: the local event bus delivers order.placed while checkout is still building its response, and the
 * sync's queries would otherwise compete with it. If the process dies meanwhile, the sweep catches up.
 */
export const START_AFTER_EVENT_MS = 250

/**
 * Records the effect on every enabled connection of the operation's kind (one durable row each; the same
 * content requested again changes nothing, new content re-runs it) and runs each record now — unless the app is
 * shutting down, when nothing new is started.
 * Safe to call for every delivery of an event, concurrently too.
 */
export async function requestEffect(
  container: MedusaContainer,
  request: EffectRequest,
  opts: { startAfterMs?: number; trigger?: SyncTrigger } = {}
): Promise<void> {
  const hub = hubOf(container)
  if (opts.startAfterMs) await new Promise((resolve) => setTimeout(resolve, opts.startAfterMs))
  // Shutting down: the database may be gone already. The catch-up sweep gives the entity its record after the restart.
  if (hub.stopping) return
  const op = syncOperation(request.entity_type, request.operation)
  // The connections stored from the admin are read when the app starts; an event cannot come earlier, but never count on it.
  await hub.catalog.ready()
  const enabled = hub.listConnections({ kind: op.kind, enabledOnly: true }).filter((c) => !op.serves || op.serves(c))
  const concerned = op.connectionsFor ? new Set(await op.connectionsFor(container, request.entity_id)) : null
  const connections = concerned ? enabled.filter((c) => concerned.has(c.id)) : enabled
  if (!connections.length) return
  // The revision's read of the entity is the run's, when the run follows at once (lib/shared-reads).
  await shareReads(async () => {
    const revision = op.revision ? await op.revision(container, request.entity_id) : null
    const records = await hub.requestEffects(
      connections.map((c) => ({
        connection_id: c.id,
        effect_key: op.effectKey(request.entity_id),
        ...request,
        external_ref: op.externalRef(request.entity_id),
        revision,
      }))
    )
    for (const record of records) {
      if (record.status !== "pending" || hub.stopping) continue
      try {
        await processSyncRecord(container, record.id, { trigger: opts.trigger ?? "event" })
      } catch (err) {
        // The app shut down under the run: its claim lapses and the record runs again after the restart.
        if (!hub.stopping) throw err
      }
    }
  })
}

/**
 * Runs one sync record if it is ours to run (an atomic claim: concurrent callers and instances cannot
 * run it twice; records of a disabled connection are paused and not taken), then settles it with the
 * claim's fencing token: synced | skipped | failed with a retry | dead | failed for a person.
 * Whatever goes wrong after the claim settles the record; nothing is left `running`. Returns the record as it
 * is afterwards (null if it no longer exists).
 * `force` (a person asked) runs failed, dead and shadow-skipped records at once.
 */
export async function processSyncRecord(
  container: MedusaContainer,
  id: string,
  opts: { force?: boolean; trigger?: SyncTrigger; leaseMs?: number } = {}
) {
  const hub = hubOf(container)
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const claimed = await hub.claimSyncRecord(id, { ...opts, trigger: opts.trigger ?? "event", excludeConnections: hub.pausedConnectionIds() })
  if (!claimed) return current(hub, id)

  const lease = holdLease(hub, claimed, opts.leaseMs ?? LEASE_MS, logger)
  let settlement: Settlement
  try {
    settlement = await runClaimed(container, claimed, lease.hold, opts.trigger ?? "event")
  } catch (err) {
    settlement = settlementFor(err, claimed, hub.findConnection(claimed.connection_id))
  } finally {
    lease.release()
  }
  const secrets = hub.connectionSecrets(claimed.connection_id)
  if ("error" in settlement) settlement.error = redactString(settlement.error, secrets)
  const applied = await hub.settleSyncRecord(id, claimed.claim_token, settlement)
  if (applied && claimed.direction === "in") await hub.settleWebhookEvent(id, settlement)
  report(logger, claimed, settlement, applied)
  if (applied) await noteConnectionOutcome(container, claimed.connection_id, settlement).catch((err) => {
    logger.warn(`integration-hub: could not update the alert state of connection "${claimed.connection_id}": ${(err as Error).message}`)
  })
  const after = await current(hub, id)
  // New content was requested while this run was sending the old (whatever became of the old): send it now, as one more run.
  if (applied && after?.status === "pending" && !hub.stopping) return processSyncRecord(container, id, { ...opts, force: false })
  return after
}

/** The record as it is now; null when it was deleted meanwhile (by hand, or a test truncating tables). */
const current = async (hub: IntegrationHubModuleService, id: string) => (await hub.listSyncRecords({ id }))[0] ?? null

async function runClaimed(container: MedusaContainer, claimed: ClaimedSyncRecord, lease: LeaseHold, trigger: SyncTrigger): Promise<Settlement> {
  const hub = hubOf(container)
  const connection = hub.findConnection(claimed.connection_id)
  if (!connection) {
    throw new IntegrationError(
      `Connection "${claimed.connection_id}" is no longer configured (plugin options connections[].id), so this record cannot run. Add the connection back and retry, or leave the record as it is.`,
      { connectionId: claimed.connection_id, code: "unknown_connection", retryable: false }
    )
  }
  const run = runnerFor(claimed)
  const shadow = (await hub.modeOf(connection.id)) === "shadow"
  const { result, errors = [] } = await runInSyncContext(
    {
      syncRecordId: claimed.id,
      entityType: claimed.entity_type,
      entityId: claimed.entity_id,
      attempt: claimed.attempts,
      // Only the run an event starts at once: a sweep, a backfill or a person may be catching up on a record made again.
      firstRun: claimed.attempts === 1 && !claimed.external_id && trigger === "event",
      direction: claimed.direction,
      lease,
    },
    () =>
      run(container, {
        sync_record_id: claimed.id,
        connection_id: claimed.connection_id,
        entity_id: claimed.entity_id,
        shadow,
        corrections: claimed.corrections,
      })
  )
  if (errors.length) return settlementFor(errors[0].error, claimed, connection)
  return result ?? { status: "synced", summary: "done" }
}

/**
 * The outcome of a failure: skipped, permanent (waits for a person), deferred (the circuit is open: the attempt
 * is given back), retry later, or dead once the budget is spent, in attempts or in time since the first failure.
 */
export function settlementFor(
  err: unknown,
  claimed: Pick<ClaimedSyncRecord, "attempts" | "failing_since">,
  connection: ConnectionConfig | undefined,
  now = Date.now()
): Settlement {
  const failure = describeFailure(err)
  if (failure.skip) return { status: "skipped", summary: failure.message, skip_code: failure.skipCode ?? "skipped" }
  if (!failure.retryable || !connection) return { status: "failed", error: failure.message, code: failure.code, next_attempt_at: null }
  const { retry } = connection
  if (failure.code === CIRCUIT_OPEN) {
    // Spread the waiting records past the probe (up to 5 s), so they do not all return in one instant.
    const wait = failure.retryAfterMs ?? retry.baseDelayMs
    const delay = wait + Math.floor(Math.random() * Math.min(5_000, wait))
    return { status: "deferred", error: failure.message, code: failure.code, next_attempt_at: new Date(now + delay) }
  }
  const failingFor = claimed.failing_since ? now - new Date(claimed.failing_since).getTime() : 0
  if (claimed.attempts >= retry.maxAttempts || failingFor >= retry.maxAgeMs) {
    const budget = claimed.attempts >= retry.maxAttempts ? `${claimed.attempts} attempts` : `${duration(failingFor)} of failing (retry.maxAgeMs)`
    return { status: "dead", error: `${failure.message.replace(/ \(will retry\)$/, "")} — gave up after ${budget}`, code: failure.code }
  }
  const delay = retryDelayMs(claimed.attempts, retry, { retryAfterMs: failure.retryAfterMs })
  return { status: "failed", error: failure.message, code: failure.code, next_attempt_at: new Date(now + delay) }
}

/** "45 min", "73 h": how long, in a unit a store owner reads at a glance. */
const duration = (ms: number) => (ms < 3_600_000 ? `${Math.max(1, Math.round(ms / 60_000))} min` : `${Math.round(ms / 3_600_000)} h`)

/** One server log line per outcome that needs attention; messages were redacted before they got here. */
function report(logger: Logger, r: ClaimedSyncRecord, s: Settlement, applied: boolean) {
  const label = `${r.entity_type} ${r.entity_id} ${r.direction === "in" ? "←" : "→"} ${r.connection_id} (${r.operation})`
  if (!applied) {
    logger.warn(`integration-hub: ${label}: this run's lease expired and another run took the record over; its outcome (${s.status}) was not applied`)
  } else if (s.status === "skipped") {
    logger.info(`integration-hub: skipped ${label}: ${s.summary}`)
  } else if (s.status === "dead") {
    logger.error(`integration-hub: ${label} is dead: ${s.error}`)
  } else if (s.status === "failed") {
    logger.warn(
      s.next_attempt_at
        ? `integration-hub: ${label} failed (attempt ${r.attempts}), retry at ${s.next_attempt_at.toISOString()}: ${s.error}`
        : `integration-hub: ${label} needs a person: ${s.error}`
    )
  }
}

/** How many records of a batchable operation run side by side, sharing their provider calls. */
export const BATCH_GROUP_SIZE = 50

/**
 * Runs these records, `concurrency` at a time; one that throws does not stop the others. Records of a batchable
 * operation run first, BATCH_GROUP_SIZE at a time in a batch group, so that their provider calls are shared.
 */
export async function runRecords(container: MedusaContainer, ids: string[], trigger: SyncTrigger, concurrency = 1): Promise<void> {
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const runOne = async (id: string) => {
    try {
      await processSyncRecord(container, id, { trigger })
    } catch (err) {
      logger.warn(`integration-hub: could not run sync record ${id} (${trigger}): ${redactString((err as Error).message)}`)
    }
  }
  const batchable = await batchableRecordIds(hubOf(container), ids)
  const grouped = ids.filter((id) => batchable.has(id))
  for (let i = 0; i < grouped.length; i += BATCH_GROUP_SIZE) await runAsBatchGroup(grouped.slice(i, i + BATCH_GROUP_SIZE).map((id) => () => runOne(id)))
  const queue = ids.filter((id) => !batchable.has(id))
  const worker = async () => {
    for (let id = queue.shift(); id; id = queue.shift()) await runOne(id)
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, worker))
}

/** Of these records, the outbound ones whose operation is batchable (none when fewer than two could share a call). */
async function batchableRecordIds(hub: IntegrationHubModuleService, ids: string[]): Promise<Set<string>> {
  if (ids.length < 2) return new Set()
  const records = await hub.listSyncRecords({ id: ids }, { select: ["id", "direction", "entity_type", "operation"] })
  const batchable = records.filter((r) => r.direction === "out" && findSyncOperation(`${r.entity_type}.${r.operation}`)?.batchable)
  return new Set(batchable.length > 1 ? batchable.map((r) => r.id) : [])
}

/** Records the retry job runs side by side: each connection's rate limit and circuit still bound what reaches it. */
const RETRY_CONCURRENCY = 4

/**
 * Runs every record whose retry is due (and abandoned ones), except on paused connections and on connections
 * whose circuit is open (their records wait, spending nothing), batch after batch until none is due or
 * `budgetMs` has passed. Returns how many it ran, and whether it stopped on the budget with work left.
 */
export async function drainDueSyncs(container: MedusaContainer, opts: { limit?: number; budgetMs?: number } = {}): Promise<{ ran: number; exhausted: boolean }> {
  const { limit = 50, budgetMs = 50_000 } = opts
  const hub = hubOf(container)
  await hub.catalog.ready()
  const started = Date.now()
  let ran = 0
  const seen = new Set<string>()
  for (;;) {
    if (Date.now() - started >= budgetMs) return { ran, exhausted: true }
    const { waiting } = await waitingConnections(hub)
    const ids = (await hub.listDueSyncRecordIds(waiting, limit)).filter((id) => !seen.has(id))
    if (!ids.length) return { ran, exhausted: false }
    ids.forEach((id) => seen.add(id))
    await runRecords(container, ids, "retry", RETRY_CONCURRENCY)
    ran += ids.length
  }
}

/** `drainDueSyncs`, returning how many records it ran. */
export const runDueSyncs = async (container: MedusaContainer, limit = 50, budgetMs = 50_000): Promise<number> =>
  (await drainDueSyncs(container, { limit, budgetMs })).ran

/**
 * How far ahead the background drain looks: a retry coming due within it is run when it comes due (the drain
 * sleeps until then); later ones are left to the next run of the retry job.
 */
const DRAIN_HORIZON_MS = 60_000
/** The shortest sleep between two drains, so that a record due but not runnable (e.g. just claimed) cannot spin it. */
const DRAIN_MIN_GAP_MS = 250

let backgroundDrain: Promise<void> | null = null

/**
 * Keeps the retries going between runs of the retry job, one drain per process: a backlog larger than one run
 * drains at the connection's rate limit instead of in bursts a minute apart, and a retry due in 5 s runs in
 * 5 s, not at the next full minute (the scheduler waits for a job to end before it plans the next one). Sleeps
 * until the next retry within DRAIN_HORIZON_MS, or until an open circuit may be probed; stops when nothing is
 * due within it, and when the app shuts down. Returns at once.
 */
export function keepDraining(container: MedusaContainer): void {
  if (backgroundDrain) return
  const logger = container.resolve<Logger>(ContainerRegistrationKeys.LOGGER)
  const hub = hubOf(container)
  backgroundDrain = (async () => {
    while (!hub.stopping) {
      if ((await drainDueSyncs(container)).exhausted) continue
      const wait = await msUntilNextRetry(hub)
      if (wait === null || hub.stopping) return
      await new Promise((resolve) => setTimeout(resolve, Math.max(DRAIN_MIN_GAP_MS, wait)).unref())
    }
  })()
    .catch((err) => logger.warn(`integration-hub: the background retry drain stopped: ${redactString((err as Error).message)}`))
    .finally(() => {
      backgroundDrain = null
    })
}

/** When the drain has work again within the horizon: the next retry due, or the next probe of an open circuit; null: none. */
async function msUntilNextRetry(hub: IntegrationHubModuleService): Promise<number | null> {
  const { waiting, probeAt } = await waitingConnections(hub)
  const due = await hub.msUntilNextRetry(waiting, DRAIN_HORIZON_MS)
  const probes = probeAt.map((at) => at - Date.now()).filter((ms) => ms < DRAIN_HORIZON_MS)
  const soonest = Math.min(...(due === null ? [] : [due]), ...probes)
  return Number.isFinite(soonest) ? Math.max(0, soonest) : null
}

/**
 * Connections whose records wait: paused ones, and those whose circuit is open (with when a probe may go).
 */
async function waitingConnections(hub: IntegrationHubModuleService): Promise<{ waiting: string[]; probeAt: number[] }> {
  const states = await Promise.all(
    hub.listConnections({ enabledOnly: true }).map(async (c) => ({ id: c.id, circuit: await hub.getGuard(c.id).breaker.snapshot() }))
  )
  const open = states.filter((s) => s.circuit.state === "open")
  return {
    waiting: [...hub.pausedConnectionIds(), ...open.map((s) => s.id)],
    probeAt: open.map((s) => (s.circuit.retry_at ? new Date(s.circuit.retry_at).getTime() : Date.now())),
  }
}
