import type { Context, Logger } from "@medusajs/framework/types"
import { generateEntityId, InjectManager, MedusaContext, MedusaService } from "@medusajs/framework/utils"
import type { SqlEntityManager } from "@medusajs/framework/mikro-orm/knex"
import type { CallLogEntry } from "../../lib/http/call-recorder"
import type { ErpProvider, IntegrationProvider, ProviderStateStore } from "../../providers/types"
import { ConnectionRegistry, validatePluginOptions } from "./connections"
import { IntegrationLog } from "./models/integration-log"
import { ProviderState } from "./models/provider-state"
import { SyncRecord } from "./models/sync-record"
import { WebhookEvent } from "./models/webhook-event"
import type { ConnectionConfig, PluginOptions } from "./options"

type InjectedDependencies = { logger: Logger }

export type SyncIntent = {
  connection_id: string
  entity_type: string
  entity_id: string
  operation: string
  external_ref: string | null
}

/** What the claim hands the engine: enough to run the record without reading it again. */
export type ClaimedSyncRecord = Pick<SyncIntent, "connection_id" | "entity_type" | "entity_id" | "operation"> & {
  id: string
  attempts: number
}

/** How long a claimed record stays ours; a crashed process's record is picked up again after it. */
const LEASE_MS = 5 * 60_000
/** A pending record younger than this is left to the subscriber that created it. */
const PENDING_GRACE_MS = 30_000

export default class IntegrationHubModuleService extends MedusaService({ SyncRecord, IntegrationLog, WebhookEvent, ProviderState }) {
  protected readonly options_: PluginOptions
  protected readonly logger_: Logger
  private registry_?: ConnectionRegistry

  constructor(deps: InjectedDependencies, options: unknown) {
    // MedusaService wires its generated methods from the constructor's own arguments.
    super(...(arguments as unknown as [InjectedDependencies]))
    this.options_ = validatePluginOptions(options)
    this.logger_ = deps.logger
  }

  private get registry(): ConnectionRegistry {
    this.registry_ ??= new ConnectionRegistry(this.options_, {
      logSink: (entry) => this.writeCallLog(entry),
      stateFor: (connectionId) => this.stateStore(connectionId),
      logger: this.logger_,
    })
    return this.registry_
  }

  listConnections(filter: { kind?: ConnectionConfig["kind"]; enabledOnly?: boolean } = {}): ConnectionConfig[] {
    return this.registry.connections(filter)
  }

  getConnection(id: string): ConnectionConfig {
    return this.registry.connection(id)
  }

  getProvider(connectionId: string): IntegrationProvider {
    return this.registry.provider(connectionId)
  }

  getErpProvider(connectionId: string): ErpProvider {
    return this.registry.erp(connectionId)
  }

  /** One INSERT per external call: the log is written on every call of every sync, so it stays off the ORM. */
  @InjectManager()
  protected async writeCallLog(entry: CallLogEntry, @MedusaContext() sharedContext: Context<SqlEntityManager> = {}): Promise<void> {
    await sharedContext.manager!.execute(
      `INSERT INTO integration_log (id, connection_id, direction, operation, status, http_status, duration_ms, sync_record_id,
         entity_type, entity_id, external_id, attempt, request, response, error)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?)`,
      [
        generateEntityId(undefined, "ilog"), entry.connection_id, entry.direction, entry.operation, entry.status,
        entry.http_status, Math.round(entry.duration_ms), entry.sync_record_id, entry.entity_type, entry.entity_id,
        entry.external_id, entry.attempt, jsonOrNull(entry.request), jsonOrNull(entry.response), entry.error,
      ]
    )
  }

