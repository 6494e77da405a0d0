import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203000000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" add column if not exists "contact_cursor" text null;`);
    this.addSql(`alter table if exists "sync_record" add column if not exists "baseline" jsonb null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" drop column if exists "contact_cursor";`);
    this.addSql(`alter table if exists "sync_record" drop column if exists "baseline";`);
  }

}
