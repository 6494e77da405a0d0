import { readFileSync } from "node:fs"
import { defineConfig, loadEnv } from "@medusajs/framework/utils"
import { installBenchProfiler } from "./bench-profiler"

loadEnv(process.env.NODE_ENV || "development", process.cwd())

// `BENCH_PROFILE=1 npm run bench` sets it on the store processes it profiles (bench-profiler.ts).
if (process.env.BENCH_PROFILE_DIR) installBenchProfiler(process.env.BENCH_PROFILE_DIR)

/**
 * Connection options from INTEGRATION_ERP_CONNECTION_OPTIONS (JSON: timeoutMs, retry, rateLimit, ...), merged over
 * the demo's own, one level deep: the fault suite uses it for a short timeout and retries sized to a few minutes.
 */
function withConnectionOverrides<T extends Record<string, unknown>>(connection: T): T {
  const raw = process.env.INTEGRATION_ERP_CONNECTION_OPTIONS
  if (!raw) return connection
  let overrides: Record<string, unknown>
  try {
    overrides = JSON.parse(raw)
  } catch {
    throw new Error("INTEGRATION_ERP_CONNECTION_OPTIONS is not valid JSON")
  }
  const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v)
  const merged: Record<string, unknown> = { ...connection }
  for (const [key, value] of Object.entries(overrides)) {
    merged[key] = isObject(value) && isObject(merged[key]) ? { ...merged[key], ...value } : value
  }
  return merged as T
}

/**
 * The ERP's stock is imported on demand here (INTEGRATION_STOCK_IMPORT_MINUTES for a schedule; a real store's default
 * is every 15 minutes): the demo and the benchmarks sell from test ERPs that hold less than they sell, and a store
 * under test must not change its stock under the running scenario at an arbitrary minute.
 */
const inventory = { importEveryMinutes: Number(process.env.INTEGRATION_STOCK_IMPORT_MINUTES ?? 0) }

/** The ERP this demo store talks to: the real Tryton when the demo started one, else the sandbox. */
function erpConnection() {
  const retry = {
    maxAttempts: Number(process.env.INTEGRATION_RETRY_MAX_ATTEMPTS ?? 6),
    baseDelayMs: Number(process.env.INTEGRATION_RETRY_BASE_DELAY_MS ?? 20_000),
    maxDelayMs: Number(process.env.INTEGRATION_RETRY_MAX_DELAY_MS ?? 300_000),
  }
  if (process.env.TRYTON_URL) {
    return {
      id: "erp",
      kind: "erp",
      provider: "tryton",
      retry,
      inventory,
      options: {
        url: process.env.TRYTON_URL,
        database: process.env.TRYTON_DATABASE,
        username: process.env.TRYTON_USERNAME,
        password: process.env.TRYTON_PASSWORD,
        // Tryton invoices each sale when it is confirmed; captured payments are then registered against it.
        invoiceMethod: (process.env.TRYTON_INVOICE_METHOD || "order") as "order" | "shipment" | "manual",
      },
    }
  }
  return {
    id: "erp",
    kind: "erp",
    provider: "sandbox",
    retry,
    inventory,
    options: {
      knownSkus: ["SHIRT-BLUE", "MUG-RED"],
      // The benchmark feeds the sandbox a large stock from a file (JSON: { "<sku>": quantity }).
      stock: process.env.DEMO_ERP_STOCK_FILE ? (JSON.parse(readFileSync(process.env.DEMO_ERP_STOCK_FILE, "utf8")) as Record<string, number>) : { "SHIRT-BLUE": 100, "MUG-RED": 50 },
      // The sandbox signs its events (Standard Webhooks) with this secret; `npm run demo` sets it and sends one.
      webhookSecret: process.env.DEMO_WEBHOOK_SECRET || undefined,
      // The demo runs a production build; its failure simulator stays available for the walkthrough.
      allowFailureInjection: true,
      // The drain benchmark simulates the vendor's own rate limit (429 past it).
      ...(process.env.DEMO_ERP_VENDOR_RPS ? { vendorRequestsPerSecond: Number(process.env.DEMO_ERP_VENDOR_RPS) } : {}),
    },
  }
}

/** The demo's carrier: the sandbox carrier (development only), signing its tracking events like the sandbox ERP. */
function carrierConnection() {
  return { id: "carrier", kind: "shipping", provider: "sandbox-carrier", options: { webhookSecret: process.env.DEMO_WEBHOOK_SECRET || undefined } }
}

/**
 * The demo's payment gateway: the sandbox gateway (development only), whose ledger the demo's checkout fills through
 * its Medusa provider (pp_sandbox-gateway_gateway) and whose controls make refunds in its "dashboard"; it signs its
 * events like the sandbox ERP. The secret falls back to the demo's published one (demo/storefront.mjs), never for a real store.
 */