  private stateStore(connectionId: string): ProviderStateStore {
    return {
      get: async <T>(key: string) => ((await this.providerStateQuery(
        `SELECT value FROM provider_state WHERE connection_id = ? AND key = ? AND deleted_at IS NULL`, [connectionId, key]
      ))[0]?.value ?? null) as T | null,
      set: async (key, value) => {
        await this.providerStateQuery(
          `INSERT INTO provider_state (id, connection_id, key, value) VALUES (?, ?, ?, ?::jsonb)
           ON CONFLICT (connection_id, key) WHERE deleted_at IS NULL DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
          [generateEntityId(undefined, "ipst"), connectionId, key, JSON.stringify(value)]
        )
      },
      delete: async (key) => {
        await this.providerStateQuery(`DELETE FROM provider_state WHERE connection_id = ? AND key = ?`, [connectionId, key])
      },
      next: async (key) => {
        const [row] = await this.providerStateQuery(
          `INSERT INTO provider_state (id, connection_id, key, value) VALUES (?, ?, ?, '{"count": 1}'::jsonb)
           ON CONFLICT (connection_id, key) WHERE deleted_at IS NULL
           DO UPDATE SET value = jsonb_build_object('count', (provider_state.value->>'count')::int + 1), updated_at = now()
           RETURNING value`,
          [generateEntityId(undefined, "ipst"), connectionId, key]
        )
        return Number((row.value as { count: number }).count)
      },
      consume: async <T extends { count: number }>(key: string) => ((await this.providerStateQuery(
        `UPDATE provider_state SET value = jsonb_set(value, '{count}', to_jsonb((value->>'count')::int - 1)), updated_at = now()
          WHERE connection_id = ? AND key = ? AND deleted_at IS NULL AND (value->>'count')::int > 0
          RETURNING value`,
        [connectionId, key]
      ))[0]?.value ?? null) as T | null,
    }
  }

  @InjectManager()
  protected async providerStateQuery(
    sql: string,
    params: unknown[],
    @MedusaContext() sharedContext: Context<SqlEntityManager> = {}
  ): Promise<Array<{ value: unknown }>> {
    return sharedContext.manager!.execute<Array<{ value: unknown }>>(sql, params)
  }

  /** Creates the sync records that do not exist yet (unique per connection+entity+operation); returns all of them. */
  @InjectManager()
  async ensureSyncRecords(
    intents: SyncIntent[],
    @MedusaContext() sharedContext: Context<SqlEntityManager> = {}
  ): Promise<Array<{ id: string; status: string }>> {
    if (!intents.length) return []
    const manager = sharedContext.manager!
    const values = intents.flatMap((i) => [generateEntityId(undefined, "isync"), i.connection_id, i.entity_type, i.entity_id, i.operation, i.external_ref])
    await manager.execute(
      `INSERT INTO sync_record (id, connection_id, entity_type, entity_id, operation, external_ref, status, attempts)
       VALUES ${intents.map(() => "(?, ?, ?, ?, ?, ?, 'pending', 0)").join(", ")}
       ON CONFLICT (connection_id, entity_type, entity_id, operation) WHERE deleted_at IS NULL DO NOTHING`,
      values
    )
    const rows: Array<{ id: string; status: string }> = []
    for (const i of intents) {
      const found = await manager.execute<Array<{ id: string; status: string }>>(
        `SELECT id, status FROM sync_record WHERE deleted_at IS NULL AND connection_id = ? AND entity_type = ? AND entity_id = ? AND operation = ?`,
        [i.connection_id, i.entity_type, i.entity_id, i.operation]
      )
      rows.push(...found)
    }
    return rows
  }

  /**
   * Atomically takes a record to run it: only one process wins, whatever the number of instances.
   * Without `force`, only pending, due failed, and abandoned running records are taken; with it
   * (a person pressed Retry) failed and dead records are taken at once.
   */
  @InjectManager()
  async claimSyncRecord(
    id: string,
    opts: { force?: boolean } = {},
    @MedusaContext() sharedContext: Context<SqlEntityManager> = {}
  ): Promise<ClaimedSyncRecord | null> {
    const rows = await sharedContext.manager!.execute<ClaimedSyncRecord[]>(
      `UPDATE sync_record
          SET status = 'running', attempts = attempts + 1, next_attempt_at = NULL,
              locked_until = now() + (? * interval '1 millisecond'), updated_at = now()
        WHERE id = ? AND deleted_at IS NULL AND (
              status = 'pending'
           OR (status = 'failed' AND next_attempt_at IS NOT NULL AND next_attempt_at <= now())
           OR (status = 'running' AND locked_until < now())
           OR (? AND status IN ('failed', 'dead')))
        RETURNING id, attempts, connection_id, entity_type, entity_id, operation`,
      [LEASE_MS, id, opts.force === true]
    )
    return rows[0] ?? null
  }

  /** Ids of records the retry job should run now, oldest due first. */
  @InjectManager()
  async listDueSyncRecordIds(
    limit: number,
    @MedusaContext() sharedContext: Context<SqlEntityManager> = {}
  ): Promise<string[]> {
    const rows = await sharedContext.manager!.execute<Array<{ id: string }>>(
      `SELECT id FROM sync_record
        WHERE deleted_at IS NULL AND (
              (status = 'failed' AND next_attempt_at <= now())
           OR (status = 'running' AND locked_until < now())
           OR (status = 'pending' AND created_at < now() - (? * interval '1 millisecond')))
        ORDER BY COALESCE(next_attempt_at, created_at) ASC
        LIMIT ?`,
      [PENDING_GRACE_MS, limit]
    )
    return rows.map((r) => r.id)
  }
}

/** A log body as a JSON object (arrays and scalars wrapped in `{ value }`), or null. */
function jsonOrNull(value: unknown): string | null {
  if (value === null || value === undefined) return null
  return JSON.stringify(typeof value === "object" && !Array.isArray(value) ? value : { value })
}
