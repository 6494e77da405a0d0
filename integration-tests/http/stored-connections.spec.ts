import { execFileSync } from "node:child_process"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { SecretStore } from "../../src/modules/integration-hub/secret-store"
import { StoredConnections } from "../../src/modules/integration-hub/stored-connections"
import { STORED_CONNECTIONS_POLL_MS } from "../../src/modules/integration-hub/stored-connection-sync"
import { noteConnectionOutcome } from "../../src/sync/alerts"
import { warnOfExpiringCredentials } from "../../src/console/credential-expiry"
import { HubSpotOAuthServer, startHubSpotOAuthServer } from "../hubspot/oauth-server"
import { adminHeaders } from "../helpers/admin"
import { hub } from "../helpers/sync"

jest.setTimeout(120_000)

const ENCRYPTION_KEY = "3c".repeat(32)
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
// A configured CRM whose key the vendor ends in 10 days: the expiry warning's subject.
const IN_TEN_DAYS = new Date(Date.now() + 10 * 86_400_000).toISOString().slice(0, 10)
Object.assign(process.env, {
  INTEGRATION_SANDBOX_ERP: "true",
  INTEGRATION_ENCRYPTION_KEY: ENCRYPTION_KEY,
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([{ id: "crm-sbx", kind: "crm", provider: "sandbox-crm", credentialsExpire: { apiKey: IN_TEN_DAYS } }]),
})
const CLIENT = { clientId: "app-4711", clientSecret: "cs-Zr81qLm0vB2nT5xK9pW3" }

// Values that must never leave the server, nor sit in the database in clear.
const WEBHOOK_SECRET = "whsec_c3RvcmVkLWNhcnJpZXItc2VjcmV0LXZhbHVl"
const NEW_WEBHOOK_SECRET = "whsec_cm90YXRlZC1jYXJyaWVyLXNlY3JldC12YWx1ZQ=="
const SHIPSTATION_KEY = "TEST_ss_Kq29vXb81LmZr0pT"

type Problem = { path: string; message: string }
type Connection = {
  id: string
  source: string
  read_only: boolean
  version: number | null
  options: Record<string, unknown> | null
  secrets: Record<string, { set: boolean; mask: string | null }> | null
  audit: Array<{ action: string; actor_id: string | null; changed: string[] | null; note: string | null }>
  form: Array<{ path: string; secret: boolean }> | null
  oauth: { connected: boolean; expires_at: string | null } | null
}
type Body = {
  token: string
  connection: Connection
  connections: Array<{ id: string; source: string }>
  not_running: Array<{ id: string; problem: string }>
  problems: Problem[]
  message: string
  ok: boolean
  active: string
  reencrypted: number
  retired: string[]
  encryption_key: { set: boolean; fingerprint: string }
  data_keys: Array<{ id: string; status: string; values: number }>
  authorize_url: string
  redirect_uri: string
}
type Res = { status: number; data: Body }
type Api = {
  get: (url: string, config?: unknown) => Promise<Res & { headers: Record<string, string> }>
  post: (url: string, body?: unknown, config?: unknown) => Promise<Res>
  delete: (url: string, config?: unknown) => Promise<Res>
}

