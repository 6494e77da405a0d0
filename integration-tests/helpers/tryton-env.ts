/* Wires the app under test to the Tryton peer started by global-setup, or says why a suite skips. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const tryton = require("../peers/tryton") as TrytonPeer

export type TrytonState = {
  url: string
  database: string
  username: string
  password: string
  pid: number | null
  /** The seeded products: SKU, name, list price, stock. */
  products: Array<{ sku: string; name: string; price: string; stock: number }>
}
type TrytonSession = {
  model: <T = unknown>(model: string, method: string, ...args: unknown[]) => Promise<T>
  modelWith: <T = unknown>(context: Record<string, unknown>, model: string, method: string, ...args: unknown[]) => Promise<T>
}
type TrytonPeer = {
  readState(): TrytonState | null
  session(url?: string): Promise<TrytonSession>
  stopAndWait(): Promise<void>
  restart(): Promise<void>
}

export const trytonPeer = tryton

/**
 * `describe` when the real Tryton is up, else `describe.skip` with the reason printed; under CI/REQUIRE_PEERS
 * always `describe`, so a Tryton that is not there fails the suite instead of skipping it.
 */
export function describeWithTryton(): jest.Describe {
  const state = tryton.readState()
  if (process.env.TRYTON_PEER === "up" && state?.pid) return describe
  if (process.env.CI === "true" || process.env.REQUIRE_PEERS === "1") return describe
  console.log("[skip] Tryton ERP peer not available (install trytond: see README 'Tests'); ERP suites skipped")
  return describe.skip
}

/** Points the app's medusa-config at the Tryton peer, with fast retries so tests do not wait minutes. */
export function useTrytonConnection(overrides: Record<string, string> = {}): TrytonState | null {
  const state = tryton.readState()
  if (!state) return null
  Object.assign(process.env, {
    TRYTON_URL: state.url,
    TRYTON_DATABASE: state.database,
    TRYTON_USERNAME: state.username,
    TRYTON_PASSWORD: state.password,
    TRYTON_INVOICE_METHOD: "manual",
    INTEGRATION_RETRY_MAX_ATTEMPTS: "4",
    INTEGRATION_RETRY_BASE_DELAY_MS: "100",
    INTEGRATION_RETRY_MAX_DELAY_MS: "1000",
    INTEGRATION_TIMEOUT_MS: "5000",
    ...overrides,
  })
  return state
}
