import { model } from "@medusajs/framework/utils"

/** What the hub remembers per connection across restarts and instances. */
export const ConnectionState = model
  .define("connection_state", {
    id: model.id({ prefix: "icst" }).primaryKey(),
    connection_id: model.text(),
    /** When the connection was first seen enabled: the catch-up sweep never reaches back before it. */
    first_enabled_at: model.dateTime(),
    /** Entities changed up to here have been swept. */
    swept_until: model.dateTime().nullable(),
  })
  .indexes([{ on: ["connection_id"], unique: true, where: "deleted_at IS NULL" }])
