// Over 400 lines, for now: the hub's one Medusa module service holds the sync-record store (claims, fencing, settling),
// webhook receipts and connection state and modes. They are to become plain functions over `execute`, one file each,
// as connection-health.ts and webhook-rejections.ts already are (issue 28's first shape item).
import type { Context, Logger } from "@medusajs/framework/types"
import { generateEntityId, InjectManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import Redis from "ioredis"
import type { ConnectionGuard } from "../../lib/http/guard"
import type { CallLogEntry } from "../../lib/http/call-recorder"
import type { ConnectionKind, InboundEvent, IntegrationProvider, ProviderOfKind } from "../../providers/types"
import { ConnectionHealthRow, readConnectionHealth, recordConnectionOutcome } from "./connection-health"
import { ConnectionRegistry, validatePluginOptions } from "./connections"
import { ConnectionState } from "./models/connection-state"
import { IntegrationLog } from "./models/integration-log"
import { ConflictRecord } from "./models/conflict-record"
import { BackfillRun } from "./models/backfill-run"
import { DriftItem } from "./models/drift-item"
import { ReconciliationRun } from "./models/reconciliation-run"
import { ErpStockLevel } from "./models/erp-stock-level"
import { HealthBucket } from "./models/health-bucket"
import { AlertLog } from "./models/alert-log"
import { SecretKey } from "./models/secret-key"
import { StoredConnection } from "./models/stored-connection"
import { PaymentDrift } from "./models/payment-drift"
import { ProviderState } from "./models/provider-state"
import { SyncRecord } from "./models/sync-record"
import { SyncAudit } from "./models/sync-audit"
import { SyncRun } from "./models/sync-run"
import { WebhookEvent } from "./models/webhook-event"
import { timeZoneOf } from "./options"
import type { ConnectionConfig, PluginOptions } from "./options"
import { createProviderStateStore } from "./provider-state-store"
import { ConnectionSwitches } from "./connection-switches"
import { ConnectionAudit } from "./models/connection-audit"
import { ConnectionCatalog } from "./connection-catalog"
import { purgeRejectedWebhooksBefore, recordWebhookRejection, WebhookRejection } from "./webhook-rejections"

type InjectedDependencies = { logger: Logger }
type Ctx = Context<SqlEntityManager>

/** One effect someone wants on one connection. */
export type EffectIntent = {
  connection_id: string
  /** Stable identity of the effect on the connection, e.g. "order:order_01…:create". */
  effect_key: string
  direction?: "out" | "in"
  entity_type: string
  entity_id: string
  operation: string
  external_ref: string | null
  /** Content revision (hash of what would be sent); null for once-only effects. */
  revision: string | null
}

type WebhookReceiptInput = {
  connection_id: string
  event: InboundEvent
  payload_hash: string
  payload_size: number
  /** The receipt's integration_log row: how long verifying took, and a summary of the request. */
  receipt: { duration_ms: number; request: Record<string, unknown> }
}
type StoredWebhookEvent = { id: string; sync_record_id: string | null; duplicate: boolean }

type EffectRow = { id: string; status: string; effect_key: string; connection_id: string }

/** What the claim hands the engine: enough to run the record without reading it again. */
export type ClaimedSyncRecord = {
  id: string
  /** Fencing token: only the run holding it may settle the record. */
  claim_token: string
  attempts: number
  connection_id: string
  effect_key: string
  direction: "out" | "in"
  entity_type: string
  entity_id: string
  operation: string
  revision: string | null
  external_ref: string | null
  external_id: string | null
  /** Start of the current run of failures; null when the last run did not fail. */
  failing_since: Date | null
  /** Staff's corrections to the data it sends (edit-and-retry). */
  corrections: Record<string, string | null> | null
}

/** How a run ended, as the engine decided it. */
export type Settlement =
  | { status: "synced"; external_id?: string | null; external_number?: string | null; summary: string; linked?: boolean }
  | { status: "skipped"; summary: string; skip_code: string }
  | { status: "failed"; error: string; code: string; next_attempt_at: Date | null }
  | { status: "dead"; error: string; code: string }
  /** The connection's circuit was open: nothing was sent, the attempt is given back, the record waits. */
  | { status: "deferred"; error: string; code: string; next_attempt_at: Date }

/**
 * Default lease of a claim. A live run renews it every third of it (the engine's heartbeat); short, so what a
 * crashed process held is taken again within half a minute.
 */
export const LEASE_MS = 30_000
/** A pending record younger than this is left to the subscriber that created it. */
const PENDING_GRACE_MS = 30_000

const CLAIMED_COLUMNS =
  "id, attempts, connection_id, effect_key, direction, entity_type, entity_id, operation, revision, external_ref, external_id, failing_since, corrections"

export default class IntegrationHubModuleService extends MedusaService({
  SyncRecord,
  SyncRun,
  SyncAudit,
  IntegrationLog,
  WebhookEvent,
  ProviderState,
  ConnectionState,
  PaymentDrift,
  ErpStockLevel,
  ConflictRecord,
  BackfillRun,
  ReconciliationRun,
  DriftItem,
  HealthBucket,
  AlertLog,
  SecretKey,
  StoredConnection,
  ConnectionAudit,
}) {
  protected readonly options_: PluginOptions
  protected readonly logger_: Logger
  private registry_?: ConnectionRegistry
  private catalog_?: ConnectionCatalog
  private redis_?: Redis

  private stopping_ = false

  /** Stops the background retry drain and closes the Redis connection with the app (Medusa calls module hooks on shutdown). */
  __hooks = {
    /** The app is up (migrated, before it listens): the connections stored from the admin run from now on. */
    onApplicationStart: async () => {
      await this.catalog.ready()
      this.catalog.start()
    },
    onApplicationPrepareShutdown: async () => {
      this.stopping_ = true
      this.catalog_?.stop()
    },
    onApplicationShutdown: async () => {
      this.stopping_ = true
      this.catalog_?.stop()
      await this.redis_?.quit().catch(() => undefined)
    },
  }

  /** The app is shutting down: start no new background work. */
  get stopping(): boolean {
    return this.stopping_
  }

  constructor(deps: InjectedDependencies, options: unknown) {
    // MedusaService wires its generated methods from the constructor's own arguments.
    super(...(arguments as unknown as [InjectedDependencies]))
    this.options_ = validatePluginOptions(options)
    this.logger_ = deps.logger
  }

  private get registry(): ConnectionRegistry {
    this.registry_ ??= new ConnectionRegistry(this.options_, {
      logSink: (entry) => this.writeCallLog(entry),
      stateFor: (connectionId) => createProviderStateStore(connectionId, (sql, params) => this.execute(sql, params)),
      credentialsFor: (connectionId) => this.catalog.credentialsFor(connectionId),
      logger: this.logger_,
      redis: this.sharedRedis(),
      onRecovered: (connectionId) => {
        this.releaseDeferred(connectionId).catch((err) =>
          this.logger_.warn(`integration-hub: could not release the records waiting on connection "${connectionId}": ${(err as Error).message}`)
        )
      },
    })
    return this.registry_
  }

  /** The connections staff manage from the admin: secrets, stored rows, OAuth tokens, audit. */
  get catalog(): ConnectionCatalog {
    this.catalog_ ??= new ConnectionCatalog((sql, params) => this.execute(sql, params), this.options_, () => this.registry, this.logger_)
    return this.catalog_
  }

  /** The circuit closed again: records that waited for it are due now (the retry job sends them, rate-limited). */
  async releaseDeferred(connectionId: string): Promise<number> {
    const rows = await this.execute(
      `UPDATE sync_record SET next_attempt_at = now(), updated_at = now()
        WHERE connection_id = ? AND deleted_at IS NULL AND status = 'failed' AND last_error_code = 'circuit_open' AND next_attempt_at > now()
        RETURNING id`,
      [connectionId]
    )
    return rows.length
  }

  /**
   * One Redis connection for the shared rate limits and circuit states, when `redisUrl` is set. Commands fail
   * fast while it is down (no offline queue), and the limiters and breakers fall back to this process's own counts.
   */
  private sharedRedis(): Redis | undefined {
    if (!this.options_.redisUrl) return undefined
    if (!this.redis_) {
      this.redis_ = new Redis(this.options_.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 })
      // ioredis reconnects by itself; meanwhile every command falls back (see above), so errors are not news.
      this.redis_.on("error", () => undefined)
    }
    return this.redis_
  }

  /** The connection's guard (rate limit, circuit breaker, in-place retries). */
  getGuard(connectionId: string): ConnectionGuard {
    return this.registry.guard(connectionId)
  }

  get pluginOptions(): PluginOptions {
    return this.options_
  }

  listConnections(filter: { kind?: ConnectionKind; enabledOnly?: boolean } = {}): ConnectionConfig[] {
    return this.registry.connections(filter)
  }

  /** The configured connection, or undefined when no connection has this id (any more). */
  findConnection(id: string): ConnectionConfig | undefined {
    return this.registry.find(id)
  }

  getConnection(id: string): ConnectionConfig {
    return this.registry.connection(id)
  }

  /** The provider of a connection, checked to be of `kind` when one is given. */
  getProvider<K extends ConnectionKind>(connectionId: string, kind: K): ProviderOfKind[K]
  getProvider(connectionId: string): IntegrationProvider
  getProvider(connectionId: string, kind?: ConnectionKind): IntegrationProvider {
    return kind ? this.registry.provider(connectionId, kind) : this.registry.provider(connectionId)
  }

  /** Credential values of a connection's options, to scrub from any text that leaves the server. */
  connectionSecrets(connectionId: string): string[] {
    return this.registry.secretsOf(connectionId)
  }

  /** One INSERT per external call: the log is written on every call of every sync, so it stays off the ORM. */
  async writeCallLog(entry: CallLogEntry): Promise<void> {
    await this.execute(
      `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, sync_record_id,
         entity_type, entity_id, external_id, attempt, request, response, error, step, compensation)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?)`,
      [
        generateEntityId(undefined, "ilog"), entry.connection_id, entry.direction, entry.operation, entry.status,
        entry.http_status, Math.round(entry.duration_ms), entry.sync_record_id, entry.entity_type, entry.entity_id,
        entry.external_id, entry.attempt, jsonOrNull(entry.request), jsonOrNull(entry.response), entry.error, entry.step ?? null, entry.compensation ?? false,
      ]
    )
  }

  /** Raw SQL on the module's own tables (the hot paths: claims, settles, call logs). */
  @InjectManager()
  async execute<T = Record<string, unknown>>(sql: string, params: unknown[], @MedusaContext() ctx: Ctx = {}): Promise<T[]> {
    return ctx.manager!.execute<T[]>(sql, params)
  }

  /**
   * Records effects (unique per connection + effect key) and returns every record with its status.
   * The same revision requested again changes nothing; a new revision puts a settled record back to
   * pending with a fresh attempt count (the effect runs again as an update). A running record keeps
   * running: it is told of the new revision when it settles.
   */
  async requestEffects(intents: EffectIntent[]): Promise<EffectRow[]> {
    if (!intents.length) return []
    const values = intents.flatMap((i) => [
      generateEntityId(undefined, "isync"), i.connection_id, i.effect_key, i.direction ?? "out", i.entity_type, i.entity_id,
      i.operation, i.external_ref, i.revision,
    ])
    return this.execute<EffectRow>(
      `INSERT INTO sync_record AS r (id, connection_id, effect_key, direction, entity_type, entity_id, operation, external_ref, revision, status, attempts)
       VALUES ${intents.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 0)").join(", ")}
       ON CONFLICT (connection_id, effect_key) WHERE deleted_at IS NULL DO UPDATE SET
         revision = EXCLUDED.revision,
         status = CASE WHEN r.status = 'running' THEN r.status ELSE 'pending' END,
         attempts = CASE WHEN r.status = 'running' THEN r.attempts ELSE 0 END,
         failing_since = CASE WHEN r.status = 'running' THEN r.failing_since ELSE NULL END,
         next_attempt_at = NULL, skip_code = NULL, updated_at = now()
       WHERE r.revision IS DISTINCT FROM EXCLUDED.revision
       RETURNING id, status, effect_key, connection_id`,
      values
    ).then(async (changed) => {
      // ON CONFLICT … WHERE returns nothing for untouched rows: read those back.
      const seen = new Set(changed.map((r) => `${r.connection_id}|${r.effect_key}`))
      const rest = intents.filter((i) => !seen.has(`${i.connection_id}|${i.effect_key}`))
      if (!rest.length) return changed
      const found = await this.execute<EffectRow>(
        `SELECT id, status, effect_key, connection_id FROM sync_record
          WHERE deleted_at IS NULL AND (connection_id, effect_key) IN (${rest.map(() => "(?, ?)").join(", ")})`,
        rest.flatMap((i) => [i.connection_id, i.effect_key])
      )
      return [...changed, ...found]
    })
  }

  /**
   * Atomically takes a record to run it and opens a run (whose id is the fencing token): only one
   * process wins, whatever the number of instances. Runs of the record left running (a crashed process) are
   * closed as fenced, saying so, so the history shows no run running forever. Without `force`, only pending, due failed and
   * abandoned running records are taken; with it (a person asked) failed, dead and shadow-skipped ones too.
   */
  async claimSyncRecord(
    id: string,
    opts: { force?: boolean; trigger?: string; leaseMs?: number; excludeConnections?: string[] } = {}
  ): Promise<ClaimedSyncRecord | null> {
    const token = generateEntityId(undefined, "isrun")
    const paused = opts.excludeConnections ?? []
    const rows = await this.execute<ClaimedSyncRecord>(
      `WITH claimed AS (
         UPDATE sync_record
            SET status = 'running', attempts = attempts + 1, next_attempt_at = NULL, claim_token = ?,
                locked_until = now() + (? * interval '1 millisecond'), updated_at = now()
          WHERE id = ? AND deleted_at IS NULL${paused.length ? ` AND connection_id NOT IN (${paused.map(() => "?").join(", ")})` : ""} AND (
                status = 'pending'
             OR (status = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= now())
             OR (status = 'running' AND locked_until < now())
             OR (? AND (status IN ('failed', 'dead') OR (status = 'skipped' AND skip_code = 'shadow'))))
          RETURNING ${CLAIMED_COLUMNS}
       ), run AS (
         INSERT INTO sync_run (id, sync_record_id, attempt, revision, trigger, status)
         SELECT ?, id, attempts, revision, ?, 'running' FROM claimed
       ), taken_over AS (
         -- A run still 'running' here lost the record: its process stopped (or stalled) past the lease.
         UPDATE sync_run SET status = 'fenced', finished_at = now(), updated_at = now(),
                error = 'this run stopped before it finished (its process ended or stalled past the lease); a later run took the record over'
          WHERE sync_record_id IN (SELECT id FROM claimed) AND status = 'running' AND deleted_at IS NULL
       )
       SELECT claimed.*, ?::text AS claim_token FROM claimed`,
      [token, opts.leaseMs ?? LEASE_MS, id, ...paused, opts.force === true, token, opts.trigger ?? "event", token]
    )
    return rows[0] ?? null
  }

  /** Extends a live run's lease; false when the run no longer holds the record (fenced out). */
  async extendLease(id: string, token: string, leaseMs = LEASE_MS): Promise<boolean> {
    const rows = await this.execute(
      `UPDATE sync_record SET locked_until = now() + (? * interval '1 millisecond')
        WHERE id = ? AND claim_token = ? AND status = 'running' RETURNING id`,
      [leaseMs, id, token]
    )
    return rows.length > 0
  }

  /**
   * Writes a run's outcome, only if the run still holds the record (fencing): a run whose lease expired
   * and was taken over cannot overwrite the newer run's outcome; its own run row says "fenced".
   * New content requested while the run worked (the record's revision is no longer the run's) leaves the record
   * pending for another run, whatever this run's outcome: a failure of the old content says nothing of the new.
   * One statement: the record, its run row and the auto-resolved earlier failures change together or not at all.
   * Returns false when fenced.
   */
  async settleSyncRecord(id: string, token: string, outcome: Settlement): Promise<boolean> {
    const synced = outcome.status === "synced"
    const failing = outcome.status === "failed" || outcome.status === "dead" || outcome.status === "deferred"
    const error = failing ? outcome.error : null
    const code = failing ? outcome.code : null
    const rows = await this.execute<{ id: string }>(
      `WITH settled AS (
         UPDATE sync_record r SET
           status = CASE WHEN r.revision IS DISTINCT FROM run.revision AND ?::text <> 'deferred' THEN 'pending'
                         WHEN ?::text = 'deferred' THEN 'failed' WHEN ?::boolean THEN 'linked' ELSE ?::text END,
           attempts = CASE WHEN ?::text = 'deferred' THEN GREATEST(r.attempts - 1, 0) ELSE r.attempts END,
           failing_since = CASE WHEN ?::boolean THEN COALESCE(r.failing_since, now()) ELSE NULL END,
           synced_revision = CASE WHEN ?::boolean THEN run.revision ELSE r.synced_revision END,
           synced_at = CASE WHEN ?::boolean THEN now() ELSE r.synced_at END,
           external_id = CASE WHEN ?::boolean AND ?::text IS NOT NULL THEN ?::text ELSE r.external_id END,
           external_number = CASE WHEN ?::boolean AND ?::text IS NOT NULL THEN ?::text ELSE r.external_number END,
           result_summary = COALESCE(?::text, r.result_summary),
           skip_code = ?::text,
           last_error = ?::text, last_error_code = ?::text,
           next_attempt_at = CASE WHEN r.revision IS DISTINCT FROM run.revision THEN NULL ELSE ?::timestamptz END,
           locked_until = NULL, claim_token = NULL, updated_at = now()
         FROM sync_run run
         WHERE r.id = ? AND r.claim_token = ? AND r.status = 'running' AND run.id = r.claim_token
         RETURNING r.id
       ), closed AS (
         UPDATE sync_run SET status = CASE WHEN EXISTS (SELECT 1 FROM settled) THEN ?::text ELSE 'fenced' END,
                finished_at = now(), summary = ?, error = ?, error_code = ?, external_id = ?, updated_at = now()
          WHERE id = ?
          RETURNING id
       ), resolved AS (
         -- Auto-resolve: once the effect went through, its earlier failures need nobody any more.
         UPDATE sync_run SET resolved_at = now()
          WHERE sync_record_id = ? AND id <> ? AND ?::boolean AND EXISTS (SELECT 1 FROM settled)
            AND status IN ('failed', 'dead', 'deferred') AND resolved_at IS NULL
          RETURNING id
       )
       SELECT id FROM settled, (SELECT count(*) FROM closed) c, (SELECT count(*) FROM resolved) v`,
      [
        outcome.status, outcome.status, synced && outcome.linked === true, outcome.status,
        outcome.status,
        failing,
        synced, synced,
        synced, externalOf(outcome, "external_id"), externalOf(outcome, "external_id"),
        synced, externalOf(outcome, "external_number"), externalOf(outcome, "external_number"),
        "summary" in outcome ? outcome.summary : null,
        outcome.status === "skipped" ? outcome.skip_code : null,
        error, code,
        outcome.status === "failed" || outcome.status === "deferred" ? outcome.next_attempt_at : null,
        id, token,
        outcome.status,
        "summary" in outcome ? outcome.summary : null,
        error, code, externalOf(outcome, "external_id"), token,
        id, token, synced,
      ]
    )
    return rows.length > 0
  }

  /**
   * Stores a verified inbound event once per (connection, vendor event id), the durable record that will apply
   * it and the receipt's log row. Receipts arriving together are written by one statement (group commit: one
   * round trip and one commit for a burst, atomic per statement); the promise resolves once they are durable.
   * A repeated event id stores nothing and says so.
   */
  storeWebhookEvent(input: WebhookReceiptInput): Promise<StoredWebhookEvent> {
    return new Promise((resolve, reject) => {
      this.receipts_.push({ input, resolve, reject })
      if (this.receipts_.length === 1) setImmediate(() => this.flushReceipts())
    })
  }

  private receipts_: Array<{ input: WebhookReceiptInput; resolve: (r: StoredWebhookEvent) => void; reject: (e: unknown) => void }> = []

  private async flushReceipts(): Promise<void> {
    const batch = this.receipts_.splice(0, this.receipts_.length)
    try {
      const rows = batch.map(({ input: { connection_id, event, payload_hash, payload_size, receipt } }) => [
        generateEntityId(undefined, "iwh"), connection_id, event.id, event.type, JSON.stringify(event.data), payload_hash, payload_size,
        event.occurredAt, event.subject?.entity_type ?? null, event.subject?.entity_id ?? null, generateEntityId(undefined, "isync"),
        generateEntityId(undefined, "ilog"), Math.round(receipt.duration_ms), JSON.stringify(receipt.request),
      ])
      const inserted = await this.execute<{ connection_id: string; provider_event_id: string; id: string; sync_record_id: string }>(
        `WITH input (id, connection_id, provider_event_id, event_type, payload, payload_hash, payload_size, occurred_at, entity_type,
                     entity_id, sync_record_id, log_id, duration_ms, request) AS (
           VALUES ${rows.map(() => "(?, ?, ?, ?, ?::jsonb, ?, ?::int, ?::timestamptz, ?, ?, ?, ?, ?::int, ?::jsonb)").join(", ")}
         ), event AS (
           INSERT INTO webhook_event (id, connection_id, provider_event_id, event_type, signature_valid, status, payload, payload_hash,
             payload_size, occurred_at, entity_type, entity_id, sync_record_id)
           SELECT id, connection_id, provider_event_id, event_type, true, 'received', payload, payload_hash, payload_size, occurred_at,
                  entity_type, entity_id, sync_record_id FROM input
           ON CONFLICT (connection_id, provider_event_id) WHERE deleted_at IS NULL DO NOTHING
           RETURNING id, connection_id, provider_event_id, sync_record_id, entity_type, entity_id
         ), record AS (
           INSERT INTO sync_record (id, connection_id, effect_key, direction, entity_type, entity_id, operation, external_ref, status, attempts)
           SELECT sync_record_id, connection_id, 'webhook:' || id, 'in', COALESCE(entity_type, 'webhook_event'), COALESCE(entity_id, id),
                  'webhook', provider_event_id, 'pending', 0 FROM event
         ), receipt AS (
           INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, external_id, request)
           SELECT log_id, connection_id, 'in', 'webhook.receive', 'success', 200, duration_ms, provider_event_id, request FROM input
         )
         SELECT connection_id, provider_event_id, id, sync_record_id FROM event`,
        rows.flat()
      )
      const key = (connectionId: string, eventId: string) => `${connectionId}\u0000${eventId}`
      const fresh = new Map(inserted.map((r) => [key(r.connection_id, r.provider_event_id), r]))
      const repeats = batch.filter(({ input }) => !fresh.has(key(input.connection_id, input.event.id)))
      const existing = repeats.length
        ? await this.execute<{ connection_id: string; provider_event_id: string; id: string; sync_record_id: string | null }>(
            `SELECT connection_id, provider_event_id, id, sync_record_id FROM webhook_event
              WHERE deleted_at IS NULL AND (connection_id, provider_event_id) IN (${repeats.map(() => "(?, ?)").join(", ")})`,
            repeats.flatMap(({ input }) => [input.connection_id, input.event.id])
          )
        : []
      const old = new Map(existing.map((r) => [key(r.connection_id, r.provider_event_id), r]))
      // The first of two deliveries of one event in the same batch stored it; the second is a repeat.
      const claimed = new Set<string>()
      for (const { input, resolve } of batch) {
        const k = key(input.connection_id, input.event.id)
        const row = fresh.get(k)
        if (row && !claimed.has(k)) {
          claimed.add(k)
          resolve({ id: row.id, sync_record_id: row.sync_record_id, duplicate: false })
        } else {
          const prior = row ?? old.get(k)!
          resolve({ id: prior.id, sync_record_id: prior.sync_record_id, duplicate: true })
        }
      }
    } catch (err) {
      batch.forEach(({ reject }) => reject(err))
    }
  }

  /**
   * Keeps a rejected delivery (why, and the body's hash and size, never the body itself), at most
   * webhooks.maxRejectionsPerMinute a minute per connection; beyond that it is only counted. The row's id, or null.
   */
  recordWebhookRejection(input: WebhookRejection): Promise<string | null> {
    const connection = this.findConnection(input.connection_id)
    const timeZone = connection ? timeZoneOf(this.options_, connection) : this.options_.timeZone
    return recordWebhookRejection((sql, params) => this.execute(sql, params), input, { perMinute: this.options_.webhooks.maxRejectionsPerMinute, timeZone })
  }

  /** Deletes rejected webhook deliveries older than `before`, `batch` rows per statement; returns how many went. */
  purgeRejectedWebhooksBefore(before: Date, batch = 5_000): Promise<number> {
    return purgeRejectedWebhooksBefore((sql, params) => this.execute(sql, params), before, batch)
  }

  /** Mirrors an inbound record's outcome on its webhook event (processed, ignored, failed, dead). */
  async settleWebhookEvent(syncRecordId: string, outcome: Settlement): Promise<void> {
    const status = { synced: "processed", skipped: "ignored", failed: "failed", deferred: "failed", dead: "dead" }[outcome.status]
    const error = "error" in outcome ? outcome.error : outcome.status === "skipped" ? outcome.summary : null
    await this.execute(
      `UPDATE webhook_event SET status = ?, error = ?, processed_at = CASE WHEN ? IN ('processed', 'ignored') THEN now() ELSE processed_at END, updated_at = now()
        WHERE sync_record_id = ?`,
      [status, error, status, syncRecordId]
    )
  }

  /**
   * Ids of records the retry job should run now, oldest due first, except on paused (disabled) connections.
   * Records of connections no longer configured are included: running them settles them as failed, with why.
   */
  async listDueSyncRecordIds(pausedConnectionIds: string[], limit: number): Promise<string[]> {
    const paused = pausedConnectionIds.length ? `AND connection_id NOT IN (${pausedConnectionIds.map(() => "?").join(", ")})` : ""
    const rows = await this.execute<{ id: string }>(
      `SELECT id FROM sync_record
        WHERE deleted_at IS NULL ${paused} AND (
              (status = 'failed' AND next_attempt_at <= now())
           OR (status = 'running' AND locked_until < now())
           OR (status = 'pending' AND updated_at < now() - (? * interval '1 millisecond')))
        ORDER BY COALESCE(next_attempt_at, updated_at) ASC
        LIMIT ?`,
      [...pausedConnectionIds, PENDING_GRACE_MS, limit]
    )
    return rows.map((r) => r.id)
  }

  /** Milliseconds until the next retry of a record not on these connections comes due, if one does within `horizonMs`; else null. */
  async msUntilNextRetry(waitingConnectionIds: string[], horizonMs: number): Promise<number | null> {
    const waiting = waitingConnectionIds.length ? `AND connection_id NOT IN (${waitingConnectionIds.map(() => "?").join(", ")})` : ""
    const [row] = await this.execute<{ ms: string | number | null }>(
      // Not GREATEST(0, …): PostgreSQL's GREATEST skips NULLs, so no retry at all would read as one due now.
      `SELECT EXTRACT(EPOCH FROM min(next_attempt_at) - now()) * 1000 AS ms FROM sync_record
        WHERE deleted_at IS NULL AND status = 'failed' AND next_attempt_at < now() + (? * interval '1 millisecond') ${waiting}`,
      [horizonMs, ...waitingConnectionIds]
    )
    return row?.ms === null || row?.ms === undefined ? null : Math.max(0, Math.ceil(Number(row.ms)))
  }

  /**
   * The durable per-connection state of these (enabled) connections, created on first sight: the moment
   * a connection is first seen enabled bounds what the catch-up sweep may send.
   */
  async ensureConnectionStates(connectionIds: string[]): Promise<Map<string, { first_enabled_at: Date; swept_until: Date | null }>> {
    if (!connectionIds.length) return new Map()
    await this.execute(
      `INSERT INTO connection_state (id, connection_id, first_enabled_at)
       VALUES ${connectionIds.map(() => "(?, ?, now())").join(", ")}
       ON CONFLICT (connection_id) WHERE deleted_at IS NULL DO NOTHING`,
      connectionIds.flatMap((c) => [generateEntityId(undefined, "icst"), c])
    )
    const rows = await this.execute<{ connection_id: string; first_enabled_at: Date; swept_until: Date | null }>(
      `SELECT connection_id, first_enabled_at, swept_until FROM connection_state
        WHERE deleted_at IS NULL AND connection_id IN (${connectionIds.map(() => "?").join(", ")})`,
      connectionIds
    )
    return new Map(rows.map((r) => [r.connection_id, { first_enabled_at: new Date(r.first_enabled_at), swept_until: r.swept_until && new Date(r.swept_until) }]))
  }

  /** Where the connection's stock imports stand: the changes cursor and the last full import (a row is made if missing). */
  async stockImportState(connectionId: string): Promise<{ cursor: string | null; full_at: Date | null }> {
    await this.ensureConnectionStates([connectionId])
    const [row] = await this.execute<{ stock_cursor: string | null; stock_full_at: Date | null }>(
      `SELECT stock_cursor, stock_full_at FROM connection_state WHERE deleted_at IS NULL AND connection_id = ?`, [connectionId]
    )
    return { cursor: row?.stock_cursor ?? null, full_at: row?.stock_full_at ? new Date(row.stock_full_at) : null }
  }

  /** After a stock import: its cursor for the next one, and (for a full import) when it finished; null cursor forgets it. */
  async saveStockImportState(connectionId: string, state: { cursor: string | null; fullAt?: Date }): Promise<void> {
    await this.execute(
      `UPDATE connection_state SET stock_cursor = ?, stock_full_at = COALESCE(?, stock_full_at), updated_at = now() WHERE deleted_at IS NULL AND connection_id = ?`,
      [state.cursor, state.fullAt ?? null, connectionId]
    )
  }

  /**
   * Remembers a page of the ERP's stock as imported (one statement): each SKU's forecast, the reservations counted
   * and the stocked quantity set, which marks those levels as the ERP's.
   */
  async rememberErpStock(rows: Array<{ connection_id: string; location_id: string; sku: string; inventory_item_id: string; forecast: number; counted_reserved: number; stocked: number }>): Promise<void> {
    if (!rows.length) return
    const now = new Date()
    await this.execute(
      `INSERT INTO erp_stock_level (id, connection_id, location_id, sku, inventory_item_id, forecast, counted_reserved, stocked, imported_at)
       VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
       ON CONFLICT (connection_id, location_id, sku) WHERE deleted_at IS NULL DO UPDATE SET
         inventory_item_id = excluded.inventory_item_id, forecast = excluded.forecast, counted_reserved = excluded.counted_reserved,
         stocked = excluded.stocked, imported_at = excluded.imported_at, updated_at = now()`,
      rows.flatMap((r) => [generateEntityId(undefined, "iesl"), r.connection_id, r.location_id, r.sku, r.inventory_item_id, r.forecast, r.counted_reserved, r.stocked, now])
    )
  }

  /** Drops the ERP's levels a full import (started at `before`) did not see again. */
  async forgetErpStockBefore(connectionId: string, before: Date): Promise<void> {
    await this.execute(`DELETE FROM erp_stock_level WHERE connection_id = ? AND imported_at < ?`, [connectionId, before])
  }

  /**
   * The other system is making a change the hub takes in (so it holds it already): a record synced at content `from`
   * takes `to` as synced, so the change's own event runs nothing. A record pending, failing or at another content
   * keeps its revision and runs as usual.
   */
  async advanceSyncedRevision(connectionId: string, effectKey: string, from: string, to: string): Promise<void> {
    await this.execute(
      `UPDATE sync_record SET revision = ?, synced_revision = ?, updated_at = now()
        WHERE deleted_at IS NULL AND connection_id = ? AND effect_key = ? AND status = 'synced' AND revision = ?`,
      [to, to, connectionId, effectKey, from]
    )
  }

  /** A two-way record's baseline: the fingerprints of what both sides hold now (null: unknown). */
  async saveBaseline(connectionId: string, effectKey: string, baseline: Record<string, unknown> | null): Promise<void> {
    await this.execute(
      `UPDATE sync_record SET baseline = ?::jsonb, updated_at = now() WHERE deleted_at IS NULL AND connection_id = ? AND effect_key = ?`,
      [baseline === null ? null : JSON.stringify(baseline), connectionId, effectKey]
    )
  }

  /** Puts settled records back to pending, to run again as they are (e.g. to send Medusa's value over a CRM edit that lost). */
  async requeueSettledRecords(connectionId: string, effectKeys: string[]): Promise<string[]> {
    if (!effectKeys.length) return []
    const rows = await this.execute<{ id: string }>(
      `UPDATE sync_record SET status = 'pending', attempts = 0, next_attempt_at = NULL, failing_since = NULL, skip_code = NULL, updated_at = now()
        WHERE deleted_at IS NULL AND connection_id = ? AND status IN ('synced', 'skipped') AND effect_key IN (${effectKeys.map(() => "?").join(", ")})
        RETURNING id`,
      [connectionId, ...effectKeys]
    )
    return rows.map((r) => r.id)
  }

  /** Where the connection's contact imports stand: the CRM's changes cursor (a row is made if missing). */
  async contactImportCursor(connectionId: string): Promise<string | null> {
    await this.ensureConnectionStates([connectionId])
    const [row] = await this.execute<{ contact_cursor: string | null }>(`SELECT contact_cursor FROM connection_state WHERE deleted_at IS NULL AND connection_id = ?`, [connectionId])
    return row?.contact_cursor ?? null
  }

  async saveContactImportCursor(connectionId: string, cursor: string): Promise<void> {
    await this.execute(`UPDATE connection_state SET contact_cursor = ?, updated_at = now() WHERE deleted_at IS NULL AND connection_id = ?`, [cursor, connectionId])
  }

  /** The next stock import of the connection reads every SKU (the admin's "full import"). */
  async requireFullStockImport(connectionId: string): Promise<void> {
    await this.ensureConnectionStates([connectionId])
    await this.execute(`UPDATE connection_state SET stock_full_at = NULL, updated_at = now() WHERE deleted_at IS NULL AND connection_id = ?`, [connectionId])
  }

  private switches_?: ConnectionSwitches
  /** What staff switched per connection (mode, pause), for every instance: see connection-switches.ts. */
  get switches(): ConnectionSwitches {
    return (this.switches_ ??= new ConnectionSwitches(
      (sql, params) => this.execute(sql, params),
      async (id) => void (await this.ensureConnectionStates([id])),
      (id) => this.findConnection(id)?.mode
    ))
  }

  /** The mode a connection runs in now (without waiting: as last read). */
  modeNow(connectionId: string): "live" | "shadow" {
    return this.switches.modeNow(connectionId)
  }

  /** The mode a connection runs in now: the one staff last switched it to (cutover), else its options' `mode`. */
  modeOf(connectionId: string): Promise<"live" | "shadow"> {
    return this.switches.modeOf(connectionId)
  }

  /** Whether a connection's records wait: disabled in its options, or paused from the admin (as last read). */
  isPaused(connectionId: string): boolean {
    const c = this.findConnection(connectionId)
    return !c || !c.enabled || this.switches.pauseNow(connectionId) !== null
  }

  /** The configured connections whose records wait now: disabled or paused (a removed one's records run, and fail saying why). */
  pausedConnectionIds(): string[] {
    return this.listConnections().filter((c) => this.isPaused(c.id)).map((c) => c.id)
  }

  /** Counts a run's outcome in the connection's durable streaks; says when an alert is due or may be lifted. */
  recordConnectionOutcome(connectionId: string, failed: boolean, threshold: number): Promise<"alert" | "recover" | null> {
    return recordConnectionOutcome((sql, params) => this.execute(sql, params), connectionId, failed, threshold)
  }

  /** Each connection's health as its tables tell it: calls and errors, the queue by state, the alert state. */
  connectionHealthRows(): Promise<Map<string, ConnectionHealthRow>> {
    return readConnectionHealth((sql, params) => this.execute(sql, params))
  }

  async setSweptUntil(connectionIds: string[], until: Date): Promise<void> {
    if (!connectionIds.length) return
    await this.execute(
      `UPDATE connection_state SET swept_until = ?, updated_at = now() WHERE deleted_at IS NULL AND connection_id IN (${connectionIds.map(() => "?").join(", ")})`,
      [until, ...connectionIds]
    )
  }

  /** Deletes integration_log rows older than `before`, `batch` rows per statement; returns how many went. */
  async purgeLogsBefore(before: Date, batch = 5_000): Promise<number> {
    let total = 0
    for (;;) {
      const rows = await this.execute(
        `DELETE FROM integration_log WHERE id IN (SELECT id FROM integration_log WHERE created_at < ? AND deleted_at IS NULL LIMIT ?) RETURNING id`,
        [before, batch]
      )
      total += rows.length
      if (rows.length < batch) return total
    }
  }
}

function externalOf(outcome: Settlement, key: "external_id" | "external_number"): string | null {
  return outcome.status === "synced" ? outcome[key] ?? null : null
}

/** A log body as a JSON object (arrays and scalars wrapped in `{ value }`), or null. */
function jsonOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return JSON.stringify(typeof value === "object" && !Array.isArray(value) ? value : { value })
}
