import { model } from "@medusajs/framework/utils"

/** One comparison of Medusa with a connection over a window of time: how much it checked and how much differed. */
export const ReconciliationRun = model
  .define("reconciliation_run", {
    id: model.id({ prefix: "irec" }).primaryKey(),
    connection_id: model.text(),
    /** "schedule" (the daily job) or "manual" (the button). */
    trigger: model.text(),
    window_from: model.dateTime(),
    window_to: model.dateTime(),
    status: model.enum(["running", "done", "failed"]).default("running"),
    checked: model.number().default(0),
    drift_count: model.number().default(0),
    /** Why a failed run failed, in words (redacted); a run cut short says so. */
    error: model.text().nullable(),
    finished_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["connection_id", "created_at"], where: "deleted_at IS NULL" },
    // One run at a time per connection: a second start (another instance, the button during the job) is refused.
    { on: ["connection_id"], unique: true, where: "status = 'running' AND deleted_at IS NULL" },
  ])
