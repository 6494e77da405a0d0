import { Migration } from "@medusajs/framework/mikro-orm/migrations";

/** Who did what to a connection (option names, never values); a stored connection's own settings (credentialsExpire). */
export class Migration20261207160000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`create table if not exists "connection_audit" ("id" text not null, "connection_id" text not null, "action" text check ("action" in ('create', 'update', 'test', 'enable', 'disable', 'mode', 'pause', 'resume', 'delete', 'oauth_connect', 'oauth_revoked', 'rotate_key')) not null, "actor_id" text null, "changed" jsonb null, "note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "connection_audit_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_connection_audit_connection_id_created_at" ON "connection_audit" ("connection_id", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_connection_audit_deleted_at" ON "connection_audit" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`alter table if exists "stored_connection" add column if not exists "settings" jsonb not null default '{}';`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "stored_connection" drop column if exists "settings";`);
    this.addSql(`drop table if exists "connection_audit" cascade;`);
  }

}
