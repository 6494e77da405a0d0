import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202145857 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "payment_drift" drop constraint if exists "payment_drift_connection_id_payment_id_field_unique";`);
    this.addSql(`create table if not exists "payment_drift" ("id" text not null, "connection_id" text not null, "payment_id" text not null, "order_id" text null, "gateway_payment_id" text not null, "field" text check ("field" in ('status', 'captured_amount', 'refunded_amount', 'currency', 'missing_at_gateway')) not null, "medusa_value" text not null, "gateway_value" text null, "detected_at" timestamptz not null, "last_seen_at" timestamptz not null, "resolved_at" timestamptz null, "note" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "payment_drift_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_drift_deleted_at" ON "payment_drift" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_payment_drift_connection_id_payment_id_field_unique" ON "payment_drift" ("connection_id", "payment_id", "field") WHERE resolved_at IS NULL AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_drift_resolved_at_detected_at" ON "payment_drift" ("resolved_at", "detected_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "payment_drift" cascade;`);
  }

}
