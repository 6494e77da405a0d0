import { model } from "@medusajs/framework/utils"

/** What a person did to a sync record (edit-and-retry, retry, bulk retry, ignore with a reason), with who and which fields; values redacted. */
export const SyncAudit = model
  .define("sync_audit", {
    id: model.id({ prefix: "iaud" }).primaryKey(),
    sync_record_id: model.text(),
    action: model.enum(["edit", "retry", "bulk_retry", "ignore"]),
    /** The admin user's id (Medusa's auth context), null for API keys without a user. */
    actor_id: model.text().nullable(),
    /** For edits: [{ field, from, to }] with personal data redacted. */
    changes: model.json().nullable(),
    /** The outcome of a retry, or the reason a record was ignored. */
    note: model.text().nullable(),
  })
  .indexes([{ on: ["sync_record_id", "created_at"] }])
