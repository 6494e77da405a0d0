import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202203000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" add column if not exists "stock_cursor" text null, add column if not exists "stock_full_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" drop column if exists "stock_cursor", drop column if exists "stock_full_at";`);
  }

}