function gatewayConnection() {
  return {
    id: "gateway", kind: "payment", provider: "sandbox-gateway",
    options: { webhookSecret: process.env.DEMO_WEBHOOK_SECRET || "whsec_ZGVtby1zYW5kYm94LWVycC13ZWJob29rcw==", allowControls: true },
  }
}

/**
 * The demo's CRM: the sandbox CRM (development only), so the demo shows the buyer's contact and the order's deal;
 * it takes simulated failures (the browser test's refused contact) although `medusa start` runs in production mode.
 */
function crmConnection() {
  return { id: "crm", kind: "crm", provider: "sandbox-crm", options: { allowFailureInjection: true } }
}

const WITH_PLUGIN = process.env.DEMO_WITH_PLUGIN !== "false"
/** DEVELOPMENT ONLY: the demo's published encryptionKey. */
const DEMO_ENCRYPTION_KEY = "de".repeat(32)

/**
 * With the plugin: the fulfillment module with Medusa's manual provider and the hub's carriers (which reach the
 * hub's module through `dependencies`), the payment module with the sandbox gateway's provider (likewise), and the local notification provider on e-mail, so the customer's shipping
 * messages show in the store's log and the admin's notifications.
 */
const shippingModules = WITH_PLUGIN
  ? [
      {
        resolve: "@medusajs/medusa/fulfillment",
        dependencies: ["integration_hub"],
        options: {
          providers: [
            { resolve: "@medusajs/medusa/fulfillment-manual", id: "manual" },
            { resolve: "medusa-integration-hub/providers/fulfillment", id: "carriers", options: { weightUnit: "g" } },
          ],
        },
      },
      // Checkout pays with the sandbox gateway's provider, which reaches the hub's module (its ledger) through the dependency.
      {
        resolve: "@medusajs/medusa/payment",
        dependencies: ["integration_hub"],
        options: { providers: [{ resolve: "medusa-integration-hub/providers/payment-sandbox-checkout", id: "gateway", options: { connection: "gateway" } }] },
      },
      {
        resolve: "@medusajs/medusa/notification",
        options: { providers: [{ resolve: "@medusajs/medusa/notification-local", id: "local", options: { channels: ["feed", "email"] } }] },
      },
    ]
  : []

/**
 * DEMO_REDIS_URL runs the store as production does with several processes: Medusa's Redis event bus, Redis workflow
 * engine and Redis locking, and MEDUSA_WORKER_MODE (server | worker | shared) per process. `npm run faults --
 * --workers` and `npm run bench` use it for a server and a worker.
 */
const REDIS_URL = process.env.DEMO_REDIS_URL
const redisModules = REDIS_URL
  ? [
      { resolve: "@medusajs/medusa/event-bus-redis", options: { redisUrl: REDIS_URL } },
      { resolve: "@medusajs/medusa/workflow-engine-redis", options: { redis: { redisUrl: REDIS_URL } } },
      {
        resolve: "@medusajs/medusa/locking",
        options: { providers: [{ resolve: "@medusajs/medusa/locking-redis", id: "locking-redis", is_default: true, options: { redisUrl: REDIS_URL } }] },
      },
    ]
  : []

module.exports = defineConfig({
  projectConfig: {
    databaseUrl: process.env.DATABASE_URL,
    ...(REDIS_URL ? { redisUrl: REDIS_URL, workerMode: (process.env.MEDUSA_WORKER_MODE ?? "shared") as "shared" | "worker" | "server" } : {}),
    http: {
      storeCors: process.env.STORE_CORS ?? "http://localhost:8000",
      adminCors: process.env.ADMIN_CORS ?? "http://localhost:9000",
      authCors: process.env.AUTH_CORS ?? "http://localhost:9000",
      jwtSecret: process.env.JWT_SECRET || "demo-jwt-secret",
      cookieSecret: process.env.COOKIE_SECRET || "demo-cookie-secret",
    },
    // The demo serves its production build over plain http on localhost; a store behind https keeps Medusa's secure cookie.
    cookieOptions: { secure: false, sameSite: "lax" },
  },
  plugins: !WITH_PLUGIN
      ? []
      : [
          {
            resolve: "medusa-integration-hub",
            // With INTEGRATION_REDIS_URL, several store processes share each connection's rate limit and circuit.
            options: {
              connections: [withConnectionOverrides(erpConnection()), carrierConnection(), gatewayConnection(), crmConnection()],
              redisUrl: process.env.INTEGRATION_REDIS_URL || REDIS_URL || undefined,
              // Connections added from the admin keep their secrets under it. The demo's is published: a store sets its own (openssl rand -hex 32).
              encryptionKey: process.env.INTEGRATION_ENCRYPTION_KEY || DEMO_ENCRYPTION_KEY,
            },
          },
        ],
  modules: [...redisModules, ...shippingModules],
})
