import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { CallLogEntry, CallRecorder } from "../../../lib/http/call-recorder"
import { HttpClient } from "../../../lib/http/client"
import { IntegrationError } from "../../../lib/errors"
import { buildProvider } from "../../../testing/build-provider"
import type { CredentialStore, OAuthTokens } from "../../types"
import { HubSpotOAuthServer, startHubSpotOAuthServer } from "../../../../integration-tests/hubspot/oauth-server"
import { HubSpotClient, privateAppAuth } from "../client"
import { exchangeHubSpotCode, hubSpotAuthorizeUrl, HubSpotGrantRevoked, HubSpotTokenSource, refreshHubSpotTokens } from "../oauth"
import { isOAuthCapable } from "../../oauth-capable"
import { HubSpotCrmProvider } from "../service"

const CLIENT_ID = "5d3c1b7e-1111-4222-8333-944445555666"
const CLIENT_SECRET = "cs-7f3a9e2b-unit-secret-4c1d"
const REDIRECT = "https://shop.example.com/admin/integrations/crm/oauth/callback"

/** The hub's credential store, in memory: the lock is a promise chain; every lock taken and revocation is counted. */
function memoryCredentials(initial: OAuthTokens | null = null) {
  let tokens = initial
  let chain: Promise<unknown> = Promise.resolve()
  const seen = { locks: 0, writes: 0, revoked: [] as string[] }
  const store: CredentialStore = {
    readTokens: async () => (tokens ? { ...tokens } : null),
    writeTokens: async (t) => {
      seen.writes++
      tokens = { ...t }
    },
    withLock: <T>(fn: () => Promise<T>) => {
      seen.locks++
      const run = chain.then(fn, fn)
      chain = run.catch(() => undefined)
      return run
    },
    grantRevoked: async (reason) => {
      seen.revoked.push(reason)
      tokens = null
    },
  }
  return { store, seen, tokens: () => tokens }
}

