import { model } from "@medusajs/framework/utils"

/**
 * What a person did to a connection: created, changed, tested, enabled, disabled, switched its mode, paused,
 * resumed, connected through OAuth or deleted it, or rotated the data key. `changed` names the options that
 * changed, never their values.
 */
export const ConnectionAudit = model
  .define("connection_audit", {
    id: model.id({ prefix: "icau" }).primaryKey(),
    connection_id: model.text(),
    action: model.enum(["create", "update", "test", "enable", "disable", "mode", "pause", "resume", "delete", "oauth_connect", "oauth_revoked", "rotate_key"]),
    /** The admin user's id (Medusa's auth context), null for a script or the hub itself. */
    actor_id: model.text().nullable(),
    /** Option paths that changed, e.g. ["apiKey", "services"]; never values. */
    changed: model.json().nullable(),
    /** The outcome of a test, the reason of a pause, the mode switched to… in words, secrets scrubbed. */
    note: model.text().nullable(),
  })
  .indexes([{ on: ["connection_id", "created_at"] }])
