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
import type { ConnectionKind, IntegrationProvider, IntegrationProviderClass, ProviderOfKind, ProviderStateStore } from "../../providers/types"
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

/** The live provider instance and the guard (rate limit, circuit breaker, in-place retries) of every configured connection. */
export class ConnectionRegistry {
  private readonly providers = new Map<string, IntegrationProvider>()
  private readonly guards = new Map<string, ConnectionGuard>()

  constructor(
    private readonly options: PluginOptions,
    services: {
      logSink: CallLogSink
      stateFor: (connectionId: string) => ProviderStateStore
      logger: Logger
      redis?: Redis
      /** Called when a connection's circuit closes again: its waiting records may go now. */
      onRecovered?: (connectionId: string) => void
    }
  ) {
    const { logSink, stateFor, logger, redis, onRecovered } = services
    options.connections.forEach((connection, i) => {
      const Provider = resolveProviderClass(connection.provider, i)
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
      this.guards.set(connection.id, guard)
      // Every credential of the options, at any depth, not only the ones the provider names: a log row keeps none.
      const optionSecrets = secretValues(connection.options)
      const createRecorder = (secrets: string[]) =>
        new CallRecorder({
          connectionId: connection.id,
          secrets: [...new Set([...secrets, ...optionSecrets])],
          log: logSink,
          onLogError: (err) => logger.warn(`integration-hub: could not write integration log: ${(err as Error).message}`),
          guard,
        })
      const createHttpClient = (baseURL: string, secrets: string[], opts: { retryAfter?: VendorRetryAfter } = {}) =>
        new HttpClient({ baseURL, timeoutMs: connection.timeoutMs, guard, recorder: createRecorder(secrets), retryAfter: opts.retryAfter })
      const { id, kind, mode, timeoutMs } = connection
      const deps = { connection: { id, kind, mode, timeoutMs }, createHttpClient, createRecorder, state: stateFor(id), logger }
      this.providers.set(connection.id, new Provider(deps, connection.options))
    })
  }

  connections(filter: { kind?: ConnectionConfig["kind"]; enabledOnly?: boolean } = {}): ConnectionConfig[] {
    return this.options.connections.filter(
      (c) => (!filter.kind || c.kind === filter.kind) && (!filter.enabledOnly || c.enabled)
    )
  }

  connection(id: string): ConnectionConfig {
    const found = this.options.connections.find((c) => c.id === id)
    if (!found) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `No integration connection "${id}" is configured (plugin options connections[].id)`)
    }
    return found
  }

  /** The connection's guard: its rate limit, circuit breaker and in-place retries. */
  guard(id: string): ConnectionGuard {
    this.connection(id)
    return this.guards.get(id)!
  }

  /** The connection's provider, checked to be of `kind` when one is given. */
  provider<K extends ConnectionKind>(id: string, kind: K): ProviderOfKind[K]
  provider(id: string): IntegrationProvider
  provider(id: string, kind?: ConnectionKind): IntegrationProvider {
    const connection = this.connection(id)
    if (kind && connection.kind !== kind) {
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `Connection "${id}" is a ${connection.kind} connection, not ${kind === "erp" ? "an ERP" : `a ${kind}`} connection`)
    }
    return this.providers.get(id)!
  }
}
