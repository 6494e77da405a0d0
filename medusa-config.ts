import { defineConfig, loadEnv } from "@medusajs/framework/utils"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

/**
 * Development and test app: loads the plugin's module straight from src/ with options from the
 * environment. A store installing the plugin writes the same options under `plugins` (see README).
 */
function hubOptions() {
  const retry = {
    maxAttempts: Number(process.env.INTEGRATION_RETRY_MAX_ATTEMPTS ?? 8),
    baseDelayMs: Number(process.env.INTEGRATION_RETRY_BASE_DELAY_MS ?? 30_000),
    maxDelayMs: Number(process.env.INTEGRATION_RETRY_MAX_DELAY_MS ?? 3_600_000),
  }
  // Tests tune the main connection further (JSON: e.g. {"retry":{"inPlace":{"retries":0}},"circuitBreaker":{"minRequests":1000}}).
  const overrides = JSON.parse(process.env.INTEGRATION_CONNECTION_OVERRIDES ?? "{}") as { retry?: object; circuitBreaker?: object; rateLimit?: object; legacyMatch?: object; reconciliation?: object; fulfilment?: string; shipmentImportEveryMinutes?: number }
  const { retry: retryOverrides, ...tuning } = overrides
  Object.assign(retry, retryOverrides)
  const timeoutMs = Number(process.env.INTEGRATION_TIMEOUT_MS ?? 8_000)
  const mode = process.env.INTEGRATION_ERP_MODE ?? "live"
  // Stock is imported when a test asks (a scheduled import would change Medusa's stock under a running test).
  const inventory = { importEveryMinutes: Number(process.env.INTEGRATION_STOCK_IMPORT_MINUTES ?? 0) }
  const connections: Record<string, unknown>[] = []
  if (process.env.TRYTON_URL) {
    connections.push({
      id: "erp",
      kind: "erp",
      provider: "tryton",
      options: {
        url: process.env.TRYTON_URL,
        database: process.env.TRYTON_DATABASE,
        username: process.env.TRYTON_USERNAME,
        password: process.env.TRYTON_PASSWORD,
        invoiceMethod: process.env.TRYTON_INVOICE_METHOD || undefined,
        webUrl: process.env.TRYTON_WEB_URL || undefined,
        ...(process.env.TRYTON_TAXES ? { taxes: JSON.parse(process.env.TRYTON_TAXES) as Record<string, string | number> } : {}),
      },
      retry,
      timeoutMs,
      mode,
      inventory,
      ...tuning,
    })
  } else if (process.env.INTEGRATION_SANDBOX_ERP === "true") {
    connections.push({
      id: "erp",
      kind: "erp",
      provider: "sandbox",
      options: {
        knownSkus: ["SHIRT-BLUE", "MUG-RED"],
        stock: { "SHIRT-BLUE": 100, "MUG-RED": 50 },
        webhookSecret: process.env.INTEGRATION_SANDBOX_WEBHOOK_SECRET || undefined,
      },
      retry,
      timeoutMs,
      mode,
      inventory,
      ...tuning,
    })
  }
  // Tests add connections of their own (JSON array of connection options).
  connections.push(...(JSON.parse(process.env.INTEGRATION_EXTRA_CONNECTIONS ?? "[]") as Record<string, unknown>[]))
  return {
    connections,
    redisUrl: process.env.INTEGRATION_REDIS_URL || undefined,
    // Connections created from the admin keep their secrets under it (tests set one of their own).
    encryptionKey: process.env.INTEGRATION_ENCRYPTION_KEY || undefined,
    ...(process.env.INTEGRATION_ALERTS ? { alerts: JSON.parse(process.env.INTEGRATION_ALERTS) } : {}),
    webhooks: {
      ...(process.env.INTEGRATION_WEBHOOK_MAX_BYTES ? { maxBodyBytes: Number(process.env.INTEGRATION_WEBHOOK_MAX_BYTES) } : {}),
      ...(process.env.INTEGRATION_WEBHOOK_MAX_REJECTIONS_PER_MINUTE ? { maxRejectionsPerMinute: Number(process.env.INTEGRATION_WEBHOOK_MAX_REJECTIONS_PER_MINUTE) } : {}),
    },
    // Tests set owners of their own (JSON, merged over the defaults), e.g. {"customer.phone":"crm","customer":"latest"}.
    ...(process.env.INTEGRATION_SOURCE_OF_TRUTH
      ? { sourceOfTruth: { inventory: "erp", customer: "medusa", order: "medusa", price: "medusa", ...JSON.parse(process.env.INTEGRATION_SOURCE_OF_TRUTH) } }
      : {}),
  }
}

function paymentProviders(): Record<string, unknown>[] {
  return [
    ...(process.env.INTEGRATION_SANDBOX_GATEWAY_CONNECTION
      ? [{ resolve: "./src/providers/payment-sandbox-checkout", id: "gateway", options: { connection: process.env.INTEGRATION_SANDBOX_GATEWAY_CONNECTION } }]
      : []),
    ...(JSON.parse(process.env.INTEGRATION_PAYMENT_PROVIDERS ?? "[]") as Record<string, unknown>[]),
  ]
}

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    http: {
      storeCors: process.env.STORE_CORS ?? "http://localhost:8000",
      adminCors: process.env.ADMIN_CORS ?? "http://localhost:9000",
      authCors: process.env.AUTH_CORS ?? "http://localhost:9000",
      jwtSecret: process.env.JWT_SECRET || "supersecret",
      cookieSecret: process.env.COOKIE_SECRET || "supersecret",
    },
  },
  admin: { disable: process.env.MEDUSA_ADMIN_DISABLED === "true" },
  modules: [
    { resolve: "./src/modules/integration-hub", options: hubOptions() },
    // Fulfillment: Medusa's manual provider, and the hub's carriers (the hub's shipping connections) as a provider that
    // reaches the hub's module through the dependency.
    {
      resolve: "@medusajs/medusa/fulfillment",
      dependencies: ["integration_hub"],
      options: {
        providers: [
          { resolve: "@medusajs/medusa/fulfillment-manual", id: "manual" },
          // Tests add routing rules (JSON of the provider's options, e.g. {"routes":[…]}).
          { resolve: "./src/providers/fulfillment", id: "carriers", options: { weightUnit: "g", ...JSON.parse(process.env.INTEGRATION_FULFILLMENT_OPTIONS ?? "{}") } },
        ],
      },
    },
    // Payments: Medusa's system provider, plus providers from the environment — with INTEGRATION_SANDBOX_GATEWAY_CONNECTION
    // (a hub payment connection with provider "sandbox-gateway") the sandbox gateway's Medusa provider
    // (pp_sandbox-gateway_gateway), which fills that connection's ledger and reaches the hub's module through the
    // dependency; tests add their own (JSON array of provider entries, e.g. Medusa's Stripe provider on the Stripe double).
    ...(paymentProviders().length
      ? [{ resolve: "@medusajs/medusa/payment", dependencies: ["integration_hub"], options: { providers: paymentProviders() } }]
      : []),
    // Alerts go to the admin feed and by e-mail: the local provider takes both channels here (it logs and stores them).
    {
      resolve: "@medusajs/medusa/notification",
      options: {
        providers: [
          { resolve: "@medusajs/medusa/notification-local", id: "local", options: { name: "Local", channels: ["feed", "email"] } },
          // An SMS channel as a store with an SMS provider has one (the customers' shipping messages use it).
          { resolve: "@medusajs/medusa/notification-local", id: "local-sms", options: { name: "Local SMS", channels: ["sms"] } },
        ],
      },
    },
  ],
})