describe("HubSpot OAuth 2 against a token endpoint written from HubSpot's documentation", () => {
  let server: HubSpotOAuthServer
  let logs: CallLogEntry[]
  beforeEach(async () => {
    server = await startHubSpotOAuthServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
    logs = []
  })
  afterEach(() => server.close())

  /** The hub's HTTP layer as the service gets it: the client secret among the secrets scrubbed from log rows. */
  const http = () => new HttpClient({ baseURL: server.url, timeoutMs: 2_000, recorder: new CallRecorder({ connectionId: "crm", secrets: [CLIENT_SECRET], log: async (e) => void logs.push(e) }) })
  const refresher = (h = http()) => (refreshToken: string) => refreshHubSpotTokens(h, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken })
  /** A connected store: a code issued by the server, exchanged. */
  async function connected() {
    const tokens = await exchangeHubSpotCode(http(), { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, code: server.issueCode(REDIRECT) })
    return memoryCredentials(tokens)
  }
  const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err)

  it("builds HubSpot's authorize URL with every parameter encoded", () => {
    const url = new URL(hubSpotAuthorizeUrl({ clientId: CLIENT_ID, redirectUri: REDIRECT, scopes: ["crm.objects.contacts.read", "crm.objects.contacts.write"], state: "st/1+2" }))
    expect(url.origin + url.pathname).toBe("https://app.hubspot.com/oauth/authorize")
    expect(Object.fromEntries(url.searchParams)).toEqual({ client_id: CLIENT_ID, scope: "crm.objects.contacts.read crm.objects.contacts.write", redirect_uri: REDIRECT, state: "st/1+2" })
    expect(url.search).toContain("scope=crm.objects.contacts.read%20crm.objects.contacts.write")
  })

  it("exchanges a code in a form body for tokens lasting expires_in (30 minutes); the code works once", async () => {
    const before = Date.now()
    const code = server.issueCode(REDIRECT)
    const tokens = await exchangeHubSpotCode(http(), { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, code })
    expect(server.isValidAccessToken(tokens.accessToken)).toBe(true)
    expect(server.isValidRefreshToken(tokens.refreshToken)).toBe(true)
    const lifetime = Date.parse(tokens.expiresAt) - before
    expect(lifetime).toBeGreaterThanOrEqual(1_800_000)
    expect(lifetime).toBeLessThan(1_805_000)
    expect(server.tokenRequests[0]).toEqual({
      contentType: "application/x-www-form-urlencoded", grantType: "authorization_code", status: 200,
      fields: expect.arrayContaining(["grant_type", "code", "redirect_uri", "client_id", "client_secret"]),
    })

    const again = await failure(exchangeHubSpotCode(http(), { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, code }))
    expect(again).toBeInstanceOf(HubSpotGrantRevoked)
    expect(again).toMatchObject({ code: "oauth_grant_revoked", retryable: false, grant: "authorization_code", httpStatus: 400 })
    expect((again as Error).message).toMatch(/authorization code .*Reconnect HubSpot/)
  })

  it("a wrong client secret keeps the HTTP layer's classification and names the options to check", async () => {
    const err = await failure(exchangeHubSpotCode(http(), { clientId: CLIENT_ID, clientSecret: "cs-wrong-one-0000", redirectUri: REDIRECT, code: server.issueCode(REDIRECT) }))
    expect(err).not.toBeInstanceOf(HubSpotGrantRevoked)
    expect(err).toMatchObject({ code: "http_400", retryable: false, httpStatus: 400 })
    expect((err as Error).message).toMatch(/invalid_client.*options\.oauth\.clientId and options\.oauth\.clientSecret/)
  })

  it("returns the stored token while it lasts, and renews it when it ends within 5 minutes", async () => {
    const creds = await connected()
    const first = creds.tokens()!
    const tokens = new HubSpotTokenSource(creds.store, refresher(), "crm")
    expect(await tokens.accessToken()).toBe(first.accessToken)
    expect(server.counts.refreshes).toBe(0)

    // 4 minutes from now: inside the 5-minute margin.
    const source = new HubSpotTokenSource(creds.store, refresher(), "crm", { now: () => Date.parse(first.expiresAt) - 4 * 60_000 })
    const renewed = await source.accessToken()
    expect(server.counts.refreshes).toBe(1)
    expect(renewed).not.toBe(first.accessToken)
    expect(creds.tokens()!.accessToken).toBe(renewed)
    expect(server.isValidAccessToken(renewed)).toBe(true)
    expect((await source.tokenExpiry())?.toISOString()).toBe(creds.tokens()!.expiresAt)
  })

  it("two calls at once in one process share one renewal (one lock taken, one refresh)", async () => {
    server.setExpiresIn(120)
    const creds = await connected()
    const source = new HubSpotTokenSource(creds.store, refresher(), "crm")
    const [a, b] = await Promise.all([source.accessToken(), source.accessToken()])
    expect(a).toBe(b)
    expect(server.counts.refreshes).toBe(1)
    expect(creds.seen.locks).toBe(1)
  })

  it("a second instance that waited for the lock finds the tokens renewed and does not renew again", async () => {
    server.setExpiresIn(120)
    const creds = await connected()
    server.setExpiresIn(1800)
    const one = new HubSpotTokenSource(creds.store, refresher(), "crm")
    const two = new HubSpotTokenSource(creds.store, refresher(), "crm")
    // Both read tokens that end soon and ask for the lock; the second gets it after the first renewed.
    const [a, b] = await Promise.all([one.accessToken(), two.accessToken()])
    expect(creds.seen.locks).toBe(2)
    expect(server.counts.refreshes).toBe(1)
    expect(server.counts.refused).toBe(0)
    expect(b).toBe(a)
    // Later, a fresh token is simply used.
    expect(await two.accessToken()).toBe(a)
    expect(server.counts.refreshes).toBe(1)
  })

  it("keeps the rotated refresh token; the old one is refused by the server", async () => {
    server.setExpiresIn(120)
    const creds = await connected()
    const old = creds.tokens()!.refreshToken
    const source = new HubSpotTokenSource(creds.store, refresher(), "crm")
    await source.accessToken()
    const kept = creds.tokens()!.refreshToken
    expect(kept).not.toBe(old)
    expect(server.isValidRefreshToken(kept)).toBe(true)
    expect(server.isValidRefreshToken(old)).toBe(false)
    const replay = await failure(refresher()(old))
    expect(replay).toBeInstanceOf(HubSpotGrantRevoked)
    // The kept one goes on working.
    await source.accessToken()
    expect(server.counts.refreshes).toBe(2)
  })

  it("a 401 renews the token once and repeats the call once with the new token", async () => {
    const creds = await connected()
    const source = new HubSpotTokenSource(creds.store, refresher(), "crm")
    const client = new HubSpotClient(http(), source.auth("reconnect"))
    server.expireAccessTokens()
    expect(await client.property("contacts", "medusa_customer_id")).toMatchObject({ name: "medusa_customer_id" })
    expect(server.apiCalls.map((c) => c.status)).toEqual([401, 200])
    expect(server.counts.refreshes).toBe(1)
  })

  it("a 401 with a token already replaced renews nothing; two instances' 401s with one token renew it once", async () => {
    const creds = await connected()
    const used = creds.tokens()!.accessToken
    const one = new HubSpotTokenSource(creds.store, refresher(), "crm")
    const two = new HubSpotTokenSource(creds.store, refresher(), "crm")
    expect(await Promise.all([one.afterUnauthorized(used), two.afterUnauthorized(used)])).toEqual([true, true])
    expect(server.counts.refreshes).toBe(1)
    expect(creds.seen.locks).toBe(2)
    // The token that got the 401 is no longer the stored one: nothing to renew, no lock taken.
    expect(await one.afterUnauthorized(used)).toBe(true)
    expect(server.counts.refreshes).toBe(1)
    expect(creds.seen.locks).toBe(2)
  })

  it("a 401 that a new token does not cure is not repeated again, and names what to check", async () => {
    const creds = await connected()
    let refreshes = 0
    // A renewal that answers tokens HubSpot refuses too (say, the app lost its scopes).
    const source = new HubSpotTokenSource(creds.store, async () => ({ accessToken: `acc-refused-${++refreshes}`, refreshToken: "ref-x", expiresAt: new Date(Date.now() + 1_800_000).toISOString() }), "crm")
    const client = new HubSpotClient(http(), source.auth("check options.oauth.scopes"))
    server.expireAccessTokens()
    const err = await failure(client.property("contacts", "medusa_customer_id"))
    expect(server.apiCalls.map((c) => c.status)).toEqual([401, 401])
    expect(refreshes).toBe(1)
    expect(err).toMatchObject({ code: "hubspot_unauthorized", retryable: false, httpStatus: 401 })
    expect((err as Error).message).toMatch(/check options\.oauth\.scopes$/)
  })

  it("a private app token's 401 is final: no second call", async () => {
    const client = new HubSpotClient(http(), privateAppAuth("pat-na1-11111111-2222-3333-4444-555555555555"))
    const err = await failure(client.property("contacts", "medusa_customer_id"))
    expect(server.apiCalls.map((c) => c.status)).toEqual([401])
    expect((err as Error).message).toMatch(/check options\.accessToken and its scopes/)
  })

  it("a revoked grant: grantRevoked once, HubSpotGrantRevoked thrown saying how to reconnect", async () => {
    const creds = await connected()
    const source = new HubSpotTokenSource(creds.store, refresher(), "crm")
    const client = new HubSpotClient(http(), source.auth("reconnect"))
    server.revoke()
    const err = await failure(client.property("contacts", "medusa_customer_id"))
    expect(err).toBeInstanceOf(HubSpotGrantRevoked)
    expect(err).toMatchObject({ code: "oauth_grant_revoked", retryable: false, grant: "refresh_token" })
    const message = (err as Error).message
    expect(message).toMatch(/invalid_grant: refresh token is invalid, expired or revoked/)
    expect(message).toMatch(/reconnect it from the admin \(Integrations → crm → Reconnect HubSpot\)/)
    expect(message).toContain("options.oauth")
    expect(creds.seen.revoked).toEqual([message])
    expect(server.apiCalls.map((c) => c.status)).toEqual([401])

    // Without tokens any more, the next call says the connection is not connected, without calling HubSpot.
    const next = await failure(client.property("contacts", "medusa_customer_id"))
    expect(next).toBeInstanceOf(IntegrationError)
    expect(next).toMatchObject({ code: "oauth_not_connected", retryable: false })
    expect((next as Error).message).toMatch(/not connected yet: connect HubSpot from the admin/)
    expect(creds.seen.revoked).toHaveLength(1)
    expect(server.tokenRequests).toHaveLength(2) // the exchange and the refused refresh
  })

  it("HubSpot's older error body alone (status BAD_REFRESH_TOKEN) is a revoked grant too", async () => {
    const legacy = createServer((_req, res) => {
      res.writeHead(400, { "content-type": "application/json" })
      res.end(JSON.stringify({ status: "BAD_REFRESH_TOKEN", message: "missing or invalid refresh token" }))
    })
    await new Promise<void>((resolve) => legacy.listen(0, "127.0.0.1", resolve))
    try {
      const h = new HttpClient({ baseURL: `http://127.0.0.1:${(legacy.address() as AddressInfo).port}`, timeoutMs: 2_000, recorder: new CallRecorder({ connectionId: "crm", secrets: [], log: async () => undefined }) })
      const err = await failure(refreshHubSpotTokens(h, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, refreshToken: "ref-old" }))
      expect(err).toBeInstanceOf(HubSpotGrantRevoked)
      expect((err as Error).message).toContain("BAD_REFRESH_TOKEN: missing or invalid refresh token")
    } finally {
      legacy.close()
    }
  })

  it("no client secret, code or token in any call log row", async () => {
    server.setExpiresIn(120)
    const code = server.issueCode(REDIRECT)
    const h = http()
    const first = await exchangeHubSpotCode(h, { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: REDIRECT, code })
    const creds = memoryCredentials(first)
    const source = new HubSpotTokenSource(creds.store, refresher(h), "crm")
    await new HubSpotClient(h, source.auth("reconnect")).property("contacts", "medusa_customer_id")
    const second = creds.tokens()!
    server.revoke()
    await failure(refresher(h)(second.refreshToken))

    expect(logs.map((l) => [l.operation, l.http_status])).toEqual([["oauth.token.exchange", 200], ["oauth.token.refresh", 200], ["properties.contacts.read", 200], ["oauth.token.refresh", 400]])
    const written = JSON.stringify(logs)
    for (const value of [CLIENT_SECRET, code, first.accessToken, first.refreshToken, second.accessToken, second.refreshToken]) expect(written).not.toContain(value)
  })
})

