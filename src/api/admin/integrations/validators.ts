import { z } from "@medusajs/framework/zod"
import { SYNC_STATUSES } from "../../../modules/integration-hub/models/sync-record"
import { WEBHOOK_STATUSES } from "../../../modules/integration-hub/models/webhook-event"

/** `?status=failed,dead` or repeated `?status=`: a non-empty list of known statuses. */
const listOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.preprocess((v) => (typeof v === "string" ? v.split(",").filter(Boolean) : v), z.array(z.enum(values)).min(1))
const statusList = listOf(SYNC_STATUSES)

export const ListSyncRecordsQuery = z.object({
  status: statusList.optional(),
  connection_id: z.string().min(1).optional(),
  entity_type: z.string().min(1).optional(),
  entity_id: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListSyncRecordsQueryType = z.infer<typeof ListSyncRecordsQuery>

export const ListLogsQuery = z.object({
  connection_id: z.string().min(1).optional(),
  direction: z.enum(["in", "out"]).optional(),
  status: z.enum(["success", "error"]).optional(),
  sync_record_id: z.string().min(1).optional(),
  /** ISO date-time: rows at or after it. */
  since: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListLogsQueryType = z.infer<typeof ListLogsQuery>

/** Bulk retry: explicit ids, or a filter (failed and dead records by default). */
export const BulkRetrySyncRecordsBody = z
  .object({
    ids: z.array(z.string().min(1)).min(1).max(500).optional(),
    /** "skipped" takes the records skipped in shadow mode, for a connection that is live now. */
    status: z.array(z.enum(["failed", "dead", "pending", "skipped"])).min(1).optional(),
    connection_id: z.string().min(1).optional(),
    entity_type: z.string().min(1).optional(),
    limit: z.number().int().min(1).max(500).default(100),
  })
  .strict()
  .refine((b) => b.ids || b.status || b.connection_id || b.entity_type, {
    message: "give ids, or a filter (status, connection_id, entity_type)",
  })
  .refine((b) => !(b.ids && (b.status || b.connection_id || b.entity_type)), {
    message: "give either ids or a filter, not both",
  })
export type BulkRetrySyncRecordsBodyType = z.infer<typeof BulkRetrySyncRecordsBody>

/** Edit-and-retry: field → corrected value (null takes a correction back). */
export const EditSyncRecordBody = z
  .object({
    corrections: z.record(z.string().min(1).max(200), z.string().trim().min(1).max(500).nullable()).refine((c) => Object.keys(c).length > 0, {
      message: "give at least one field to correct",
    }),
    /** Why, for the audit log (no personal data, please). */
    note: z.string().max(500).optional(),
    retry: z.boolean().default(true),
  })
  .strict()
export type EditSyncRecordBodyType = z.infer<typeof EditSyncRecordBody>

export const SandboxFailuresBody = z
  .object({
    /** The next `count` calls to this sandbox connection fail. */
    count: z.number().int().min(0).max(1000),
    kind: z.enum(["outage", "reject"]).default("outage"),
  })
  .strict()
export type SandboxFailuresBodyType = z.infer<typeof SandboxFailuresBody>

export const SandboxStockBody = z
  .object({
    /** The sandbox ERP's new quantity of each SKU (on hand and forecast alike). */
    levels: z.record(z.string().min(1), z.number().int().min(0)).refine((l) => Object.keys(l).length > 0 && Object.keys(l).length <= 10_000, "give 1 to 10,000 SKUs"),
  })
  .strict()
export type SandboxStockBodyType = z.infer<typeof SandboxStockBody>

export const ListWebhookEventsQuery = z.object({
  connection_id: z.string().min(1).optional(),
  status: listOf(WEBHOOK_STATUSES).optional(),
  event_type: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListWebhookEventsQueryType = z.infer<typeof ListWebhookEventsQuery>

export const ListPaymentDriftQuery = z.object({
  connection_id: z.string().min(1).optional(),
  /** open (default): disagreements the last check still found; resolved: those gone since; all: both. */
  status: z.enum(["open", "resolved", "all"]).default("open"),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListPaymentDriftQueryType = z.infer<typeof ListPaymentDriftQuery>

export const ListConflictsQuery = z.object({
  entity: z.string().min(1).optional(),
  entity_id: z.string().min(1).optional(),
  connection_id: z.string().min(1).optional(),
  /** Only conflicts recorded at or after this instant. */
  since: z.coerce.date().optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListConflictsQueryType = z.infer<typeof ListConflictsQuery>

/** Runs the drift check now, over a window (default: the last 25 hours, as the daily job). */
export const CheckPaymentDriftBody = z
  .object({
    since: z.coerce.date().optional(),
    until: z.coerce.date().optional(),
  })
  .strict()
  .refine((b) => !b.since || !b.until || b.since < b.until, { message: "since must be before until", path: ["since"] })
export type CheckPaymentDriftBodyType = z.infer<typeof CheckPaymentDriftBody>

export const ImportInventoryBody = z
  .object({
    /** Read every SKU, not only what the ERP changed since the last import. */
    full: z.boolean().default(false),
  })
  .strict()
export type ImportInventoryBodyType = z.infer<typeof ImportInventoryBody>

const positiveDecimal = z
  .union([z.number().positive(), z.string().regex(/^\d+(\.\d+)?$/, "must be a decimal amount, e.g. 3.00")])
  .transform((v) => String(v))
  .refine((v) => Number(v) > 0, { message: "must be more than 0" })

/** A control of the sandbox gateway: what happens at the gateway without Medusa, answered with the signed webhook it sends. */
export const SandboxPaymentBody = z
  .object({
    action: z.enum(["refund", "dispute", "close_dispute", "fail", "cancel"]),
    /** The gateway's payment id (the Medusa payment's data.id), or the Medusa payment's id ("pay_…"). */
    payment_id: z.string().min(1),
    /** refund: the amount refunded in the dashboard (default: what is left); dispute: the amount disputed (default: the capture). */
    amount: positiveDecimal.optional(),
    /** dispute, fail, cancel: why. */
    reason: z.string().min(1).max(200).optional(),
    /** close_dispute: the card network's decision. */
    outcome: z.enum(["won", "lost"]).optional(),
    /** close_dispute: which dispute (default: the payment's open one). */
    dispute_id: z.string().min(1).optional(),
  })
  .strict()
  .refine((b) => b.action !== "close_dispute" || b.outcome, { message: "close_dispute needs an outcome (won or lost)", path: ["outcome"] })
export type SandboxPaymentBodyType = z.infer<typeof SandboxPaymentBody>

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a day, YYYY-MM-DD")

/** A backfill of past orders to one ERP connection: a dry run unless `dry_run: false`; at least one way of choosing them. */
export const StartBackfillBody = z
  .object({
    connection_id: z.string().min(1),
    dry_run: z.boolean().default(true),
    from: day.optional(),
    to: day.optional(),
    order_numbers: z.array(z.number().int().positive()).min(1).max(10_000).optional(),
    order_ids: z.array(z.string().startsWith("order_")).min(1).max(10_000).optional(),
    shadow_skipped: z.boolean().optional(),
  })
  .refine((b) => b.from || b.to || b.order_numbers || b.order_ids || b.shadow_skipped, {
    message: "choose the orders: from and/or to (days), order_numbers, order_ids, or shadow_skipped",
  })
  .refine((b) => !b.from || !b.to || b.from <= b.to, { message: "from is after to", path: ["from"] })
export type StartBackfillBodyType = z.infer<typeof StartBackfillBody>

export const SwitchModeBody = z.object({ mode: z.enum(["live", "shadow"]) })
export type SwitchModeBodyType = z.infer<typeof SwitchModeBody>

export const PauseConnectionBody = z.object({ reason: z.string().trim().max(500).optional() })
export type PauseConnectionBodyType = z.infer<typeof PauseConnectionBody>

export const FixDriftBody = z.object({
  fix: z.enum(["resend", "accept", "ignore"]),
  /** Required to ignore: why the difference is fine. */
  reason: z.string().trim().max(500).optional(),
})
export type FixDriftBodyType = z.infer<typeof FixDriftBody>

export const ListDriftItemsQuery = z.object({
  connection_id: z.string().min(1).optional(),
  run_id: z.string().min(1).optional(),
  status: listOf(["open", "fixed", "ignored", "superseded"] as const).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListDriftItemsQueryType = z.infer<typeof ListDriftItemsQuery>

const queueStates = z.preprocess(
  (v) => (typeof v === "string" ? v.split(",") : v),
  z.array(z.enum(["needs_attention", "dead", "paused", "retrying"])).min(1)
)
/** The work queue's filter: which records (open by default), of which connection, entity, error, age or cause. */
const QueueFilter = z.object({
  /** "open" (needs a person: needs attention, dead, paused), "in_flight" (a retry is planned), "resolved". */
  view: z.enum(["open", "in_flight", "resolved"]).default("open"),
  /** Within the open view: some of its states only. */
  state: queueStates.optional(),
  connection_id: z.string().min(1).optional(),
  entity_type: z.string().min(1).optional(),
  error_code: z.string().min(1).optional(),
  older_than_minutes: z.coerce.number().int().min(1).max(525_600).optional(),
  /** A cause group's key, as the queue's groups give it. */
  cause: z.string().regex(/^[0-9a-f]{32}$/, "a cause key from the queue's groups").optional(),
})
export const ListQueueQuery = QueueFilter.extend({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListQueueQueryType = z.infer<typeof ListQueueQuery>
export const ExportQueueQuery = QueueFilter.extend({ view: z.enum(["open", "in_flight"]).default("open") })
export type ExportQueueQueryType = z.infer<typeof ExportQueueQuery>

/** Retries what a filter or a cause group of the work queue holds (oldest waiting first, at most `limit`). */
export const RetryQueueBody = QueueFilter.omit({ view: true })
  .extend({ view: z.enum(["open", "in_flight"]).default("open"), limit: z.number().int().min(1).max(500).default(100) })
  .strict()
export type RetryQueueBodyType = z.infer<typeof RetryQueueBody>

/** Ignore a record: why it needs nothing (kept in the audit). */
export const IgnoreSyncRecordBody = z.object({ reason: z.string().trim().min(3, "say why the record needs nothing (at least 3 characters)").max(500) }).strict()
export type IgnoreSyncRecordBodyType = z.infer<typeof IgnoreSyncRecordBody>

export const ConnectionHistoryQuery = z.object({ window: z.enum(["24h", "7d", "30d"]).default("24h") })
export type ConnectionHistoryQueryType = z.infer<typeof ConnectionHistoryQuery>

export const ListAlertsQuery = z.object({
  connection_id: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListAlertsQueryType = z.infer<typeof ListAlertsQuery>

export const HealthReportQuery = z
  .object({
    /** A calendar month of the store's time zone (the plugin's timeZone option). */
    month: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month as YYYY-MM").optional(),
    from: z.coerce.date().optional(),
    to: z.coerce.date().optional(),
    format: z.enum(["json", "csv", "html"]).default("json"),
  })
  .refine((q) => Boolean(q.month) !== Boolean(q.from), { message: "give a month (YYYY-MM), or a from date (and optionally to), not both" })
export type HealthReportQueryType = z.infer<typeof HealthReportQuery>

// Checked with the options (every problem at once), not here.
const connectionId = z.string().max(200)
/** Options as the form sends them: secret ones left out are kept, null removes one. */
const connectionOptions = z.record(z.string(), z.unknown())

export const CreateConnectionBody = z.object({
  connection_id: connectionId,
  provider: z.string().min(1),
  kind: z.enum(["erp", "shipping", "payment", "crm"]).optional(),
  enabled: z.boolean().optional(),
  mode: z.enum(["live", "shadow"]).optional(),
  options: connectionOptions.default({}),
  /** { option: "YYYY-MM-DD" }: when the vendor ends a credential (checked with the options). */
  credentials_expire: z.record(z.string(), z.string()).optional(),
})
export type CreateConnectionBodyType = z.infer<typeof CreateConnectionBody>

export const UpdateConnectionBody = z.object({
  options: connectionOptions.optional(),
  enabled: z.boolean().optional(),
  credentials_expire: z.record(z.string(), z.string()).optional(),
  /** The version the form was loaded at: a change over someone else's is refused (409). */
  expected_version: z.number().int().min(1).optional(),
})
export type UpdateConnectionBodyType = z.infer<typeof UpdateConnectionBody>
