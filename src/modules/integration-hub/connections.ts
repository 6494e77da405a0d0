import { MedusaError } from "@medusajs/framework/utils"
import type { Logger } from "@medusajs/framework/types"
import type Redis from "ioredis"
import { CallLogSink, CallRecorder } from "../../lib/http/call-recorder"
import { CircuitBreaker } from "../../lib/http/circuit-breaker"
import { HttpClient } from "../../lib/http/client"
import type { VendorRetryAfter } from "../../lib/http/classify"
import { ConnectionGuard, RetryBudget } from "../../lib/http/guard"
import { ConnectionRateLimiter } from "../../lib/http/rate-limit"
import { secretValues } from "../../lib/http/redact"
import { BUILT_IN_PROVIDERS } from "../../providers/registry"
import type { ConnectionKind, CredentialStore, IntegrationProvider, IntegrationProviderClass, ProviderOfKind, ProviderStateStore } from "../../providers/types"
import { formatIssues, safeParseWithRequired } from "../../lib/zod-issues"
import { ConnectionConfig, PluginOptions, pluginOptionsSchema } from "./options"

function optionsError(lines: string[]): MedusaError {
  return new MedusaError(
    MedusaError.Types.INVALID_DATA,
    `medusa-integration-hub: invalid plugin options:\n${lines.map((l) => `  - ${l}`).join("\n")}`
  )
}

/**
 * Loads a connection's provider class: a built-in name, or a resolve path / package exporting
 * `ModuleProvider(..., { services: [Provider] })` (or the class itself) that implements the same interface.
 * Returns the problem, naming the option, when there is none.
 */
function findProviderClass(
  provider: string,
  index: number,
  load: (path: string) => unknown
): IntegrationProviderClass | string {
  const builtIn = BUILT_IN_PROVIDERS[provider]
  if (builtIn) return builtIn
  const path = `connections[${index}].provider`
  let mod: unknown
  try {
    mod = load(provider)
  } catch (err) {
    const known = Object.keys(BUILT_IN_PROVIDERS).map((n) => `"${n}"`).join(", ")
    return `${path}: "${provider}" is neither a built-in provider (${known}) nor a path that resolves (${(err as Error).message.split("\n")[0]})`
  }
  const exported = (mod as { default?: unknown }).default ?? mod
  const candidate = (exported as { services?: unknown[] }).services?.[0] ?? exported
  if (typeof candidate !== "function" || typeof (candidate as { validateOptions?: unknown }).validateOptions !== "function") {
    return `${path}: "${provider}" does not export a provider class (ModuleProvider with services: [YourProvider] and a static validateOptions)`
  }
  return candidate as IntegrationProviderClass
}

const requireFromApp = (p: string) => require(require.resolve(p, { paths: [process.cwd()] }))

export function resolveProviderClass(
  provider: string,
  index: number,
  load: (path: string) => unknown = requireFromApp
): IntegrationProviderClass {
  const found = findProviderClass(provider, index, load)
  if (typeof found === "string") throw optionsError([found])
  return found
}

/** What is wrong with one connection's provider and provider options (checked even when other options are wrong). */
function providerProblems(raw: unknown, i: number): string[] {
  if (!raw || typeof raw !== "object") return []
  const { provider, kind, options } = raw as Record<string, unknown>
  if (typeof provider !== "string" || !provider) return []
  const Provider = findProviderClass(provider, i, requireFromApp)
  if (typeof Provider === "string") return [Provider]
  const problems: string[] = []
  if (typeof kind === "string" && Provider.kind !== kind) {
    problems.push(`connections[${i}].kind: provider "${provider}" is an ${Provider.kind} provider, but the connection says "${kind}"`)
  }
  if (options === undefined || (typeof options === "object" && options !== null && !Array.isArray(options))) {
    try {
      Provider.validateOptions((options ?? {}) as Record<string, unknown>)
    } catch (err) {
      for (const line of (err as Error).message.split("\n")) problems.push(`connections[${i}].options.${line}`)
    }
  }
  return problems
}

/** Validates the whole plugin options object, including each connection's provider options. Throws one error listing every problem. */
export function validatePluginOptions(raw: unknown): PluginOptions {
  const parsed = safeParseWithRequired(pluginOptionsSchema, raw ?? {})
  const problems = parsed.success ? [] : formatIssues(parsed.error)
  const connections = (raw as { connections?: unknown } | null)?.connections
  if (Array.isArray(connections)) connections.forEach((c, i) => problems.push(...providerProblems(c, i)))
  if (problems.length || !parsed.success) throw optionsError([...new Set(problems)])
  return parsed.data
}

type RegistryServices = {
  logSink: CallLogSink
  stateFor: (connectionId: string) => ProviderStateStore
  credentialsFor: (connectionId: string) => CredentialStore
  logger: Logger
  redis?: Redis
  /** Called when a connection's circuit closes again: its waiting records may go now. */
  onRecovered?: (connectionId: string) => void
}

/** A connection the registry runs: from medusa-config, or stored from the admin (then with its version and secrets). */
type Entry = {
  config: ConnectionConfig
  provider: IntegrationProvider
  guard: ConnectionGuard
  source: "config" | "stored"
  /** Every credential of the connection, scrubbed from whatever it logs or answers. */
  secrets: string[]
  /** The stored row and version it was built from ("icon_…:3"); null for a configured one. */
  revision: string | null
}

/** A connection kept in the database, its secrets opened, ready to run; `revision` is its row id and version. */
export type StoredConnectionConfig = { config: ConnectionConfig; secrets: string[]; revision: string }