describe("HubSpotCrmProvider with options.oauth", () => {
  let server: HubSpotOAuthServer
  beforeEach(async () => {
    server = await startHubSpotOAuthServer({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET })
  })
  afterEach(() => server.close())
  const options = () => ({ baseUrl: server.url, oauth: { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, apiBaseUrl: server.url, authorizeUrl: `${server.url}/oauth/authorize` } })

  it("is not connected until connectOAuth, then works with the tokens it kept", async () => {
    const creds = memoryCredentials()
    const { provider, logs } = buildProvider(HubSpotCrmProvider, options(), { id: "crm", credentials: creds.store })
    expect(isOAuthCapable(provider)).toBe(true)
    const authorize = new URL(provider.authorizeUrl("state-1", REDIRECT))
    expect(authorize.searchParams.get("scope")).toContain("crm.objects.deals.write")
    expect(authorize.searchParams.get("redirect_uri")).toBe(REDIRECT)
    expect(await provider.tokenExpiry()).toBeNull()

    await expect(provider.testConnection()).rejects.toMatchObject({ code: "oauth_not_connected" })
    await provider.connectOAuth(server.issueCode(REDIRECT), REDIRECT)
    expect(server.isValidAccessToken(creds.tokens()!.accessToken)).toBe(true)
    expect((await provider.tokenExpiry())?.toISOString()).toBe(creds.tokens()!.expiresAt)
    await provider.testConnection()
    expect(server.apiCalls.map((c) => c.status)).toEqual([200, 200, 200])
    expect(provider.describeCall("oauth.token.refresh")).toBe("renew the HubSpot access token")
    expect(JSON.stringify(logs)).not.toContain(CLIENT_SECRET)
  })

  it("with a private app token, offers no OAuth", async () => {
    const { provider } = buildProvider(HubSpotCrmProvider, { accessToken: "pat-na1-11111111-2222-3333-4444-555555555555", baseUrl: server.url }, { id: "crm" })
    expect(isOAuthCapable(provider)).toBe(false)
    expect(() => provider.authorizeUrl("s", REDIRECT)).toThrow(/private app token \(options\.accessToken\)/)
    expect(await provider.tokenExpiry()).toBeNull()
  })
})
