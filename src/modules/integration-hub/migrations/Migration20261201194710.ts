import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261201194710 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "sync_audit" ("id" text not null, "sync_record_id" text not null, "action" text check ("action" in ('edit', 'retry', 'bulk_retry')) not null, "actor_id" text null, "changes" jsonb null, "note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "sync_audit_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_audit_deleted_at" ON "sync_audit" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_audit_sync_record_id_created_at" ON "sync_audit" ("sync_record_id", "created_at") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "sync_run" drop constraint if exists "sync_run_status_check";`);

    this.addSql(`alter table if exists "connection_state" add column if not exists "consecutive_failures" integer not null default 0, add column if not exists "consecutive_successes" integer not null default 0, add column if not exists "alerted_at" timestamptz null, add column if not exists "last_success_at" timestamptz null, add column if not exists "last_failure_at" timestamptz null;`);

    this.addSql(`alter table if exists "integration_log" add column if not exists "step" text null, add column if not exists "compensation" boolean not null default false;`);

    this.addSql(`alter table if exists "sync_record" add column if not exists "failing_since" timestamptz null, add column if not exists "corrections" jsonb null;`);

    this.addSql(`alter table if exists "sync_run" add column if not exists "resolved_at" timestamptz null;`);
    this.addSql(`alter table if exists "sync_run" add constraint "sync_run_status_check" check("status" in ('running', 'synced', 'skipped', 'failed', 'dead', 'fenced', 'deferred'));`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "sync_audit" cascade;`);

    this.addSql(`alter table if exists "sync_run" drop constraint if exists "sync_run_status_check";`);

    this.addSql(`alter table if exists "connection_state" drop column if exists "consecutive_failures", drop column if exists "consecutive_successes", drop column if exists "alerted_at", drop column if exists "last_success_at", drop column if exists "last_failure_at";`);

    this.addSql(`alter table if exists "integration_log" drop column if exists "step", drop column if exists "compensation";`);

    this.addSql(`alter table if exists "sync_record" drop column if exists "failing_since", drop column if exists "corrections";`);

    this.addSql(`alter table if exists "sync_run" drop column if exists "resolved_at";`);

    this.addSql(`alter table if exists "sync_run" add constraint "sync_run_status_check" check("status" in ('running', 'synced', 'skipped', 'failed', 'dead', 'fenced'));`);
  }

}
