import { model } from "@medusajs/framework/utils"

/**
 * One difference a reconciliation found between Medusa and a connection, in words, with the fixes the
 * source-of-truth matrix allows; how it was settled (which fix, by whom, why, what it did) is kept on it.
 */
export const DriftItem = model
  .define("drift_item", {
    id: model.id({ prefix: "irdi" }).primaryKey(),
    run_id: model.text(),
    connection_id: model.text(),
    entity_type: model.text(),
    entity_id: model.text(),
    /** missing | deleted | unreadable (the ERP could not read the sale) | total | lines | state | stock | payment | contact | deal */
    kind: model.text(),
    /** What differs, naming the record and the field. */
    message: model.text(),
    /** Both sides' values (no personal data). */
    details: model.json().nullable(),
    /** The fixes offered: "resend", "accept", "ignore". */
    fixes: model.json(),
    /** open → fixed | ignored; superseded when a later run of the connection looked again. */
    status: model.enum(["open", "fixed", "ignored", "superseded"]).default("open"),
    resolution: model.text().nullable(),
    /** The reason given (ignore) or what the fix did. */
    note: model.text().nullable(),
    actor_id: model.text().nullable(),
    resolved_at: model.dateTime().nullable(),
  })
  .indexes([
    { on: ["run_id"], where: "deleted_at IS NULL" },
    { on: ["connection_id", "status"], where: "deleted_at IS NULL" },
  ])
