import { z } from "@medusajs/framework/zod"
import { isTimeZone } from "../../lib/accounting-date"
import { CONNECTION_KINDS } from "../../providers/types"


const inPlaceSchema = z.object({
  /** Repeats of one safe call (a read, an idempotent write) or one idempotent step, within the same attempt. */
  retries: z.number().int().min(0).max(10).default(4),
  /** First in-place delay; doubles each repeat (full jitter). */
  baseDelayMs: z.number().int().min(0).max(60_000).default(250),
  /** Upper bound of an in-place delay; a Retry-After longer than this ends the attempt instead. */
  maxDelayMs: z.number().int().min(0).max(60_000).default(2_000),
  /** In-place repeats allowed per first try over ten seconds (plus ten): the retry budget that keeps a recovering vendor from a stampede. */
  budgetRatio: z.number().min(0).max(10).default(1),
})
const IN_PLACE_DEFAULTS = { retries: 4, baseDelayMs: 250, maxDelayMs: 2_000, budgetRatio: 1 }

/** Defaults that outlast a 4-hour outage: about 12 hours of attempts, and no record dead before 3 days of failing. */
export const RETRY_DEFAULTS = { maxAttempts: 30, baseDelayMs: 30_000, maxDelayMs: 3_600_000, maxAgeMs: 72 * 3_600_000, inPlace: IN_PLACE_DEFAULTS }

const retrySchema = z
  .object({
    /** Attempts before a sync record goes to the dead letter (`dead`); attempts deferred by an open circuit do not count. */
    maxAttempts: z.number().int().min(1).max(1000).default(RETRY_DEFAULTS.maxAttempts),
    /** First retry delay; doubles each attempt (full jitter). */
    baseDelayMs: z.number().int().min(100).default(RETRY_DEFAULTS.baseDelayMs),
    /** Upper bound of any retry delay. */
    maxDelayMs: z.number().int().min(1_000).default(RETRY_DEFAULTS.maxDelayMs),
    /** Retry budget in time: a record failing for longer than this (since its first failure) goes to the dead letter. */
    maxAgeMs: z.number().int().min(60_000).default(RETRY_DEFAULTS.maxAgeMs),
    /** Retries within one attempt, for calls that are safe to repeat. */
    inPlace: inPlaceSchema.default(IN_PLACE_DEFAULTS),
  })
  .refine((r) => r.maxDelayMs >= r.baseDelayMs, {
    message: "must be greater than or equal to retry.baseDelayMs",
    path: ["maxDelayMs"],
  })

export const CIRCUIT_DEFAULTS = { windowMs: 60_000, minRequests: 10, failureRate: 0.7, openMs: 30_000, probes: 3 }

const circuitBreakerSchema = z.object({
  /** The failure rate is measured over this sliding window. */
  windowMs: z.number().int().min(1_000).max(3_600_000).default(CIRCUIT_DEFAULTS.windowMs),
  /** Fewer calls than this in the window never open the circuit. */
  minRequests: z.number().int().min(1).default(CIRCUIT_DEFAULTS.minRequests),
  /** Share of calls failing with network errors, timeouts or 5xx (0..1) that opens the circuit; 429s and 4xx do not count. */
  failureRate: z.number().gt(0).max(1).default(CIRCUIT_DEFAULTS.failureRate),
  /** How long the circuit stays open before one probe call tests the connection. */
  openMs: z.number().int().min(1_000).max(3_600_000).default(CIRCUIT_DEFAULTS.openMs),
  /** Probe calls (one at a time) that may fail in a row before the circuit opens again; one success closes it. */
  probes: z.number().int().min(1).max(20).default(CIRCUIT_DEFAULTS.probes),
})

export const ORDER_CHECK_DEFAULTS = { stock: true, price: true, priceTolerancePercent: 0 }

const orderChecksSchema = z.object({
  /** Refuse a line the ERP cannot ship: its forecast quantity in the warehouse is below the quantity ordered. */
  stock: z.boolean().default(ORDER_CHECK_DEFAULTS.stock),
  /** Refuse a line whose unit price (before discounts, excluding tax) is not the ERP's list price. */
  price: z.boolean().default(ORDER_CHECK_DEFAULTS.price),
  /** How far (in % of the ERP's list price) Medusa's price may be from it before the price check refuses the line. */
  priceTolerancePercent: z.number().min(0).max(100).default(ORDER_CHECK_DEFAULTS.priceTolerancePercent),
})

export const INVENTORY_DEFAULTS = { importEveryMinutes: 15, fullEveryHours: 24, batchSize: 500 }

