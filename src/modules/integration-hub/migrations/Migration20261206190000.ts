import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261206190000 extends Migration {

  override async up(): Promise<void> {
    // One running reconciliation per connection: runs that raced each other before this index are closed first
    // (the newest of a connection stays running), or the index could not be built.
    this.addSql(`update "reconciliation_run" r set "status" = 'failed', "finished_at" = now(), "updated_at" = now(), "error" = 'cut short: another reconciliation of the connection was running at the same time' where r."status" = 'running' and r."deleted_at" is null and exists (select 1 from "reconciliation_run" n where n."connection_id" = r."connection_id" and n."status" = 'running' and n."deleted_at" is null and (n."created_at", n."id") > (r."created_at", r."id"));`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_reconciliation_run_connection_id_unique" ON "reconciliation_run" ("connection_id") WHERE status = 'running' AND deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop index if exists "IDX_reconciliation_run_connection_id_unique";`);
  }

}
