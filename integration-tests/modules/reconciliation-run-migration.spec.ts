import { Client } from "pg"
import { Migration20261122055726 } from "../../src/modules/integration-hub/migrations/Migration20261122055726"
import { Migration20261122112507 } from "../../src/modules/integration-hub/migrations/Migration20261122112507"
import { Migration20261201194710 } from "../../src/modules/integration-hub/migrations/Migration20261201194710"
import { Migration20261202145857 } from "../../src/modules/integration-hub/migrations/Migration20261202145857"
import { Migration20261202203000 } from "../../src/modules/integration-hub/migrations/Migration20261202203000"
import { Migration20261203000000 } from "../../src/modules/integration-hub/migrations/Migration20261203000000"
import { Migration20261203120000 } from "../../src/modules/integration-hub/migrations/Migration20261203120000"
import { Migration20261206190000 } from "../../src/modules/integration-hub/migrations/Migration20261206190000"

jest.setTimeout(60_000)

const server = { host: process.env.DB_HOST ?? "localhost", user: process.env.DB_USERNAME ?? "postgres", password: process.env.DB_PASSWORD || undefined }
const database = `hub_reconcile_migration_${process.pid}_${Date.now()}`

type MigrationClass = new (driver: never, config: never) => { up(): Promise<void>; getQueries(): unknown[] }

/** The SQL a migration's up() would run (the same statements `medusa db:migrate` runs). */
async function statements(M: MigrationClass) {
  const migration = new M(undefined as never, undefined as never)
  await migration.up()
  return migration.getQueries() as string[]
}

describe("the one-running-reconciliation index on a database where runs raced", () => {
  let admin: Client
  let db: Client

  beforeAll(async () => {
    admin = new Client({ ...server, database: "postgres" })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    db = new Client({ ...server, database })
    await db.connect()
    const before = [Migration20261122055726, Migration20261122112507, Migration20261201194710, Migration20261202145857, Migration20261202203000, Migration20261203000000, Migration20261203120000]
    for (const M of before) for (const sql of await statements(M)) await db.query(sql)
  })

  afterAll(async () => {
    await db?.end()
    await admin?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await admin?.end()
  })

  it("closes all but the newest running run of each connection, then refuses a second running one", async () => {
    await db.query(`INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status, created_at) VALUES
      ('irec_a', 'erp', 'manual', now() - interval '7 days', now(), 'running', now() - interval '2 minutes'),
      ('irec_b', 'erp', 'schedule', now() - interval '7 days', now(), 'running', now() - interval '1 minute'),
      ('irec_c', 'crm', 'schedule', now() - interval '7 days', now(), 'running', now()),
      ('irec_d', 'erp', 'schedule', now() - interval '8 days', now(), 'done', now() - interval '1 day')`)

    for (const sql of await statements(Migration20261206190000)) await db.query(sql)

    const { rows } = await db.query(`SELECT id, status, error, finished_at IS NOT NULL AS finished FROM reconciliation_run ORDER BY id`)
    expect(rows).toEqual([
      { id: "irec_a", status: "failed", error: "cut short: another reconciliation of the connection was running at the same time", finished: true },
      { id: "irec_b", status: "running", error: null, finished: false },
      { id: "irec_c", status: "running", error: null, finished: false },
      { id: "irec_d", status: "done", error: null, finished: false },
    ])
    await expect(
      db.query(`INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status) VALUES ('irec_e', 'erp', 'manual', now(), now(), 'running')`)
    ).rejects.toThrow(/IDX_reconciliation_run_connection_id_unique/)
    // Finished runs are not held to it.
    await db.query(`INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status) VALUES ('irec_f', 'erp', 'manual', now(), now(), 'failed')`)
  })
})
