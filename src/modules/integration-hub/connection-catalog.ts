import type { ILockingModule, Logger } from "@medusajs/framework/types"
import type { CredentialStore, IntegrationProvider } from "../../providers/types"
import { ConnectionAuditEntry, recordConnectionAudit } from "./connection-audit"
import { ConnectionRegistry, resolveProviderClass } from "./connections"
import { createCredentialStore } from "./credential-store"
import { ConnectionConfig, decodeKey, PluginOptions } from "./options"
import { createProviderStateStore } from "./provider-state-store"
import { SecretStore } from "./secret-store"
import { secretPathsOf, StoredConnections } from "./stored-connections"
import { StoredConnectionSync } from "./stored-connection-sync"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/**
 * The connections staff manage from the admin, next to the registry that runs every connection: their secrets (the
 * SecretStore under `encryptionKey`), their rows and the poll that keeps this instance in step, the OAuth tokens and
 * the lock their refreshes take, and the audit. The hub's module service holds one (`hub.catalog`).
 */
export class ConnectionCatalog {
  readonly secrets: SecretStore
  private readonly sync: StoredConnectionSync
  private locking_?: () => ILockingModule

  constructor(private readonly execute: Execute, private readonly options: PluginOptions, private readonly registry: () => ConnectionRegistry, logger: Logger) {
    this.secrets = new SecretStore(execute, options.encryptionKey ? decodeKey(options.encryptionKey) : null)
    this.sync = new StoredConnectionSync(new StoredConnections(execute, this.secrets, (id) => options.connections.some((c) => c.id === id)), registry, logger)
  }

  /** The connections created from the admin: read, written (audited) and opened. */
  get stored(): StoredConnections {
    return this.sync.store
  }

  /** Resolves once the stored connections were read (when the app starts); later changes arrive by polling. */
  ready(): Promise<void> {
    return this.sync.ready()
  }

  /** Reads the stored connections now (after a change made on this instance: it runs here at once). */
  refresh(): Promise<void> {
    return this.sync.refresh()
  }

  /** Polls for changes made on any instance, until `stop`. */
  start(): void {
    this.sync.start()
  }

  stop(): void {
    this.sync.stop()
  }

  /** Stored connections that cannot run, with the reason (shown in the admin, said once in the log). */
  get problems(): Map<string, string> {
    return this.sync.problems
  }

  /** Where a connection comes from: "config" (medusa-config, read-only in the admin) or "stored" (the admin). */
  sourceOf(id: string): "config" | "stored" | undefined {
    return this.registry().sourceOf(id)
  }

  /** A provider built for settings that are not saved (Test connection before saving), with its own guard. */
  trial(config: ConnectionConfig, secrets: string[]): IntegrationProvider {
    return this.registry().trial(config, secrets)
  }

  /** The options that hold a connection's credentials (its provider's secret fields), to name when they are refused. */
  credentialOptionsOf(connectionId: string): string[] {
    const connection = this.registry().find(connectionId)
    return connection ? secretPathsOf(resolveProviderClass(connection.provider, 0), connection.options) : []
  }

  /** Writes who did what to a connection (option names, never values). */
  audit(entry: ConnectionAuditEntry): Promise<void> {
    return recordConnectionAudit(this.execute, entry)
  }

  /** A connection's durable key/value state (provider_state). */
  providerState(connectionId: string) {
    return createProviderStateStore(connectionId, this.execute)
  }

  /** Takes (reads and deletes, in one statement) a connection's state value: a second take finds nothing. */
  async takeProviderState<T>(connectionId: string, key: string): Promise<T | null> {
    const [row] = await this.execute<{ value: T }>(`DELETE FROM provider_state WHERE connection_id = ? AND key = ? AND deleted_at IS NULL RETURNING value`, [connectionId, key])
    return row?.value ?? null
  }

  /** The CredentialStore a connection's provider gets: its OAuth tokens, sealed in its stored row. */
  credentialsFor(connectionId: string): CredentialStore {
    return createCredentialStore(connectionId, {
      execute: this.execute,
      secrets: this.secrets,
      lock: (key, fn) => this.withLock(key, fn),
      onRevoked: (id, reason) => this.audit({ connection_id: id, action: "oauth_revoked", actor_id: null, changed: null, note: reason }),
    })
  }

  /**
   * The app's locking module, handed over by the code that holds the app's container (the hub's module container
   * has no other modules): OAuth refreshes take one lock across every instance through it.
   */
  useLocking(resolve: () => ILockingModule): void {
    this.locking_ ??= resolve
  }

  private async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    if (!this.locking_) throw new Error(`integration-hub: no locking module was handed to the hub yet, so "${key}" cannot be taken across instances`)
    return this.locking_().execute(key, fn, { timeout: 30 })
  }
}
