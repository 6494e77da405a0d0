import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203120000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "sync_record" drop constraint if exists "sync_record_status_check";`);
    this.addSql(`alter table if exists "sync_record" add constraint "sync_record_status_check" check("status" in ('pending', 'running', 'synced', 'linked', 'failed', 'dead', 'skipped'));`);

    this.addSql(`alter table if exists "connection_state" add column if not exists "mode" text check ("mode" in ('live', 'shadow')) null, add column if not exists "mode_changed_at" timestamptz null, add column if not exists "mode_changed_by" text null;`);

    this.addSql(`create table if not exists "backfill_run" ("id" text not null, "connection_id" text not null, "dry_run" boolean not null default false, "selection" jsonb not null, "status" text check ("status" in ('running', 'stopping', 'stopped', 'done', 'failed')) not null default 'running', "total" integer not null default 0, "processed" integer not null default 0, "counts" jsonb not null, "items" jsonb not null, "error" text null, "actor_id" text null, "heartbeat_at" timestamptz null, "finished_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "backfill_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_backfill_run_connection_id_created_at" ON "backfill_run" ("connection_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_backfill_run_deleted_at" ON "backfill_run" ("deleted_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "reconciliation_run" ("id" text not null, "connection_id" text not null, "trigger" text not null, "window_from" timestamptz not null, "window_to" timestamptz not null, "status" text check ("status" in ('running', 'done', 'failed')) not null default 'running', "checked" integer not null default 0, "drift_count" integer not null default 0, "error" text null, "finished_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "reconciliation_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_reconciliation_run_connection_id_created_at" ON "reconciliation_run" ("connection_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_reconciliation_run_deleted_at" ON "reconciliation_run" ("deleted_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "drift_item" ("id" text not null, "run_id" text not null, "connection_id" text not null, "entity_type" text not null, "entity_id" text not null, "kind" text not null, "message" text not null, "details" jsonb null, "fixes" jsonb not null, "status" text check ("status" in ('open', 'fixed', 'ignored', 'superseded')) not null default 'open', "resolution" text null, "note" text null, "actor_id" text null, "resolved_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "drift_item_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_drift_item_run_id" ON "drift_item" ("run_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_drift_item_connection_id_status" ON "drift_item" ("connection_id", "status") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_drift_item_deleted_at" ON "drift_item" ("deleted_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "drift_item" cascade;`);
    this.addSql(`drop table if exists "reconciliation_run" cascade;`);
    this.addSql(`drop table if exists "backfill_run" cascade;`);
    this.addSql(`alter table if exists "connection_state" drop column if exists "mode", drop column if exists "mode_changed_at", drop column if exists "mode_changed_by";`);
    this.addSql(`alter table if exists "sync_record" drop constraint if exists "sync_record_status_check";`);
    this.addSql(`alter table if exists "sync_record" add constraint "sync_record_status_check" check("status" in ('pending', 'running', 'synced', 'failed', 'dead', 'skipped'));`);
  }

}
