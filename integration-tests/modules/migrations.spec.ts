import { Client } from "pg"
import { Migration20261122055726 } from "../../src/modules/integration-hub/migrations/Migration20261122055726"
import { Migration20261122112507 } from "../../src/modules/integration-hub/migrations/Migration20261122112507"

jest.setTimeout(60_000)

const server = { host: process.env.DB_HOST ?? "localhost", user: process.env.DB_USERNAME ?? "postgres", password: process.env.DB_PASSWORD || undefined }
const database = `hub_migrations_${process.pid}_${Date.now()}`

/** The SQL a migration's up() would run (the same statements `medusa db:migrate` runs). */
function statements(MigrationClass: new (driver: never, config: never) => { up(): Promise<void>; getQueries(): unknown[] }) {
  const migration = new MigrationClass(undefined as never, undefined as never)
  return migration.up().then(() => migration.getQueries() as string[])
}

describe("hub migrations on a database that already holds sync records", () => {
  let admin: Client
  let db: Client

  beforeAll(async () => {
    admin = new Client({ ...server, database: "postgres" })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    db = new Client({ ...server, database })
    await db.connect()
    for (const sql of await statements(Migration20261122055726)) await db.query(sql)
  })

  afterAll(async () => {
    await db?.end()
    await admin?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await admin?.end()
  })

  it("keys existing records by entity and operation, keeps webhook events, and enforces one record per effect", async () => {
    await db.query(`INSERT INTO sync_record (id, connection_id, entity_type, entity_id, operation, status, attempts, external_id)
      VALUES ('isync_a', 'erp', 'order', 'order_1', 'create', 'synced', 1, '17'), ('isync_b', 'erp', 'order', 'order_1', 'cancel', 'failed', 2, NULL)`)
    await db.query(`INSERT INTO webhook_event (id, connection_id, provider_event_id, signature_valid, status) VALUES ('iwh_a', 'erp', 'evt_1', true, 'processed')`)

    for (const sql of await statements(Migration20261122112507)) await db.query(sql)

    const { rows } = await db.query(`SELECT id, effect_key, direction, status, attempts, external_id, revision FROM sync_record ORDER BY id`)
    expect(rows).toEqual([
      { id: "isync_a", effect_key: "order:order_1:create", direction: "out", status: "synced", attempts: 1, external_id: "17", revision: null },
      { id: "isync_b", effect_key: "order:order_1:cancel", direction: "out", status: "failed", attempts: 2, external_id: null, revision: null },
    ])
    const events = await db.query(`SELECT id, status, payload_hash, payload_size FROM webhook_event`)
    expect(events.rows).toEqual([{ id: "iwh_a", status: "processed", payload_hash: "", payload_size: 0 }])

    await expect(
      db.query(`INSERT INTO sync_record (id, connection_id, effect_key, entity_type, entity_id, operation) VALUES ('isync_c', 'erp', 'order:order_1:create', 'order', 'order_1', 'create')`)
    ).rejects.toThrow(/IDX_sync_record_connection_id_effect_key_unique/)
    for (const table of ["sync_run", "connection_state"]) {
      expect((await db.query(`SELECT to_regclass($1) AS t`, [table])).rows[0].t).toBe(table)
    }
  })
})
