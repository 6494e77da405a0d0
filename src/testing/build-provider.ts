import type { Logger } from "@medusajs/framework/types"
import { connectionSchema } from "../modules/integration-hub/options"
import { CallLogEntry, CallRecorder } from "../lib/http/call-recorder"
import { HttpClient, HttpClientConfig } from "../lib/http/client"
import type { CredentialStore, IntegrationProvider, IntegrationProviderClass, OAuthTokens, ProviderDeps, ProviderStateStore } from "../providers/types"

/* Building a provider as the hub builds it, for any provider's tests (the ERP contract and each adapter's own). */

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger
/** Provider state kept in memory, for adapters that keep some (the hub keeps it in its database). */
export function memoryStateStore(): ProviderStateStore {
  const values = new Map<string, unknown>()
  return {
    get: async <T>(key: string) => (values.has(key) ? (structuredClone(values.get(key)) as T) : null),
    set: async (key, value) => void values.set(key, structuredClone(value)),
    delete: async (key) => void values.delete(key),
    next: async (key) => {
      const n = ((values.get(key) as { n?: number } | undefined)?.n ?? 0) + 1
      values.set(key, { n })
      return n
    },
    consume: async <T extends { count: number }>(key: string) => {
      const value = values.get(key) as T | undefined
      if (!value || value.count <= 0) return null
      const left = { ...value, count: value.count - 1 }
      values.set(key, left)
      return structuredClone(left)
    },
  }
}

/**
 * OAuth tokens kept in memory, for adapters that use them (the hub keeps them encrypted in its database); the
 * lock is one promise chain, as one instance of the hub would hold it. `revoked` says whether grantRevoked was called.
 */
export function memoryCredentialStore(initial: OAuthTokens | null = null): CredentialStore & { revoked: string[] } {
  let tokens = initial
  let chain: Promise<unknown> = Promise.resolve()
  const revoked: string[] = []
  return {
    revoked,
    readTokens: async () => (tokens ? { ...tokens } : null),
    writeTokens: async (t) => void (tokens = { ...t }),
    withLock: <T>(fn: () => Promise<T>) => {
      const run = chain.then(fn, fn)
      chain = run.catch(() => undefined)
      return run
    },
    grantRevoked: async (reason) => {
      tokens = null
      revoked.push(reason)
    },
  }
}

/**
 * An adapter built as the hub builds it (options validated, the shared HTTP layer and call recorder), without a
 * guard (no rate limit, breaker or in-place retries: the contract sees each call's own outcome), its log rows
 * kept in `logs`.
 */
export function buildProvider<P extends IntegrationProvider>(
  Provider: Omit<IntegrationProviderClass, "new"> & { new (deps: ProviderDeps, options: unknown): P },
  options: Record<string, unknown>,
  opts: {
    id?: string
    timeoutMs?: number
    state?: ProviderStateStore
    credentials?: CredentialStore
    /** Builds the adapter's HTTP client from its config (e.g. one that injects faults); a plain HttpClient by default. */
    httpClient?: (config: HttpClientConfig) => HttpClient
  } = {}
): { provider: P; logs: CallLogEntry[] } {
  const logs: CallLogEntry[] = []
  const connection = connectionSchema.parse({ id: opts.id ?? "erp", kind: Provider.kind, provider: Provider.identifier, options, timeoutMs: opts.timeoutMs ?? 8_000 })
  const createRecorder = (secrets: string[]) => new CallRecorder({ connectionId: connection.id, secrets, log: async (e) => void logs.push(e) })
  const provider = new Provider(
    {
      connection: { id: connection.id, kind: connection.kind, mode: connection.mode, timeoutMs: connection.timeoutMs },
      logger: silent,
      createRecorder,
      createHttpClient: (baseURL, secrets, httpOpts) =>
        (opts.httpClient ?? ((config) => new HttpClient(config)))({ baseURL, timeoutMs: connection.timeoutMs, recorder: createRecorder(secrets), retryAfter: httpOpts?.retryAfter }),
      state: opts.state ?? memoryStateStore(),
      credentials: opts.credentials ?? memoryCredentialStore(),
    },
    options
  )
  return { provider, logs }
}
