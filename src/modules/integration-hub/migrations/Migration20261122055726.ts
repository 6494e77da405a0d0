import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261122055726 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "webhook_event" drop constraint if exists "webhook_event_connection_id_provider_event_id_unique";`);
    this.addSql(`alter table if exists "sync_record" drop constraint if exists "sync_record_connection_id_entity_type_entity_id_operation_unique";`);
    this.addSql(`alter table if exists "provider_state" drop constraint if exists "provider_state_connection_id_key_unique";`);
    this.addSql(`create table if not exists "integration_log" ("id" text not null, "connection_id" text not null, "direction" text check ("direction" in ('in', 'out')) not null, "operation" text not null, "status" text check ("status" in ('success', 'error')) not null, "http_status" integer null, "duration_ms" integer not null, "sync_record_id" text null, "entity_type" text null, "entity_id" text null, "external_id" text null, "attempt" integer null, "request" jsonb null, "response" jsonb null, "error" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "integration_log_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_integration_log_deleted_at" ON "integration_log" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_integration_log_connection_id_direction_created_at" ON "integration_log" ("connection_id", "direction", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_integration_log_sync_record_id" ON "integration_log" ("sync_record_id") WHERE sync_record_id IS NOT NULL AND deleted_at IS NULL;`);

    this.addSql(`create table if not exists "provider_state" ("id" text not null, "connection_id" text not null, "key" text not null, "value" jsonb not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "provider_state_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_provider_state_deleted_at" ON "provider_state" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_provider_state_connection_id_key_unique" ON "provider_state" ("connection_id", "key") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "sync_record" ("id" text not null, "connection_id" text not null, "entity_type" text not null, "entity_id" text not null, "operation" text not null, "status" text check ("status" in ('pending', 'running', 'synced', 'failed', 'dead', 'skipped')) not null default 'pending', "external_id" text null, "external_number" text null, "external_ref" text null, "attempts" integer not null default 0, "next_attempt_at" timestamptz null, "locked_until" timestamptz null, "last_error" text null, "last_error_code" text null, "result_summary" text null, "synced_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "sync_record_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_record_deleted_at" ON "sync_record" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_sync_record_connection_id_entity_type_entity_id_operation_unique" ON "sync_record" ("connection_id", "entity_type", "entity_id", "operation") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_record_status_next_attempt_at" ON "sync_record" ("status", "next_attempt_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_sync_record_entity_type_entity_id" ON "sync_record" ("entity_type", "entity_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "webhook_event" ("id" text not null, "connection_id" text not null, "provider_event_id" text not null, "event_type" text null, "signature_valid" boolean not null, "status" text check ("status" in ('received', 'processed', 'failed', 'rejected')) not null default 'received', "payload" jsonb null, "error" text null, "processed_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "webhook_event_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_webhook_event_deleted_at" ON "webhook_event" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_webhook_event_connection_id_provider_event_id_unique" ON "webhook_event" ("connection_id", "provider_event_id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "integration_log" cascade;`);

    this.addSql(`drop table if exists "provider_state" cascade;`);

    this.addSql(`drop table if exists "sync_record" cascade;`);

    this.addSql(`drop table if exists "webhook_event" cascade;`);
  }

}
