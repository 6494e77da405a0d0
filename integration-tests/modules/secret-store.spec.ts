import { readdirSync } from "node:fs"
import path from "node:path"
import { Client } from "pg"
import { SecretStore } from "../../src/modules/integration-hub/secret-store"
import { SecretError } from "../../src/lib/secrets/envelope"

jest.setTimeout(60_000)

const server = { host: process.env.DB_HOST ?? "localhost", user: process.env.DB_USERNAME ?? "postgres", password: process.env.DB_PASSWORD || undefined }
const database = `hub_secret_store_${process.pid}_${Date.now()}`
const KEY_A = Buffer.from("1f".repeat(32), "hex")
const KEY_B = Buffer.from("2e".repeat(32), "hex")
const API_KEY = "ss_live_Zq81mXr0pL4kT7vB"
const API_SECRET = "whsec_9sK2lQm4Vn7Rt1Yx"

type MigrationClass = new (driver: never, config: never) => { up(): Promise<void>; getQueries(): unknown[] }

describe("connection secrets kept in PostgreSQL under envelope keys", () => {
  let admin: Client
  let db: Client
  const execute = <T>(sql: string, params: unknown[]) => {
    let i = 0
    return db.query(sql.replace(/\?/g, () => `$${++i}`), params).then((r) => r.rows as T[])
  }
  const store = (key: Buffer | null) => new SecretStore(execute, key)
  const saveConnection = async (connectionId: string, secrets: Record<string, string>) =>
    db.query(`INSERT INTO stored_connection (id, connection_id, kind, provider, options, secrets) VALUES ($1, $2, 'shipping', 'shipstation', '{}', $3)`, [`icon_${connectionId}`, connectionId, secrets])
  const storedSecrets = async (connectionId: string) =>
    (await db.query(`SELECT secrets FROM stored_connection WHERE connection_id = $1`, [connectionId])).rows[0].secrets as Record<string, string>
  /** Every row of the two tables as text: what a database dump would show. */
  const dump = async () => JSON.stringify([(await db.query(`SELECT * FROM secret_key`)).rows, (await db.query(`SELECT * FROM stored_connection`)).rows])

  beforeAll(async () => {
    admin = new Client({ ...server, database: "postgres" })
    await admin.connect()
    await admin.query(`CREATE DATABASE "${database}"`)
    db = new Client({ ...server, database })
    await db.connect()
    const dir = path.join(__dirname, "../../src/modules/integration-hub/migrations")
    for (const file of readdirSync(dir).filter((f) => /^Migration\d+\.ts$/.test(f)).sort()) {
      const module = (await import(path.join(dir, file))) as Record<string, MigrationClass>
      const migration = new module[file.replace(/\.ts$/, "")](undefined as never, undefined as never)
      await migration.up()
      for (const sql of migration.getQueries() as string[]) await db.query(sql)
    }
  })

  afterAll(async () => {
    await db?.end()
    await admin?.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`)
    await admin?.end()
  })

  it("refuses, in words, to keep a secret without an encryptionKey", async () => {
    await expect(store(null).seal("carrier", { apiKey: API_KEY })).rejects.toThrow(
      new SecretError(
        `Connection "carrier" has secrets (apiKey): the plugin has no encryptionKey, so secrets cannot be kept in the database. Set the plugin option encryptionKey (32 bytes: \`openssl rand -hex 32\`), or keep this connection in medusa-config with its secrets in environment variables`
      )
    )
  })

  it("keeps secrets encrypted (nothing in clear in any column), reads them back, and makes one data key across processes", async () => {
    const [one, two] = await Promise.all([store(KEY_A).seal("carrier", { apiKey: API_KEY, webhookSecret: API_SECRET }), store(KEY_A).seal("crm", { accessToken: API_KEY })])
    await saveConnection("carrier", one)
    await saveConnection("crm", two)
    expect((await db.query(`SELECT count(*)::int AS n FROM secret_key WHERE status = 'active'`)).rows[0].n).toBe(1)
    const text = await dump()
    for (const secret of [API_KEY, API_SECRET, KEY_A.toString("hex"), KEY_A.toString("base64")]) expect(text).not.toContain(secret)
    expect(await store(KEY_A).open("carrier", await storedSecrets("carrier"))).toEqual({ apiKey: API_KEY, webhookSecret: API_SECRET })
  })

  it("refuses a tampered value and a wrong encryptionKey, naming the connection, the field or the key", async () => {
    const secrets = await storedSecrets("carrier")
    const [v, id, iv, tag, body] = secrets.apiKey.split(".")
    const flipped = Buffer.from(body, "base64")
    flipped[3] ^= 0x10
    await expect(store(KEY_A).open("carrier", { apiKey: [v, id, iv, tag, flipped.toString("base64")].join(".") })).rejects.toThrow(
      /^the secret "apiKey" of connection "carrier" is damaged or was tampered with/
    )
    await expect(store(KEY_B).open("carrier", secrets)).rejects.toThrow(/^Data key "idk_\w+" was wrapped under another encryptionKey \(fingerprint [0-9a-f]{16}; the configured one is [0-9a-f]{16}\)/)
  })

  it("rotates the data key: every secret re-encrypted under the new one, the old one retired and erased; again is harmless", async () => {
    const [before] = (await db.query(`SELECT id FROM secret_key WHERE status = 'active'`)).rows
    const rotated = await store(KEY_A).rotate()
    expect(rotated).toEqual({ active: expect.stringMatching(/^idk_/), reencrypted: 2, retired: [before.id] })
    expect(rotated.active).not.toBe(before.id)
    expect((await db.query(`SELECT status, wrapped FROM secret_key WHERE id = $1`, [before.id])).rows[0]).toEqual({ status: "retired", wrapped: "" })
    expect((await storedSecrets("carrier")).apiKey.split(".")[1]).toBe(rotated.active)
    expect(await store(KEY_A).open("carrier", await storedSecrets("carrier"))).toEqual({ apiKey: API_KEY, webhookSecret: API_SECRET })
    expect(await store(KEY_A).rotate()).toMatchObject({ reencrypted: 2, retired: [rotated.active] })
  })

  it("takes a new encryptionKey by re-wrapping the data keys only", async () => {
    const before = await storedSecrets("crm")
    expect(await store(KEY_B).rewrapFrom(KEY_A)).toEqual({ rewrapped: 1 })
    expect(await storedSecrets("crm")).toEqual(before)
    expect(await store(KEY_B).open("crm", before)).toEqual({ accessToken: API_KEY })
    await expect(store(KEY_A).open("crm", before)).rejects.toThrow(/was wrapped under another encryptionKey/)
    expect(await store(KEY_B).rewrapFrom(KEY_A)).toEqual({ rewrapped: 0 })
  })
})
