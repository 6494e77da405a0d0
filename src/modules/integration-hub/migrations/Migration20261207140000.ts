import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/**
 * Connections created from the admin, with their secrets encrypted under data keys that are themselves wrapped
 * under the plugin's encryptionKey (one active at a time).
 */
export class Migration20261207140000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "secret_key" ("id" text not null, "wrapped" text not null, "kek_fingerprint" text not null, "status" text check ("status" in ('active', 'retiring', 'retired')) not null default 'active', "retired_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "secret_key_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_secret_key_one_active" ON "secret_key" ("status") WHERE status = 'active' AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_secret_key_deleted_at" ON "secret_key" ("deleted_at") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "stored_connection" ("id" text not null, "connection_id" text not null, "kind" text check ("kind" in ('erp', 'shipping', 'payment', 'crm')) not null, "provider" text not null, "enabled" boolean not null default true, "mode" text check ("mode" in ('live', 'shadow')) not null default 'live', "options" jsonb not null, "secrets" jsonb not null, "version" integer not null default 1, "created_by" text null, "updated_by" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "stored_connection_pkey" primary key ("id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_stored_connection_connection_id_unique" ON "stored_connection" ("connection_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_stored_connection_deleted_at" ON "stored_connection" ("deleted_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "stored_connection" cascade;`);
    this.addSql(`drop table if exists "secret_key" cascade;`);
  }

}
