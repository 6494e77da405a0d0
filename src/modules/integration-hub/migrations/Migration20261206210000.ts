import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * Bounded work and growth: each connection counts its rejected webhook deliveries per minute (the rest of a minute's
 * are one row); rejected deliveries are purged by age (their own index); a backfill of what shadow mode held back
 * pages over the held-back records by key (their own index) and keeps where it is as a cursor.
 */
export class Migration20261206210000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" add column if not exists "rejections_window_at" timestamptz null, add column if not exists "rejections_in_window" integer not null default 0;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_webhook_event_rejected_created_at" ON "webhook_event" ("created_at") WHERE status = 'rejected' AND deleted_at IS NULL;`);
    this.addSql(`alter table if exists "backfill_run" add column if not exists "cursor" text null;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_record_held_back" ON "sync_record" ("connection_id", "entity_type", "operation", "entity_id") WHERE status = 'skipped' AND skip_code = 'shadow' AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_sync_record_held_back";`);
    this.addSql(`alter table if exists "backfill_run" drop column if exists "cursor";`);
    this.addSql(`drop index if exists "IDX_webhook_event_rejected_created_at";`);
    this.addSql(`alter table if exists "connection_state" drop column if exists "rejections_window_at", drop column if exists "rejections_in_window";`);
  }

}
