import { model } from "@medusajs/framework/utils"

/** Durable key/value state a provider keeps per connection (cursors, the sandbox ERP's records). */
export const ProviderState = model
  .define("provider_state", {
    id: model.id({ prefix: "ipst" }).primaryKey(),
    connection_id: model.text(),
    key: model.text(),
    value: model.json(),
  })
  .indexes([{ on: ["connection_id", "key"], unique: true, where: "deleted_at IS NULL" }])