async function refused(request: Promise<unknown>) {
  const err = (await request.catch((e: unknown) => e)) as { response?: Res }
  if (!err.response) throw new Error("request unexpectedly succeeded")
  return err.response
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = STORED_CONNECTIONS_POLL_MS * 5): Promise<T> {
  const deadline = Date.now() + ms
  for (;;) {
    const found = await probe()
    if (found !== undefined) return found
    if (Date.now() > deadline) throw new Error(`waited ${ms} ms for ${what}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

const carrier = (overrides: Record<string, unknown> = {}) => ({
  connection_id: "carrier-eu",
  provider: "sandbox-carrier",
  options: { carrier: "eu-post", webhookSecret: WEBHOOK_SECRET, ...overrides },
})

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as unknown as Api
    let container: MedusaContainer
    let auth: { headers: { authorization: string } }
    const logged: string[] = []

    beforeAll(() => {
      // Observe (not replace) the app's logger: every line it writes is checked for secrets at the end.
      const logger = getContainer().resolve<Logger>(ContainerRegistrationKeys.LOGGER)
      for (const level of ["info", "warn", "error", "debug"] as const) {
        const original = logger[level].bind(logger)
        jest.spyOn(logger, level).mockImplementation((...args: unknown[]) => {
          logged.push(args.map(String).join(" "))
          return (original as (...a: unknown[]) => void)(...args)
        })
      }
    })

    beforeEach(async () => {
      container = getContainer()
      auth = await adminHeaders(container, api)
    })

    it("answers 401 without an admin session on every connection route", async () => {
      const routes: Array<["get" | "post" | "delete", string]> = [
        ["post", "/admin/integrations/connections"],
        ["get", "/admin/integrations/connections/erp"],
        ["post", "/admin/integrations/connections/erp"],
        ["delete", "/admin/integrations/connections/erp"],
        ["post", "/admin/integrations/connection-checks"],
        ["post", "/admin/integrations/connections/erp/oauth"],
        ["post", "/admin/integrations/connections/erp/test"],
        ["get", "/admin/integrations/secret-keys"],
        ["post", "/admin/integrations/secret-keys/rotate"],
        ["get", "/admin/integrations/providers"],
      ]
      for (const [method, url] of routes) {
        const res = await refused(method === "post" ? api.post(url, {}) : api[method](url))
        expect([url, res.status]).toEqual([url, 401])
      }
    })

    it("creates a connection from the admin: checked, its secret sealed and masked, running at once, audited by option name", async () => {
      const bad = await refused(api.post("/admin/integrations/connections", { connection_id: "Carrier EU", provider: "sandbox-carrier", options: { webhookSecret: "plain", services: [] } }, auth))
      expect(bad.status).toBe(400)
      // Every problem at once, each naming its field.
      expect(bad.data.problems.map((p) => p.path).sort()).toEqual(["connection_id", "options.services", "options.webhookSecret"])
      expect(bad.data.problems.find((p) => p.path === "options.webhookSecret")!.message).toMatch(/Standard Webhooks secret/)

      const clash = await refused(api.post("/admin/integrations/connections", { ...carrier(), connection_id: "erp" }, auth))
      expect(clash.data.problems).toEqual([{ path: "connection_id", message: '"erp" is a connection of medusa-config; pick another id' }])

      const created = await api.post("/admin/integrations/connections", carrier(), auth)
      expect(created.status).toBe(201)
      expect(JSON.stringify(created.data)).not.toContain(WEBHOOK_SECRET)
      expect(created.data.connection).toMatchObject({ id: "carrier-eu", source: "stored", read_only: false, version: 1, options: { carrier: "eu-post" } })
      expect(created.data.connection.secrets).toEqual({ webhookSecret: { set: true, mask: `••••${WEBHOOK_SECRET.slice(-4)}` } })
      expect(created.data.connection.audit).toEqual([
        expect.objectContaining({ action: "create", actor_id: expect.stringMatching(/^user_/), changed: ["carrier", "webhookSecret"] }),
      ])
      // Running on this instance at once: listed, with the config's read-only ones, and its provider works.
      const list = await api.get("/admin/integrations/connections", auth)
      expect(list.data.connections.map((c) => [c.id, c.source])).toEqual(expect.arrayContaining([["erp", "config"], ["carrier-eu", "stored"]]))
      const address = { name: "Ops", street: "Hauptstr. 1", city: "Berlin", postalCode: "10115", countryCode: "DE", phone: "+49301234567", province: null, company: null }
      const rates = await hub(container).getProvider("carrier-eu", "shipping").getRates({ from: address, to: address, parcels: [{ weightGrams: 500 }], currencyCode: "eur" })
      expect(rates.map((r) => [r.carrier, r.serviceCode])).toEqual([["eu-post", "standard"], ["eu-post", "express"]])
      const config = await api.get("/admin/integrations/connections/erp", auth)
      expect(config.data.connection).toMatchObject({ source: "config", read_only: true, options: null, secrets: null })
      expect((await refused(api.post("/admin/integrations/connections/erp", { enabled: false }, auth))).data.message).toMatch(/comes from medusa-config/)
    })

    it("changes a connection keeping the secrets left out, refuses a change over someone else's, and records names, never values", async () => {
      await api.post("/admin/integrations/connections", carrier(), auth)
      const changed = await api.post("/admin/integrations/connections/carrier-eu", { options: { carrier: "eu-post-2" }, expected_version: 1 }, auth)
      expect(changed.data.connection).toMatchObject({ version: 2, options: { carrier: "eu-post-2" }, secrets: { webhookSecret: { set: true, mask: `••••${WEBHOOK_SECRET.slice(-4)}` } } })
      expect(hub(container).connectionSecrets("carrier-eu")).toEqual([WEBHOOK_SECRET])

      const stale = await refused(api.post("/admin/integrations/connections/carrier-eu", { options: { carrier: "x" }, expected_version: 1 }, auth))
      expect([stale.status, stale.data.message]).toEqual([409, expect.stringMatching(/changed by someone else meanwhile \(version 2, not 1\)/)])

      await api.post("/admin/integrations/connections/carrier-eu", { options: { carrier: "eu-post-2", webhookSecret: NEW_WEBHOOK_SECRET } }, auth)
      await api.post("/admin/integrations/connections/carrier-eu", { enabled: false }, auth)
      expect(hub(container).findConnection("carrier-eu")?.enabled).toBe(false)
      const { data } = await api.get("/admin/integrations/connections/carrier-eu", auth)
      expect(data.connection.audit.map((a) => [a.action, a.changed])).toEqual([["disable", null], ["update", ["webhookSecret"]], ["update", ["carrier"]], ["create", ["carrier", "webhookSecret"]]])
      expect(JSON.stringify(data)).not.toContain(NEW_WEBHOOK_SECRET)
      expect(hub(container).connectionSecrets("carrier-eu")).toEqual([NEW_WEBHOOK_SECRET])
    })

    it("tests settings before saving them, in words without the key, and keeps the test in the audit", async () => {
      const shipstation = { connection_id: "shipstation", provider: "shipstation", options: { apiKey: SHIPSTATION_KEY, baseUrl: "http://127.0.0.1:9", carrierIds: ["se-123"] } }
      const check = await api.post("/admin/integrations/connection-checks", shipstation, auth)
      expect(check.data).toMatchObject({ connection_id: "shipstation", ok: false })
      expect(check.data.message).toMatch(/ECONNREFUSED|could not reach|refused/i)
      expect(JSON.stringify(check.data)).not.toContain(SHIPSTATION_KEY)
      expect(hub(container).findConnection("shipstation")).toBeUndefined()
      const invalid = await refused(api.post("/admin/integrations/connection-checks", { ...shipstation, options: { carrierIds: ["ups"] } }, auth))
      expect(invalid.data.problems.map((p) => p.path).sort()).toEqual(["options.apiKey", "options.carrierIds[0]"])

      await api.post("/admin/integrations/connections", carrier(), auth)
      // Saved settings with the secret left out: the stored one is used.
      const ok = await api.post("/admin/integrations/connection-checks", { connection_id: "carrier-eu", provider: "sandbox-carrier", options: { carrier: "eu-post" } }, auth)
      expect(ok.data).toMatchObject({ ok: true, message: 'Connection "carrier-eu" answered' })
      const running = await api.post("/admin/integrations/connections/carrier-eu/test", {}, auth)
      expect(running.data.ok).toBe(true)
      const { data } = await api.get("/admin/integrations/connections/carrier-eu", auth)
      expect(data.connection.audit.map((a) => [a.action, a.note])).toEqual([["test", "answered"], ["test", "unsaved settings: answered"], ["create", "shipping connection on sandbox-carrier"]])
    })

    it("sees a connection another instance stored within seconds, and refuses a tampered secret in words", async () => {
      // Another instance: its own stores over the same database and key; this one is not told.
      const execute = <T>(sql: string, params: unknown[]) => hub(container).execute<T>(sql, params)
      const other = new StoredConnections(execute, new SecretStore(execute, Buffer.from(ENCRYPTION_KEY, "hex")), (id) => id === "erp")
      await other.create({ connection_id: "carrier-us", provider: "sandbox-carrier", options: { carrier: "us-post", webhookSecret: WEBHOOK_SECRET } }, null)
      await until("the other instance's connection", () => hub(container).findConnection("carrier-us"))

      const [row] = await execute<{ secrets: Record<string, string> }>(`SELECT secrets FROM stored_connection WHERE connection_id = 'carrier-us' AND deleted_at IS NULL`, [])
      const sealed = row.secrets.webhookSecret
      const flipped = sealed.slice(0, -2) + (sealed.at(-2) === "A" ? "B" : "A") + sealed.at(-1)
      await execute(`UPDATE stored_connection SET secrets = ?::jsonb, version = version + 1 WHERE connection_id = 'carrier-us' AND deleted_at IS NULL`, [JSON.stringify({ webhookSecret: flipped })])
      const problem = await until("the tampered connection to stop", () => hub(container).catalog.problems.get("carrier-us"))
      expect(problem).toBe('the secret "webhookSecret" of connection "carrier-us" is damaged or was tampered with (or moved from another connection or field): it does not decrypt; enter it again')
      expect(hub(container).findConnection("carrier-us")).toBeUndefined()
      const list = await api.get("/admin/integrations/connections", auth)
      expect(list.data.not_running).toEqual([{ id: "carrier-us", problem }])

      // The same ciphertext read under another encryptionKey is refused too, in words.
      const wrongKey = new StoredConnections(execute, new SecretStore(execute, Buffer.from("4d".repeat(32), "hex")), () => false)
      const { problems } = await wrongKey.load()
      expect([...problems.values()]).toEqual([expect.stringMatching(/^Data key "idk_\w+" was wrapped under another encryptionKey .*: configure the encryptionKey it was made with, or re-wrap the data keys from the old one$/)])
    })

    it("rotates the data key without changing encryptionKey, deletes a connection with its secrets, and keeps no secret in clear anywhere", async () => {
      await api.post("/admin/integrations/connections", carrier(), auth)
      const before = await api.get("/admin/integrations/secret-keys", auth)
      expect(before.data.encryption_key).toEqual({ set: true, fingerprint: expect.any(String) })
      const oldKey = before.data.data_keys.find((k) => k.status === "active")!
      expect(oldKey.values).toBe(1)

      const rotated = await api.post("/admin/integrations/secret-keys/rotate", {}, auth)
      expect(rotated.data).toMatchObject({ reencrypted: 1, retired: [oldKey.id] })
      expect(rotated.data.active).not.toBe(oldKey.id)
      const after = await api.get("/admin/integrations/connections/carrier-eu", auth)
      expect(after.data.connection.secrets).toEqual({ webhookSecret: { set: true, mask: `••••${WEBHOOK_SECRET.slice(-4)}` } })
      expect(hub(container).connectionSecrets("carrier-eu")).toEqual([WEBHOOK_SECRET])

      const [{ db }] = await hub(container).execute<{ db: string }>(`SELECT current_database() AS db`, [])
      const dump = execFileSync("pg_dump", ["-h", process.env.DB_HOST ?? "localhost", "-U", process.env.DB_USERNAME ?? "postgres", "--data-only", db], { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "ignore"] })
      expect(dump).toContain("carrier-eu")
      for (const secret of [WEBHOOK_SECRET, SHIPSTATION_KEY, ENCRYPTION_KEY]) expect(dump).not.toContain(secret)

      await api.delete("/admin/integrations/connections/carrier-eu", auth)
      expect(hub(container).findConnection("carrier-eu")).toBeUndefined()
      const [gone] = await hub(container).execute<{ secrets: object }>(`SELECT secrets FROM stored_connection WHERE connection_id = 'carrier-eu'`, [])
      expect(gone.secrets).toEqual({})
      for (const secret of [WEBHOOK_SECRET, NEW_WEBHOOK_SECRET, SHIPSTATION_KEY, ENCRYPTION_KEY]) expect(logged.filter((l) => l.includes(secret))).toEqual([])
    })

    it("connects HubSpot through OAuth: single-use state, tokens sealed, refreshed through the lock, a revoked grant means reconnect, alerted once", async () => {
      const oauth: HubSpotOAuthServer = await startHubSpotOAuthServer({ ...CLIENT, expiresIn: 60 })
      try {
        const created = await api.post("/admin/integrations/connections", {
          connection_id: "crm-oauth", provider: "hubspot",
          options: { baseUrl: oauth.url, oauth: { ...CLIENT, apiBaseUrl: oauth.url, authorizeUrl: `${oauth.url}/oauth/authorize` } },
        }, auth)
        expect(created.data.connection.oauth).toEqual({ connected: false, expires_at: null, callback_path: "/hooks/integrations/oauth/callback" })
        const list = await api.get("/admin/integrations/connections", auth)
        expect(list.data.connections.find((c) => c.id === "crm-oauth")).toMatchObject({ health: { status: "reconnect_needed" } })

        const start = await api.post("/admin/integrations/connections/crm-oauth/oauth", {}, auth)
        const authorize = new URL(start.data.authorize_url)
        expect(`${authorize.origin}${authorize.pathname}`).toBe(`${oauth.url}/oauth/authorize`)
        expect(authorize.searchParams.get("client_id")).toBe(CLIENT.clientId)
        expect(authorize.searchParams.get("redirect_uri")).toBe(start.data.redirect_uri)
        const state = authorize.searchParams.get("state")!
        const code = oauth.issueCode(start.data.redirect_uri)
        const callback = (query: string) => api.get(`/hooks/integrations/oauth/callback?${query}`, { maxRedirects: 0, validateStatus: () => true })

        const missing = await callback(`code=${code}`)
        expect([missing.status, String(missing.data)]).toEqual([400, expect.stringContaining("The callback has no state")])
        const forged = await callback(`code=${code}&state=crm-oauth.forged`)
        expect([forged.status, String(forged.data)]).toEqual([400, expect.stringContaining("was used already, or was not issued here")])
        // The forged try took the pending state: a replay is refused the same way, so staff start again.
        const retry = await api.post("/admin/integrations/connections/crm-oauth/oauth", {}, auth)
        const good = new URL(retry.data.authorize_url).searchParams.get("state")!
        expect(good).not.toBe(state)
        const landed = await callback(`code=${oauth.issueCode(retry.data.redirect_uri)}&state=${encodeURIComponent(good)}`)
        expect([landed.status, landed.headers.location]).toEqual([302, "/app/integrations/connections/crm-oauth/settings?oauth=connected"])
        const replayed = await callback(`code=${oauth.issueCode(retry.data.redirect_uri)}&state=${encodeURIComponent(good)}`)
        expect(replayed.status).toBe(400)
        expect(oauth.counts.exchanges).toBe(1)

        const connected = await api.get("/admin/integrations/connections/crm-oauth", auth)
        expect(connected.data.connection.oauth).toMatchObject({ connected: true, expires_at: expect.any(String) })
        expect(connected.data.connection.audit[0]).toMatchObject({ action: "oauth_connect", actor_id: expect.stringMatching(/^user_/) })
        const [row] = await hub(container).execute<{ secrets: Record<string, string> }>(`SELECT secrets FROM stored_connection WHERE connection_id = 'crm-oauth' AND deleted_at IS NULL`, [])
        expect(Object.keys(row.secrets).sort()).toEqual(["$oauth_tokens", "oauth.clientSecret"])
        expect(row.secrets.$oauth_tokens).toMatch(/^v1\.idk_/)

        // Its token ends within 5 minutes: the first call refreshes it (through the locking module) and keeps the rotated
        // refresh token; the new one lasts HubSpot's 30 minutes, so the calls after it use it.
        oauth.setExpiresIn(1800)
        expect((await api.post("/admin/integrations/connections/crm-oauth/test", {}, auth)).data).toMatchObject({ ok: true })
        expect(oauth.counts.refreshes).toBe(1)
        expect(oauth.apiCalls.every((c) => c.status === 200)).toBe(true)

        // The app is uninstalled: the next refresh is refused, the grant dropped, the connection needs reconnecting.
        oauth.revoke()
        await api.post("/admin/integrations/connections/crm-oauth", { options: { baseUrl: oauth.url, portalId: "4711", oauth: { clientId: CLIENT.clientId, apiBaseUrl: oauth.url, authorizeUrl: `${oauth.url}/oauth/authorize` } } }, auth)
        const refused = await api.post("/admin/integrations/connections/crm-oauth/test", {}, auth)
        expect(refused.data).toMatchObject({ ok: false, code: "oauth_grant_revoked" })
        expect(refused.data.message).toMatch(/reconnect/i)
        expect(JSON.stringify(refused.data)).not.toContain(CLIENT.clientSecret)
        const after = await api.get("/admin/integrations/connections/crm-oauth", auth)
        expect(after.data.connection.oauth).toMatchObject({ connected: false })
        expect(after.data.connection.audit.map((a) => a.action)).toEqual(expect.arrayContaining(["oauth_revoked", "oauth_connect"]))

        // Its syncs fail on it: one alert, naming what to do, however many fail.
        const failed = { status: "failed" as const, error: refused.data.message, code: "oauth_grant_revoked", next_attempt_at: null }
        await noteConnectionOutcome(container, "crm-oauth", failed)
        await noteConnectionOutcome(container, "crm-oauth", failed)
        const alerts = await hub(container).execute<{ title: string; description: string }>(`SELECT title, description FROM alert_log WHERE connection_id = 'crm-oauth' AND state = 'credentials_refused'`, [])
        expect(alerts).toEqual([{ title: 'Integration "crm-oauth" needs reconnecting', description: expect.stringContaining("connect it again from Integrations → crm-oauth → Settings (Connect)") }])
      } finally {
        await oauth.close()
      }
    })

    it("names the refused option once per run of refusals, and warns 14 days before a known expiry, once", async () => {
      const unauthorized = { status: "failed" as const, error: "HTTP 401", code: "http_401", next_attempt_at: null }
      await noteConnectionOutcome(container, "crm-sbx", unauthorized)
      await noteConnectionOutcome(container, "crm-sbx", unauthorized)
      // A connection added from the admin gives its secret's end date beside it.
      const badDate = await refused(api.post("/admin/integrations/connections", { ...carrier(), credentials_expire: { webhookSecret: "next week" } }, auth))
      expect(badDate.data.problems).toEqual([{ path: "credentials_expire.webhookSecret", message: "must be a date, YYYY-MM-DD" }])
      const created = await api.post("/admin/integrations/connections", { ...carrier(), credentials_expire: { webhookSecret: IN_TEN_DAYS } }, auth)
      expect((created.data.connection as Connection & { credentials_expire: object }).credentials_expire).toEqual({ webhookSecret: IN_TEN_DAYS })
      expect(await warnOfExpiringCredentials(container)).toBe(2)
      const [stored] = await hub(container).execute<{ description: string }>(`SELECT description FROM alert_log WHERE connection_id = 'carrier-eu' AND state = 'credentials_expiring'`, [])
      expect(stored.description).toContain(`The option webhookSecret of connection "carrier-eu" expires in 10 days (${IN_TEN_DAYS}): make a new one with the vendor, enter it (Integrations → carrier-eu → Settings)`)
      await warnOfExpiringCredentials(container)
      const alerts = await hub(container).execute<{ state: string; description: string }>(`SELECT state, description FROM alert_log WHERE connection_id = 'crm-sbx' ORDER BY created_at`, [])
      expect(alerts).toEqual([
        { state: "credentials_refused", description: 'The vendor refused the credentials (HTTP 401) of connection "crm-sbx": check its credentials (medusa-config and its environment variables). Its records wait and are retried; none is lost.' },
        { state: "credentials_expiring", description: `The option apiKey of connection "crm-sbx" expires in 10 days (${IN_TEN_DAYS}): make a new one with the vendor, enter it (medusa-config and its environment variables) and set its new date in credentialsExpire.` },
      ])
    })
  },
})
