// The demo scripts are plain ESM JavaScript; these are the parts the browser and package tests use.
declare module "*/scripts/demo-store.mjs" {
  export type DemoStore = {
    url: string
    admin: { email: string; password: string }
    /** `paymentProviderId`: the sandbox gateway's checkout provider, when the store has the plugin. */
    seed: { regionId: string; publishableKey: string; variants: Record<string, string>; paymentProviderId?: string }
    erp: "tryton" | "sandbox"
    tryton: {
      stopAndWait(): Promise<void>
      restart(): Promise<void>
      /** A logged-in JSON-RPC session on the store's Tryton: `model(name, method, ...args)`. */
      session(): Promise<{ model(name: string, method: string, ...args: unknown[]): Promise<unknown> }>
    } | null
    stop(): Promise<void>
  }
  export function startDemoStore(opts: Record<string, unknown>): Promise<DemoStore>
  export function run(cmd: string, args: string[], opts?: { cwd?: string; env?: NodeJS.ProcessEnv; quiet?: boolean; tail?: number }): string
  export function buildPlugin(env?: NodeJS.ProcessEnv): string
  /** True in a whole `npm test` run, which built the plugin and the demo store once before the suites. */
  export const PREBUILT: boolean
}
declare module "*/demo/storefront.mjs" {
  export class StoreClient {
    constructor(baseUrl: string, publishableKey: string)
    checkout(input: {
      regionId: string
      email: string
      items: Array<{ variant_id: string; quantity: number }>
      address: Record<string, string>
      paymentProvider?: string
      shipping?: "flat" | "carrier" | { option: string }
    }): Promise<{ id: string; display_id: number; items: Array<{ id: string }> }>
  }
  export type AdminApi = {
    request(method: string, path: string, body?: unknown): Promise<unknown>
    settledSyncs(orderId: string): Promise<{
      sync_records: Array<{ connection_id: string; status: string; last_error: string | null; last_error_code: string | null; corrections: Record<string, string> | null; audits: Array<{ action: string; actor_id: string | null }> }>
    }>
    settledEffect(orderId: string, operation: string): Promise<{ status: string; external_number: string | null; result_summary: string | null; last_error: string | null } | null>
  }
  export function adminClient(baseUrl: string, email: string, password: string): Promise<AdminApi>
  export const DEMO_ADDRESS: Record<string, string>
}
