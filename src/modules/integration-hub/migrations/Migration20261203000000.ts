import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261203000000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" add column if not exists "contact_cursor" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" drop column if exists "contact_cursor";`);
  }

}
