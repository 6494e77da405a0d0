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
    /** Runs that failed in a row for a reason a retry can fix (the vendor, not the data); success resets it. */
    consecutive_failures: model.number().default(0),
    /** Runs that succeeded in a row: an alert is lifted only after as many successes as failures raised it. */
    consecutive_successes: model.number().default(0),
    /** When the open alert was sent; cleared, with a recovery notice, by the next success. */
    alerted_at: model.dateTime().nullable(),
    last_success_at: model.dateTime().nullable(),
    last_failure_at: model.dateTime().nullable(),
    /** Where the next stock import asks the ERP for changes from (the provider's cursor); null: the next one is full. */
    stock_cursor: model.text().nullable(),
    /** When the last full stock import (every SKU) finished; a full one is due `inventory.fullEveryHours` later. */
    stock_full_at: model.dateTime().nullable(),
    /** CRM connections: the cursor of the last look for contacts changed in the CRM (the provider's own). */
    contact_cursor: model.text().nullable(),
    /** The mode staff switched the connection to (cutover); null: the mode its options give. */
    mode: model.enum(["live", "shadow"]).nullable(),
    mode_changed_at: model.dateTime().nullable(),
    /** The admin user who switched it. */
    mode_changed_by: model.text().nullable(),
    /** The minute whose rejected webhook deliveries `rejections_in_window` counts (webhooks.maxRejectionsPerMinute). */
    rejections_window_at: model.dateTime().nullable(),
    rejections_in_window: model.number().default(0),
    /** Call log rows before this are rolled up into health buckets. */
    health_rolled_until: model.dateTime().nullable(),
    /** Paused from the admin: its records wait (nothing is lost) until it is resumed. */
    paused_at: model.dateTime().nullable(),
    paused_by: model.text().nullable(),
    paused_reason: model.text().nullable(),
  })
  .indexes([{ on: ["connection_id"], unique: true, where: "deleted_at IS NULL" }])
