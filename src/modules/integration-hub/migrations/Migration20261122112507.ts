import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122112507 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "sync_record" drop constraint if exists "sync_record_connection_id_effect_key_unique";`);
    this.addSql(`alter table if exists "connection_state" drop constraint if exists "connection_state_connection_id_unique";`);
    this.addSql(`create table if not exists "connection_state" ("id" text not null, "connection_id" text not null, "first_enabled_at" timestamptz not null, "swept_until" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "connection_state_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_connection_state_deleted_at" ON "connection_state" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_connection_state_connection_id_unique" ON "connection_state" ("connection_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "sync_run" ("id" text not null, "sync_record_id" text not null, "attempt" integer not null, "revision" text null, "trigger" text not null, "status" text check ("status" in ('running', 'synced', 'skipped', 'failed', 'dead', 'fenced')) not null default 'running', "external_id" text null, "summary" text null, "error" text null, "error_code" text null, "finished_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "sync_run_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_run_deleted_at" ON "sync_run" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_run_sync_record_id_created_at" ON "sync_run" ("sync_record_id", "created_at") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "webhook_event" drop constraint if exists "webhook_event_status_check";`);

    this.addSql(`drop index if exists "IDX_sync_record_connection_id_entity_type_entity_id_operation_unique";`);

    this.addSql(`alter table if exists "sync_record" add column if not exists "effect_key" text null, add column if not exists "direction" text check ("direction" in ('out', 'in')) not null default 'out', add column if not exists "revision" text null, add column if not exists "synced_revision" text null, add column if not exists "claim_token" text null, add column if not exists "skip_code" text null;`);
    // Existing records were unique per connection + entity + operation: that triple is their effect key.
    this.addSql(`update "sync_record" set "effect_key" = "entity_type" || ':' || "entity_id" || ':' || "operation" where "effect_key" is null;`);
    this.addSql(`alter table if exists "sync_record" alter column "effect_key" set not null;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_sync_record_connection_id_effect_key_unique" ON "sync_record" ("connection_id", "effect_key") WHERE deleted_at IS NULL;`);

    this.addSql(`alter table if exists "webhook_event" add column if not exists "payload_hash" text not null default '', add column if not exists "payload_size" integer not null default 0, add column if not exists "rejection_reason" text null, add column if not exists "occurred_at" timestamptz null, add column if not exists "entity_type" text null, add column if not exists "entity_id" text null, add column if not exists "sync_record_id" text null;`);
    this.addSql(`alter table if exists "webhook_event" alter column "provider_event_id" type text using ("provider_event_id"::text);`);
    this.addSql(`alter table if exists "webhook_event" alter column "provider_event_id" drop not null;`);
    this.addSql(`alter table if exists "webhook_event" add constraint "webhook_event_status_check" check("status" in ('received', 'processed', 'failed', 'dead', 'ignored', 'rejected'));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_webhook_event_connection_id_status_created_at" ON "webhook_event" ("connection_id", "status", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_webhook_event_entity_type_entity_id" ON "webhook_event" ("entity_type", "entity_id") WHERE deleted_at IS NULL AND entity_id IS NOT NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "connection_state" cascade;`);

    this.addSql(`drop table if exists "sync_run" cascade;`);

    this.addSql(`alter table if exists "webhook_event" drop constraint if exists "webhook_event_status_check";`);

    this.addSql(`drop index if exists "IDX_sync_record_connection_id_effect_key_unique";`);
    this.addSql(`alter table if exists "sync_record" drop column if exists "effect_key", drop column if exists "direction", drop column if exists "revision", drop column if exists "synced_revision", drop column if exists "claim_token", drop column if exists "skip_code";`);

    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_sync_record_connection_id_entity_type_entity_id_operation_unique" ON "sync_record" ("connection_id", "entity_type", "entity_id", "operation") WHERE deleted_at IS NULL;`);

    this.addSql(`drop index if exists "IDX_webhook_event_connection_id_status_created_at";`);
    this.addSql(`drop index if exists "IDX_webhook_event_entity_type_entity_id";`);
    this.addSql(`alter table if exists "webhook_event" drop column if exists "payload_hash", drop column if exists "payload_size", drop column if exists "rejection_reason", drop column if exists "occurred_at", drop column if exists "entity_type", drop column if exists "entity_id", drop column if exists "sync_record_id";`);

    this.addSql(`alter table if exists "webhook_event" alter column "provider_event_id" type text using ("provider_event_id"::text);`);
    this.addSql(`alter table if exists "webhook_event" alter column "provider_event_id" set not null;`);
    this.addSql(`alter table if exists "webhook_event" add constraint "webhook_event_status_check" check("status" in ('received', 'processed', 'failed', 'rejected'));`);
  }

}
