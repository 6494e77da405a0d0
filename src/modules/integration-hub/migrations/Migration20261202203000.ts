import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202203000 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "connection_state" add column if not exists "stock_cursor" text null, add column if not exists "stock_full_at" timestamptz null;`);

    this.addSql(`create table if not exists "erp_stock_level" ("id" text not null, "connection_id" text not null, "location_id" text not null, "sku" text not null, "inventory_item_id" text not null, "forecast" integer not null, "counted_reserved" integer not null, "stocked" integer not null, "imported_at" timestamptz not null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "erp_stock_level_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_erp_stock_level_deleted_at" ON "erp_stock_level" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_erp_stock_level_connection_id_location_id_sku_unique" ON "erp_stock_level" ("connection_id", "location_id", "sku") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_erp_stock_level_inventory_item_id_location_id" ON "erp_stock_level" ("inventory_item_id", "location_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "conflict_record" ("id" text not null, "entity" text not null, "entity_id" text not null, "field" text not null, "connection_id" text not null, "attempted_by" text not null, "winning_value" text null, "losing_value" text null, "winning_at" timestamptz null, "losing_at" timestamptz not null, "winner" text not null, "rule" text not null, "actor_id" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "conflict_record_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_conflict_record_deleted_at" ON "conflict_record" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_conflict_record_entity_created_at" ON "conflict_record" ("entity", "created_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_conflict_record_connection_id_created_at" ON "conflict_record" ("connection_id", "created_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "conflict_record" cascade;`);
    this.addSql(`drop table if exists "erp_stock_level" cascade;`);
    this.addSql(`alter table if exists "connection_state" drop column if exists "stock_cursor", drop column if exists "stock_full_at";`);
  }

}
