import { model } from "@medusajs/framework/utils"

/**
 * One backfill: past orders a person chose, sent to (or, as a dry run, checked against) one ERP connection. Its
 * counts move as it goes; it can be stopped and resumed where it stopped (`processed` orders of the selection).
 */
export const BackfillRun = model
  .define("backfill_run", {
    id: model.id({ prefix: "ibf" }).primaryKey(),
    connection_id: model.text(),
    /** A dry run reads and validates, and writes nothing anywhere. */
    dry_run: model.boolean().default(false),
    /** What was chosen: { from?, to?, order_numbers?, order_ids?, shadow_skipped? }. */
    selection: model.json(),
    status: model.enum(["running", "stopping", "stopped", "done", "failed"]).default("running"),
    /** Orders in the selection, and how many were handled (where a resumed run starts again). */
    total: model.number().default(0),
    processed: model.number().default(0),
    /** Where a run over what shadow mode held back stands: the last order handled (that selection shrinks as it goes). */
    cursor: model.text().nullable(),
    /** Per outcome: created, linked, existing, already, invalid, failed (and, in a dry run, what would happen). */
    counts: model.json(),
    /** The orders handled with their outcome in words (the first BACKFILL_ITEMS_KEPT), for the preview. */
    items: model.json(),
    error: model.text().nullable(),
    actor_id: model.text().nullable(),
    /** Written while the run lives: a `running` run whose heartbeat is old was interrupted (its process ended). */
    heartbeat_at: model.dateTime().nullable(),
    finished_at: model.dateTime().nullable(),
  })
  .indexes([{ on: ["connection_id", "created_at"], where: "deleted_at IS NULL" }])
