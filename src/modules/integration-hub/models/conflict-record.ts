import { model } from "@medusajs/framework/utils"

/**
 * A write that reached a system that does not own the data (sourceOfTruth), and was not applied: what it was
 * about, both values and when each was true, who won and by which rule. Personal data is never stored here.
 */
export const ConflictRecord = model
  .define("conflict_record", {
    id: model.id({ prefix: "icfl" }).primaryKey(),
    /** The entity of the matrix ("inventory", "customer", "order", …) and the record, e.g. an inventory item id. */
    entity: model.text(),
    entity_id: model.text(),
    /** The field, e.g. "stocked_quantity"; with where it applies when that matters ("stocked_quantity@sloc_…"). */
    field: model.text(),
    /** The connection on the other side. */
    connection_id: model.text(),
    /** Where the write that lost came from: "medusa" (e.g. the admin) or the connection's id. */
    attempted_by: model.text(),
    /** The winner's value and the loser's (as text), and when each was set. */
    winning_value: model.text().nullable(),
    losing_value: model.text().nullable(),
    winning_at: model.dateTime().nullable(),
    losing_at: model.dateTime(),
    /** "medusa" or the connection's id. */
    winner: model.text(),
    /** The rule that decided, in words: `sourceOfTruth.inventory = "erp"`, or "latest timestamp wins". */
    rule: model.text(),
    /** The admin user who attempted it, when it was one. */
    actor_id: model.text().nullable(),
  })
  .indexes([
    { on: ["entity", "created_at"], where: "deleted_at IS NULL" },
    { on: ["connection_id", "created_at"], where: "deleted_at IS NULL" },
  ])