const inventorySchema = z.object({
  /** Minutes between scheduled stock imports from the ERP that owns inventory (sourceOfTruth.inventory); 0: on demand only. */
  importEveryMinutes: z.number().int().min(0).max(1_440).default(INVENTORY_DEFAULTS.importEveryMinutes),
  /** An import of every SKU (not only the ERP's changes) at least this often; it also reports SKUs on one side only. */
  fullEveryHours: z.number().int().min(1).max(168).default(INVENTORY_DEFAULTS.fullEveryHours),
  /**
   * Medusa stock location id → the ERP warehouse whose stock it shows (its code; null: the provider's default
   * warehouse). Absent: the store's only stock location shows the default warehouse.
   */
  locations: z
    .record(z.string(), z.string().min(1).nullable())
    .superRefine((locations, ctx) => {
      for (const id of Object.keys(locations)) {
        if (!id.startsWith("sloc_")) ctx.addIssue({ code: "custom", path: [id], message: "keys are Medusa stock location ids (sloc_…)" })
      }
    })
    .optional(),
  /** SKUs read from the ERP and written to Medusa per batch (memory stays flat however many SKUs there are). */
  batchSize: z.number().int().min(10).max(5_000).default(INVENTORY_DEFAULTS.batchSize),
})
export type InventorySettings = z.output<typeof inventorySchema>

export const CONTACT_IMPORT_DEFAULTS = { importEveryMinutes: 5, batchSize: 100 }

const contactImportSchema = z.object({
  /**
   * CRM connections that own customer fields (sourceOfTruth "customer…" = the CRM, or "latest"): minutes between
   * looks for contacts changed in the CRM; 0: on demand only (POST /admin/integrations/connections/:id/import-contacts).
   */
  importEveryMinutes: z.number().int().min(0).max(1_440).default(CONTACT_IMPORT_DEFAULTS.importEveryMinutes),
  /** Changed contacts read and applied per batch. */
  batchSize: z.number().int().min(10).max(200).default(CONTACT_IMPORT_DEFAULTS.batchSize),
})
export type ContactImportSettings = z.output<typeof contactImportSchema>

const legacyMatchSchema = z.object({
  /** Where the integration being replaced put the shop's order number: the sale's "reference" or its "description". */
  field: z.enum(["reference", "description"]),
  /**
   * How it wrote it, with {display_id} for Medusa's order number, e.g. "WEB-{display_id}" or "Shop order {display_id}".
   * A sale matches when the field contains it (any case) with no letter or digit right before or after.
   */
  pattern: z.string().min(1).max(200).refine((p) => p.includes("{display_id}"), 'must contain "{display_id}" (where the order number goes)'),
})
export type LegacyMatch = z.output<typeof legacyMatchSchema>

export const RECONCILIATION_DEFAULTS = { everyHours: 24, windowDays: 7, cleanDaysToGoLive: 5 }

const reconciliationSchema = z.object({
  /** Hours between scheduled reconciliations of the connection; 0: only when staff ask (the button). */
  everyHours: z.number().int().min(0).max(168).default(RECONCILIATION_DEFAULTS.everyHours),
  /** How far back a reconciliation compares (orders placed, payments made in the last N days). */
  windowDays: z.number().int().min(1).max(365).default(RECONCILIATION_DEFAULTS.windowDays),
  /** The cutover view says a connection is ready to go live after this many clean days in a row. */
  cleanDaysToGoLive: z.number().int().min(1).max(60).default(RECONCILIATION_DEFAULTS.cleanDaysToGoLive),
})
export type ReconciliationSettings = z.output<typeof reconciliationSchema>

/** An IANA time zone name, checked with Intl at boot. */
const timeZoneSchema = z
  .string()
  .refine(isTimeZone, { error: (issue) => `${JSON.stringify(issue.input)} is not a time zone: give an IANA name, e.g. "America/New_York" (or "UTC")` })

