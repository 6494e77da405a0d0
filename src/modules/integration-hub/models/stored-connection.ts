import { model } from "@medusajs/framework/utils"

/**
 * A connection created from the admin (next to those in medusa-config, which win on an id clash): its options with
 * the secret ones taken out and kept encrypted in `secrets` ({ option path: ciphertext }, see secret-store.ts).
 * `version` grows with every change, so each instance sees a change by reading it.
 */
export const StoredConnection = model
  .define("stored_connection", {
    id: model.id({ prefix: "icon" }).primaryKey(),
    connection_id: model.text(),
    kind: model.enum(["erp", "shipping", "payment", "crm"]),
    provider: model.text(),
    enabled: model.boolean().default(true),
    mode: model.enum(["live", "shadow"]).default("live"),
    /** The options without their secrets. */
    options: model.json(),
    /** { option path: ciphertext } under a data key of secret_key. */
    secrets: model.json(),
    /** The connection's own settings beside its provider's options: { credentialsExpire: { option: "YYYY-MM-DD" } }. */
    settings: model.json().default({}),
    version: model.number().default(1),
    created_by: model.text().nullable(),
    updated_by: model.text().nullable(),
  })
  .indexes([{ on: ["connection_id"], unique: true, where: "deleted_at IS NULL" }])
