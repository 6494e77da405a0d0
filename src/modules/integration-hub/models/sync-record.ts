import { model } from "@medusajs/framework/utils"

export const SYNC_STATUSES = ["pending", "running", "synced", "failed", "dead", "skipped"] as const
export type SyncStatus = (typeof SYNC_STATUSES)[number]

/** The durable state of one intended effect on one external system (the outbox row). */
export const SyncRecord = model
  .define("sync_record", {
    id: model.id({ prefix: "isync" }).primaryKey(),
    connection_id: model.text(),
    /** Medusa entity this effect is about, e.g. "order". */
    entity_type: model.text(),
    entity_id: model.text(),
    /** What to do to it, e.g. "create" or "cancel". */
    operation: model.text(),
    status: model.enum([...SYNC_STATUSES]).default("pending"),
    /** Id of the record in the external system once known. */
    external_id: model.text().nullable(),
    /** The ERP's human number for it (e.g. Tryton's sale number). */
    external_number: model.text().nullable(),
    /** Stable reference we send as the idempotency key, e.g. "medusa:order_01…". */
    external_ref: model.text().nullable(),
    attempts: model.number().default(0),
    /** When the retry job may run it next; null when no retry is scheduled. */
    next_attempt_at: model.dateTime().nullable(),
    /** Lease of the process running it: a crashed worker's record is picked up again after this. */
    locked_until: model.dateTime().nullable(),
    /** Last failure, in words a store owner can act on. */
    last_error: model.text().nullable(),
    last_error_code: model.text().nullable(),
    /** Summary of the last outcome (e.g. what a cancel did in the ERP). */
    result_summary: model.text().nullable(),
    synced_at: model.dateTime().nullable(),
  })
  .indexes([
    {
      on: ["connection_id", "entity_type", "entity_id", "operation"],
      unique: true,
      where: "deleted_at IS NULL",
    },
    { on: ["status", "next_attempt_at"], where: "deleted_at IS NULL" },
    { on: ["entity_type", "entity_id"], where: "deleted_at IS NULL" },
  ])
