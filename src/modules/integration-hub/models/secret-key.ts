import { model } from "@medusajs/framework/utils"

/**
 * A data key of the connection secrets kept in the database, wrapped (AES-256-GCM) under the key derived from the
 * plugin's `encryptionKey`, whose fingerprint it names. One is active (new values are encrypted under it); a
 * rotation makes a new one active, re-encrypts every value, then retires the old one.
 */
export const SecretKey = model
  .define("secret_key", {
    id: model.id({ prefix: "idk" }).primaryKey(),
    wrapped: model.text(),
    kek_fingerprint: model.text(),
    /** active: new values go under it; retiring: a rotation is moving values off it; retired: nothing is under it. */
    status: model.enum(["active", "retiring", "retired"]).default("active"),
    retired_at: model.dateTime().nullable(),
  })
  .indexes([{ name: "IDX_secret_key_one_active", on: ["status"], unique: true, where: "status = 'active' AND deleted_at IS NULL" }])