export const connectionSchema = z.object({
  /** Stable id of this connection; stored on every sync record and log row. */
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9_-]{0,62}$/, "must be lowercase letters, digits, '-' or '_' (e.g. \"erp\")"),
  /** What kind of system this is: decides which syncs it receives. */
  kind: z.enum(CONNECTION_KINDS),
  /** A built-in provider name (e.g. "tryton") or a resolve path to a third-party provider. */
  provider: z.string().min(1),
  /** Provider-specific options, validated by the provider itself. */
  options: z.record(z.string(), z.unknown()).default({}),
  /** A disabled connection gets no new sync records; existing ones stay as they are. */
  enabled: z.boolean().default(true),
  /** "shadow" validates and logs what would be sent but never writes to the external system. */
  mode: z.enum(["live", "shadow"]).default("live"),
  /** Timeout of one external call. */
  timeoutMs: z.number().int().min(100).max(300_000).default(8_000),
  /**
   * At most `requests` calls per `perSeconds`, across every Medusa instance when `redisUrl` is set (per process
   * otherwise). Defaults to the provider's documented vendor limit, if it has one.
   */
  rateLimit: z
    .object({ requests: z.number().int().min(1), perSeconds: z.number().positive() })
    .optional(),
  retry: retrySchema.default(RETRY_DEFAULTS),
  /** ERP connections: what the ERP checks before it confirms a sale (the SKU is always checked). */
  orderChecks: orderChecksSchema.default(ORDER_CHECK_DEFAULTS),
  /** ERP connections that own inventory: the stock import's schedule, locations and batch size. */
  inventory: inventorySchema.default(INVENTORY_DEFAULTS),
  /** CRM connections that own (or share) customer fields: how often their changes are taken into Medusa. */
  contacts: contactImportSchema.default(CONTACT_IMPORT_DEFAULTS),
  /**
   * ERP connections replacing another integration: how that integration marked the sales it wrote, so an order it
   * already sent is linked (status "linked"), never created a second time.
   */
  legacyMatch: legacyMatchSchema.optional(),
  /** How often and how far back Medusa is compared with this connection (drift report). */
  reconciliation: reconciliationSchema.default(RECONCILIATION_DEFAULTS),
  /** Opens on a failure rate over a window; while open, syncs wait without spending attempts. */
  circuitBreaker: circuitBreakerSchema.default(CIRCUIT_DEFAULTS),
  /** ERP connections whose books keep another zone than the store's: the zone of this ERP's dates (plugin `timeZone` otherwise). */
  timeZone: timeZoneSchema.optional(),
  /**
   * ERP connections: who ships orders. "medusa" (the default): staff fulfil in Medusa. "erp": the ERP's warehouse
   * ships, and each outbound shipment it completes becomes a Medusa fulfillment (and shipment) of those lines.
   */
  fulfilment: z.enum(["medusa", "erp"]).default("medusa"),
  /**
   * When the connection's credentials expire, by option (e.g. { "apiKey": "2027-03-01" }), for keys whose vendor
   * gives them an end: the hub warns 14 days ahead (admin feed and alerts.notify), once per option and date.
   */
  credentialsExpire: z.record(z.string(), z.iso.date("must be a date, YYYY-MM-DD")).optional(),
  /** With `fulfilment: "erp"`: minutes between looks for the shipments the ERP completed (the ERP sends no webhooks). */
  shipmentImportEveryMinutes: z.number().int().min(1).max(1_440).default(5),
})

const ENCRYPTION_KEY_HINT =
  "must be 32 bytes, written as 64 hex characters or base64 (generate one with `openssl rand -hex 32`)"

