import { model } from "@medusajs/framework/utils"

/** "deferred": the connection's circuit was open, so the run sent nothing and spent no attempt. */
export const RUN_STATUSES = ["running", "synced", "skipped", "failed", "dead", "fenced", "deferred"] as const
export type RunStatus = (typeof RUN_STATUSES)[number]

/** One attempt at a sync record: the history staff see per record. Its id is the claim's fencing token. */
export const SyncRun = model
  .define("sync_run", {
    id: model.id({ prefix: "isrun" }).primaryKey(),
    sync_record_id: model.text(),
    attempt: model.number(),
    /** The content revision this run sent. */
    revision: model.text().nullable(),
    /** What started it: event, retry, sweep, manual, webhook. */
    trigger: model.text(),
    /** "fenced": its lease had expired and another run took over, so its outcome was not applied. */
    status: model.enum([...RUN_STATUSES]).default("running"),
    external_id: model.text().nullable(),
    summary: model.text().nullable(),
    error: model.text().nullable(),
    error_code: model.text().nullable(),
    finished_at: model.dateTime().nullable(),
    /** A failed run a later run of the same record made good (auto-resolve): no longer needs anyone. */
    resolved_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["sync_record_id", "created_at"] },
    // The health report: the failed and dead runs of a period.
    { name: "IDX_sync_run_failures_created_at", on: ["created_at"], where: "status IN ('failed', 'dead') AND deleted_at IS NULL" },
  ])