/**
 * The live provider instance and the guard (rate limit, circuit breaker, in-place retries) of every connection:
 * those of medusa-config, built once at boot, and those stored from the admin, replaced whenever their version
 * changes (`applyStored`). A configured connection wins on an id clash.
 */
export class ConnectionRegistry {
  private readonly entries = new Map<string, Entry>()

  constructor(options: PluginOptions, private readonly services: RegistryServices) {
    options.connections.forEach((connection, i) => {
      this.entries.set(connection.id, this.build(connection, resolveProviderClass(connection.provider, i), "config", secretValues(connection.options), null))
    })
  }

  private build(connection: ConnectionConfig, Provider: IntegrationProviderClass, source: Entry["source"], secrets: string[], revision: string | null): Entry {
    const { logSink, stateFor, credentialsFor, logger, redis, onRecovered } = this.services
    const guard = new ConnectionGuard(connection.id, {
      limiter: new ConnectionRateLimiter(connection.id, connection.rateLimit ?? Provider.defaultRateLimit, redis),
      breaker: new CircuitBreaker(connection.id, connection.circuitBreaker, redis, (state, detail) => {
        const line = `integration-hub: connection "${connection.id}" circuit ${state.replace("_", "-")}: ${detail}`
        if (state === "open") logger.warn(line)
        else logger.info(line)
        if (state === "closed") onRecovered?.(connection.id)
      }),
      budget: new RetryBudget(connection.retry.inPlace.budgetRatio),
      policy: connection.retry.inPlace,
      timeoutMs: connection.timeoutMs,
    })
    // Every credential of the options, at any depth, not only the ones the provider names: a log row keeps none.
    const createRecorder = (named: string[]) =>
      new CallRecorder({
        connectionId: connection.id,
        secrets: [...new Set([...named, ...secrets])],
        log: logSink,
        onLogError: (err) => logger.warn(`integration-hub: could not write integration log: ${(err as Error).message}`),
        guard,
      })
    const createHttpClient = (baseURL: string, named: string[], opts: { retryAfter?: VendorRetryAfter } = {}) =>
      new HttpClient({ baseURL, timeoutMs: connection.timeoutMs, guard, recorder: createRecorder(named), retryAfter: opts.retryAfter })
    const { id, kind, mode, timeoutMs } = connection
    const deps = { connection: { id, kind, mode, timeoutMs }, createHttpClient, createRecorder, state: stateFor(id), logger, credentials: credentialsFor(id) }
    return { config: connection, provider: new Provider(deps, connection.options), guard, source, secrets, revision }
  }

  /**
   * Takes the connections stored from the admin: new ones are built, those whose version changed are rebuilt, those
   * no longer stored are dropped. A stored connection with the id of a configured one is not taken (returned, so the
   * caller can say so).
   */
  applyStored(stored: StoredConnectionConfig[]): { clashes: string[] } {
    const clashes: string[] = []
    const seen = new Set<string>()
    for (const s of stored) {
      const current = this.entries.get(s.config.id)
      if (current?.source === "config") {
        clashes.push(s.config.id)
        continue
      }
      seen.add(s.config.id)
      if (current?.revision === s.revision) continue
      this.entries.set(s.config.id, this.build(s.config, resolveProviderClass(s.config.provider, 0), "stored", s.secrets, s.revision))
    }
    for (const [id, entry] of this.entries) if (entry.source === "stored" && !seen.has(id)) this.entries.delete(id)
    return { clashes }
  }

  connections(filter: { kind?: ConnectionConfig["kind"]; enabledOnly?: boolean } = {}): ConnectionConfig[] {
    return [...this.entries.values()]
      .map((e) => e.config)
      .filter((c) => (!filter.kind || c.kind === filter.kind) && (!filter.enabledOnly || c.enabled))
  }

  /** A provider for options not saved yet (Test connection before saving): its own guard, not registered. */
  trial(config: ConnectionConfig, secrets: string[]): IntegrationProvider {
    return this.build(config, resolveProviderClass(config.provider, 0), "stored", [...secrets, ...secretValues(config.options)], null).provider
  }

  /** The connection, or undefined when none has this id (any more). */
  find(id: string): ConnectionConfig | undefined {
    return this.entries.get(id)?.config
  }

  /** Where the connection comes from: medusa-config (read-only in the admin) or the admin (stored). */
  sourceOf(id: string): Entry["source"] | undefined {
    return this.entries.get(id)?.source
  }

  /** Credential values of the connection, to scrub from any text that leaves the server. */
  secretsOf(id: string): string[] {
    return this.entries.get(id)?.secrets ?? []
  }

  private entry(id: string): Entry {
    const found = this.entries.get(id)
    if (!found) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `No integration connection "${id}" is configured (plugin options connections[].id, or Integrations → Add connection)`)
    }
    return found
  }

  connection(id: string): ConnectionConfig {
    return this.entry(id).config
  }

  /** The connection's guard: its rate limit, circuit breaker and in-place retries. */
  guard(id: string): ConnectionGuard {
    return this.entry(id).guard
  }

  /** The connection's provider, checked to be of `kind` when one is given. */
  provider<K extends ConnectionKind>(id: string, kind: K): ProviderOfKind[K]
  provider(id: string): IntegrationProvider
  provider(id: string, kind?: ConnectionKind): IntegrationProvider {
    const { config: connection, provider } = this.entry(id)
    if (kind && connection.kind !== kind) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `Connection "${id}" is a ${connection.kind} connection, not ${kind === "erp" ? "an ERP" : `a ${kind}`} connection`)
    }
    return provider
  }
}