export const pluginOptionsSchema = z
  .object({
    connections: z.array(connectionSchema).default([]),
    /**
     * The store's time zone (IANA name): every date an ERP books (order, payment, refund) is the store's calendar
     * date in it, and a backfill's days are its days.
     */
    timeZone: timeZoneSchema.default("UTC"),
    /**
     * Owner of each entity (or "entity.field"): "medusa", a connection kind, or a connection id; "latest" makes it
     * bidirectional, where the latest change wins (customer fields, with a CRM).
     */
    sourceOfTruth: z
      .record(z.string(), z.string())
      .default({ inventory: "erp", customer: "medusa", order: "medusa", price: "medusa" }),
    alerts: z
      .object({
        afterConsecutiveFailures: z.number().int().min(1).default(3),
        notify: z.array(z.email()).default([]),
      })
      .default({ afterConsecutiveFailures: 3, notify: [] }),
    /** Integration log rows older than this are removed by a daily job, in batches. */
    logRetentionDays: z.number().int().min(1).max(3650).default(30),
    webhooks: z
      .object({
        /** Largest inbound webhook body accepted; a larger one gets 413 and is not read further. */
        maxBodyBytes: z.number().int().min(1024).max(50 * 1024 * 1024).default(1024 * 1024),
        /** Rejected deliveries (401, 400, 413) recorded one by one per connection and minute; the rest are counted in one row. */
        maxRejectionsPerMinute: z.number().int().min(1).max(10_000).default(30),
      })
      .default({ maxBodyBytes: 1024 * 1024, maxRejectionsPerMinute: 30 }),
    redisUrl: z
      .string()
      .regex(/^rediss?:\/\//, "must be a redis:// or rediss:// URL")
      .optional(),
    encryptionKey: z
      .string()
      .refine((k) => decodeKey(k) !== null, ENCRYPTION_KEY_HINT)
      .optional(),
  })
  .superRefine((opts, ctx) => {
    const seen = new Set<string>()
    opts.connections.forEach((c, i) => {
      if (seen.has(c.id)) {
        ctx.addIssue({ code: "custom", path: ["connections", i, "id"], message: `duplicate connection id "${c.id}"` })
      }
      seen.add(c.id)
      if (c.fulfilment === "erp" && c.kind !== "erp") {
        ctx.addIssue({ code: "custom", path: ["connections", i, "fulfilment"], message: `only an ERP connection's warehouse ships orders; "${c.id}" is a ${c.kind} connection` })
      }
      if (c.legacyMatch && c.kind !== "erp") {
        ctx.addIssue({ code: "custom", path: ["connections", i, "legacyMatch"], message: `only ERP connections match a legacy integration's sales; "${c.id}" is a ${c.kind} connection` })
      }
    })
    const shippers = opts.connections.filter((c) => c.fulfilment === "erp")
    if (shippers.length > 1) {
      // Two warehouses fulfilling the same orders would fulfil each line twice.
      ctx.addIssue({ code: "custom", path: ["connections", opts.connections.indexOf(shippers[1]), "fulfilment"], message: `only one connection may ship orders (fulfilment "erp"): ${shippers.map((c) => c.id).join(", ")} both do` })
    }
    const owners = new Set<string>(["medusa", LATEST_WINS, ...CONNECTION_KINDS, ...opts.connections.map((c) => c.id)])
    for (const [entity, owner] of Object.entries(opts.sourceOfTruth)) {
      if (!/^[a-z_]+(\.[a-z_]+)?$/.test(entity)) {
        ctx.addIssue({ code: "custom", path: ["sourceOfTruth", entity], message: 'keys are entity or "entity.field" names in lower case, e.g. "inventory" or "customer.email"' })
      } else if (!owners.has(owner)) {
        ctx.addIssue({
          code: "custom",
          path: ["sourceOfTruth", entity],
          message: `"${owner}" is not "medusa", "${LATEST_WINS}", a connection kind or a connection id`,
        })
      }
    }
    for (const [entity, owner] of Object.entries(opts.sourceOfTruth)) {
      if (owner === LATEST_WINS && !/^customer(\.|$)/.test(entity)) {
        ctx.addIssue({ code: "custom", path: ["sourceOfTruth", entity], message: `"${LATEST_WINS}" (latest change wins) is supported for customer fields, which a CRM shares; give ${entity} one owner` })
      }
    }
    const inventory = opts.sourceOfTruth.inventory
    const erps = opts.connections.filter((c) => c.kind === "erp")
    if (inventory === "erp" && erps.length > 1 && !erps.some((c) => c.id === "erp")) {
      ctx.addIssue({ code: "custom", path: ["sourceOfTruth", "inventory"], message: `"erp" names ${erps.length} ERP connections (${erps.map((c) => c.id).join(", ")}): name the one whose stock Medusa shows` })
    } else if (inventory && !["medusa", "erp"].includes(inventory) && opts.connections.some((c) => c.id === inventory && c.kind !== "erp")) {
      ctx.addIssue({ code: "custom", path: ["sourceOfTruth", "inventory"], message: `"${inventory}" is not an ERP connection: stock is imported from an ERP` })
    }
  })

/** The owner value of a bidirectional entity or field: the latest change wins, the loser is recorded as a conflict. */
export const LATEST_WINS = "latest"

/**
 * The ERP connection that owns inventory by `sourceOfTruth.inventory`: the connection of that id, else (for "erp")
 * the only ERP connection; null when Medusa owns it.
 */
export function inventoryOwner(opts: Pick<PluginOptions, "connections" | "sourceOfTruth">): ConnectionConfig | null {
  const owner = opts.sourceOfTruth.inventory
  const erps = opts.connections.filter((c) => c.kind === "erp")
  return erps.find((c) => c.id === owner) ?? (owner === "erp" && erps.length === 1 ? erps[0] : null)
}

/** The zone a connection's dates are booked in: its own `timeZone`, else the store's. */
export function timeZoneOf(opts: Pick<PluginOptions, "timeZone">, connection: Pick<ConnectionConfig, "timeZone">): string {
  return connection.timeZone ?? opts.timeZone
}

export type PluginOptionsInput = z.input<typeof pluginOptionsSchema>
export type PluginOptions = z.output<typeof pluginOptionsSchema>
export type ConnectionConfig = z.output<typeof connectionSchema>

/** Decodes an AES-256 key given as hex or base64; null when it is not exactly 32 bytes. */
export function decodeKey(key: string): Buffer | null {
  if (/^[0-9a-f]{64}$/i.test(key)) return Buffer.from(key, "hex")
  // Strict base64 of 32 bytes: Node's decoder would otherwise accept a passphrase of the right length.
  if (/^[A-Za-z0-9+/]{43}=$/.test(key)) return Buffer.from(key, "base64")
  return null
}
