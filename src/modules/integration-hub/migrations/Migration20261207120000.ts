import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * The console: each connection's health in 5-minute buckets (rolled up from the call log by a job, with a cursor on
 * the connection's state); pausing a connection from the admin; ignoring a record with a reason (audited); the call
 * log and webhook events listed newest first across connections; the history of the alerts sent.
 */
export class Migration20261207120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "health_bucket" ("id" text not null, "connection_id" text not null, "bucket_start" timestamptz not null, "calls" integer not null default 0, "successes" integer not null default 0, "errors" integer not null default 0, "vendor_errors" integer not null default 0, "throttled" integer not null default 0, "auth_errors" integer not null default 0, "duration_ms_total" integer not null default 0, "duration_ms_max" integer not null default 0, "latency_bins" jsonb not null, "queue" jsonb null, "circuit" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "health_bucket_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_health_bucket_connection_id_bucket_start_unique" ON "health_bucket" ("connection_id", "bucket_start") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_health_bucket_deleted_at" ON "health_bucket" ("deleted_at") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "connection_state" add column if not exists "health_rolled_until" timestamptz null, add column if not exists "paused_at" timestamptz null, add column if not exists "paused_by" text null, add column if not exists "paused_reason" text null;`);

    this.addSql(`alter table if exists "sync_audit" drop constraint if exists "sync_audit_action_check";`);
    this.addSql(`alter table if exists "sync_audit" add constraint "sync_audit_action_check" check("action" in ('edit', 'retry', 'bulk_retry', 'ignore'));`);

    this.addSql(`create table if not exists "alert_log" ("id" text not null, "connection_id" text not null, "state" text not null, "title" text not null, "description" text not null, "recipients" jsonb not null, "reached" jsonb not null, "resource_type" text null, "resource_id" text null, "idempotency_key" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "alert_log_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_alert_log_created_at" ON "alert_log" ("created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_alert_log_connection_id_created_at" ON "alert_log" ("connection_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_alert_log_idempotency_key_unique" ON "alert_log" ("idempotency_key") WHERE idempotency_key IS NOT NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_alert_log_deleted_at" ON "alert_log" ("deleted_at") WHERE deleted_at IS NULL;`);

    // The console's call log and webhook events, newest first across connections.
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_integration_log_created_at" ON "integration_log" ("created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_webhook_event_created_at" ON "webhook_event" ("created_at") WHERE deleted_at IS NULL;`);
    // The health report: the failed and dead runs of a period.
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_run_failures_created_at" ON "sync_run" ("created_at") WHERE status IN ('failed', 'dead') AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_sync_run_failures_created_at";`);
    this.addSql(`drop table if exists "alert_log" cascade;`);
    this.addSql(`drop index if exists "IDX_webhook_event_created_at";`);
    this.addSql(`drop index if exists "IDX_integration_log_created_at";`);
    this.addSql(`alter table if exists "sync_audit" drop constraint if exists "sync_audit_action_check";`);
    this.addSql(`alter table if exists "sync_audit" add constraint "sync_audit_action_check" check("action" in ('edit', 'retry', 'bulk_retry'));`);
    this.addSql(`alter table if exists "connection_state" drop column if exists "health_rolled_until", drop column if exists "paused_at", drop column if exists "paused_by", drop column if exists "paused_reason";`);
    this.addSql(`drop table if exists "health_bucket" cascade;`);
  }

}
