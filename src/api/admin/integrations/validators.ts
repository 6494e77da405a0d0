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

export const ListWebhookEventsQuery = z.object({
  connection_id: z.string().min(1).optional(),
  status: listOf(WEBHOOK_STATUSES).optional(),
  event_type: z.string().min(1).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  offset: z.coerce.number().int().min(0).default(0),
})
export type ListWebhookEventsQueryType = z.infer<typeof ListWebhookEventsQuery>
