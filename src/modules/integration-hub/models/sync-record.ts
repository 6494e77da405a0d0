import { model } from "@medusajs/framework/utils"

export const SYNC_STATUSES = ["pending", "running", "synced", "linked", "failed", "dead", "skipped"] as const
export type SyncStatus = (typeof SYNC_STATUSES)[number]
/**
 * The effect is in the external system: sent by the hub ("synced"), or found there as a legacy integration wrote
 * it and linked to ("linked", never created a second time). What depends on the effect treats both alike.
 */
export const DONE_STATUSES: readonly SyncStatus[] = ["synced", "linked"]
export const isDone = (status: string | null | undefined) => status === "synced" || status === "linked"

/**
 * The durable state of one effect on one external system (the outbox row). An effect has a stable key
 * (`order:<id>:create`, `refund:<id>`, `webhook:<event id>`) and a content revision: requesting the same
 * revision again does nothing, a new revision runs the effect again (an update). Each run is a `sync_run`.
 */
export const SyncRecord = model
  .define("sync_record", {
    id: model.id({ prefix: "isync" }).primaryKey(),
    connection_id: model.text(),
    /** Stable identity of the effect on this connection; unique per connection. */
    effect_key: model.text(),
    /** "out": we change the external system; "in": we apply one of its events to Medusa. */
    direction: model.enum(["out", "in"]).default("out"),
    /** Medusa entity this effect is shown on, e.g. "order". */
    entity_type: model.text(),
    entity_id: model.text(),
    /** What to do to it, e.g. "create" or "cancel"; with entity_type it names the operation. */
    operation: model.text(),
    status: model.enum([...SYNC_STATUSES]).default("pending"),
    /** Hash of the content last requested; null for once-only effects. */
    revision: model.text().nullable(),
    /** Revision the external system last received successfully. */
    synced_revision: model.text().nullable(),
    /** Id of the record in the external system once known. */
    external_id: model.text().nullable(),
    /** The external system's human number for it (e.g. Tryton's sale number). */
    external_number: model.text().nullable(),
    /** Stable reference we send as the idempotency key, e.g. "medusa:order_01…". */
    external_ref: model.text().nullable(),
    attempts: model.number().default(0),
    /** When the retry job may run it next; null when no retry is scheduled. */
    next_attempt_at: model.dateTime().nullable(),
    /** Lease of the run in progress, extended while it lives; an expired lease lets another process take over. */
    locked_until: model.dateTime().nullable(),
    /** Fencing token: the id of the run holding the lease. Only that run may settle the record. */
    claim_token: model.text().nullable(),
    /** Last failure, in words a store owner can act on (personal data redacted). */
    last_error: model.text().nullable(),
    last_error_code: model.text().nullable(),
    /** Why a record is skipped, e.g. "shadow" (can be sent once the connection is live). */
    skip_code: model.text().nullable(),
    /** Summary of the last outcome (e.g. what a cancel did in the ERP). */
    result_summary: model.text().nullable(),
    synced_at: model.dateTime().nullable(),
    /** Start of the current run of failures (cleared by success or new content): the retry budget in time counts from here. */
    failing_since: model.dateTime().nullable(),
    /** Corrections staff made to the data the error named (edit-and-retry), applied on top of Medusa's data. */
    corrections: model.json().nullable(),
    /**
     * Two-way records (a customer's contact): fingerprints of the fields both sides held after the last sync, so
     * each side's changes since can be told apart (no personal data: fingerprints only).
     */
    baseline: model.json().nullable(),
  })
  .indexes([
    { on: ["connection_id", "effect_key"], unique: true, where: "deleted_at IS NULL" },
    { on: ["status", "next_attempt_at"], where: "deleted_at IS NULL" },
    { on: ["entity_type", "entity_id"], where: "deleted_at IS NULL" },
    // What shadow mode held back, paged by key (backfill of the held-back orders).
    { name: "IDX_sync_record_held_back", on: ["connection_id", "entity_type", "operation", "entity_id"], where: "status = 'skipped' AND skip_code = 'shadow' AND deleted_at IS NULL" },
  ])
