/*
 * HubSpot's OAuth 2 token endpoint for tests, written from its documentation (plain node:http, no dependency):
 * POST /oauth/2026-03/token with every parameter in an application/x-www-form-urlencoded body
 * (https://developers.hubspot.com/docs/api-reference/2026-03/authentication/manage-oauth-tokens):
 *   - grant_type=authorization_code with code, redirect_uri, client_id, client_secret: a code is single-use and the
 *     redirect_uri must be the one it was issued for;
 *   - grant_type=refresh_token with refresh_token, client_id, client_secret;
 * answering { access_token, refresh_token, expires_in, token_type: "bearer" } (access tokens last 30 minutes: 1800 s).
 *
 * A refused code or refresh token answers 400 with the body of HubSpot's changelog "New OAuth v3 API endpoints and
 * standardized error responses": RFC 6749's error/error_description with HubSpot's older status/message kept beside them,
 * e.g. { error: "invalid_grant", error_description: "refresh token is invalid, expired or revoked",
 * status: "BAD_REFRESH_TOKEN", message: "refresh token is invalid, expired or revoked" }. Other refusals (a wrong
 * client, a body that is not a form) use RFC 6749 §5.2's codes; HubSpot documents no body for them.
 *
 * Refresh-token rotation: HubSpot does not document it (its v1 guide says to keep the refresh token from the install and
 * use it for every refresh). The issue this serves asks the adapter to handle rotation, so by default each refresh here
 * answers a new refresh token and the old one stops working (`rotateRefreshTokens: false` answers the same one).
 *
 * It also serves GET /crm/v3/properties/{type}/{name} behind a bearer check, as a resource the tokens open: enough for
 * the adapter's first calls (testConnection) and for a 401 with a token HubSpot no longer takes.
 */
import { randomBytes } from "node:crypto"
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"

export const TOKEN_PATH = "/oauth/2026-03/token"

export type HubSpotOAuthServerOptions = {
  clientId: string
  clientSecret: string
  /** Lifetime of the access tokens it issues, in seconds (HubSpot's: 1800). */
  expiresIn?: number
  /** A new refresh token on every refresh, the old one refused afterwards (default true). */
  rotateRefreshTokens?: boolean
  port?: number
}

/** One request to the token endpoint as it arrived (no values: they are secrets). */
export type TokenRequest = { contentType: string; grantType: string | null; fields: string[]; status: number }

export type HubSpotOAuthServer = {
  url: string
  /** A single-use authorization code for `redirectUri`, as the authorize page puts on its redirect. */
  issueCode(redirectUri: string): string
  /** Every refresh token (and access token) stops working: the app was uninstalled or its access removed. */
  revoke(): void
  /** Access tokens issued so far stop working, refresh tokens still do (HubSpot refusing a token before its time). */
  expireAccessTokens(): void
  /** Lifetime of the access tokens issued from now on. */
  setExpiresIn(seconds: number): void
  isValidAccessToken(token: string): boolean
  isValidRefreshToken(token: string): boolean
  /** Successful code exchanges and refreshes, and refused token requests. */
  counts: { exchanges: number; refreshes: number; refused: number }
  tokenRequests: TokenRequest[]
  /** GET /crm/v3/… requests, with the status answered. */
  apiCalls: Array<{ path: string; status: number }>
  close(): Promise<void>
}

type OAuthError = { status: number; body: Record<string, string> }

const secret = (prefix: string) => `${prefix}-${randomBytes(18).toString("base64url")}`

const refusedGrant = (kind: "refresh token" | "authorization code", status: string): OAuthError => {
  const description = `${kind} is invalid, expired or revoked`
  return { status: 400, body: { error: "invalid_grant", error_description: description, status, message: description } }
}
const rfcError = (status: number, error: string, description: string): OAuthError => ({ status, body: { error, error_description: description } })

export async function startHubSpotOAuthServer(opts: HubSpotOAuthServerOptions): Promise<HubSpotOAuthServer> {
  let expiresIn = opts.expiresIn ?? 1800
  const rotate = opts.rotateRefreshTokens ?? true
  const codes = new Map<string, { redirectUri: string }>()
  const refreshTokens = new Set<string>()
  const accessTokens = new Map<string, number>()
  const counts = { exchanges: 0, refreshes: 0, refused: 0 }
  const tokenRequests: TokenRequest[] = []
  const apiCalls: Array<{ path: string; status: number }> = []

  const isValidAccessToken = (token: string) => (accessTokens.get(token) ?? 0) > Date.now()
  const issueTokens = (refreshToken: string) => {
    const accessToken = secret("acc")
    accessTokens.set(accessToken, Date.now() + expiresIn * 1000)
    refreshTokens.add(refreshToken)
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: expiresIn, token_type: "bearer" }
  }

  /** The token endpoint's answer to one form. */
  function token(form: URLSearchParams): { status: number; body: unknown } {
    if (form.get("client_id") !== opts.clientId || form.get("client_secret") !== opts.clientSecret) {
      return rfcError(400, "invalid_client", "client_id or client_secret is invalid")
    }
    const grant = form.get("grant_type")
    if (grant === "authorization_code") {
      const code = form.get("code") ?? ""
      const issued = codes.get(code)
      codes.delete(code) // single-use, even when the redirect_uri is wrong
      if (!issued) return refusedGrant("authorization code", "BAD_AUTH_CODE")
      if (form.get("redirect_uri") !== issued.redirectUri) return rfcError(400, "invalid_grant", "redirect_uri does not match the one the code was issued for")
      counts.exchanges++
      return { status: 200, body: issueTokens(secret("ref")) }
    }
    if (grant === "refresh_token") {
      const used = form.get("refresh_token") ?? ""
      if (!refreshTokens.has(used)) return refusedGrant("refresh token", "BAD_REFRESH_TOKEN")
      counts.refreshes++
      if (!rotate) return { status: 200, body: issueTokens(used) }
      refreshTokens.delete(used)
      return { status: 200, body: issueTokens(secret("ref")) }
    }
    return rfcError(400, "unsupported_grant_type", "grant_type must be authorization_code or refresh_token")
  }

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json;charset=utf-8" })
    res.end(JSON.stringify(body))
  }

  const server: Server = createServer(async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    for await (const c of req) chunks.push(c as Buffer)
    const raw = Buffer.concat(chunks).toString()
    const url = new URL(req.url ?? "/", "http://x")

    if (url.pathname === TOKEN_PATH && req.method === "POST") {
      const contentType = String(req.headers["content-type"] ?? "")
      const form = /^application\/x-www-form-urlencoded\b/i.test(contentType) ? new URLSearchParams(raw) : null
      // The parameters belong in a form body, never the query string (the point of the versioned endpoints).
      const answer = !form
        ? rfcError(400, "invalid_request", "the request body must be application/x-www-form-urlencoded")
        : url.search
          ? rfcError(400, "invalid_request", "parameters must be in the request body, not the URL")
          : token(form)
      tokenRequests.push({ contentType, grantType: form?.get("grant_type") ?? null, fields: form ? [...form.keys()] : [], status: answer.status })
      if (answer.status !== 200) counts.refused++
      return send(res, answer.status, answer.body)
    }

    const property = /^\/crm\/v3\/properties\/([^/]+)\/([^/]+)$/.exec(url.pathname)
    if (property && req.method === "GET") {
      const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1]
      if (!bearer || !isValidAccessToken(bearer)) {
        apiCalls.push({ path: url.pathname, status: 401 })
        return send(res, 401, { status: "error", message: "Authentication credentials not found.", correlationId: secret("cor"), category: "INVALID_AUTHENTICATION" })
      }
      apiCalls.push({ path: url.pathname, status: 200 })
      return send(res, 200, { name: property[2], label: property[2], type: "string", fieldType: "text", groupName: "contactinformation" })
    }
    send(res, 404, { status: "error", message: `no such endpoint: ${req.method} ${url.pathname}`, category: "OBJECT_NOT_FOUND" })
  })

  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(opts.port ?? 0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    issueCode: (redirectUri) => {
      const code = secret("code")
      codes.set(code, { redirectUri })
      return code
    },
    revoke: () => {
      refreshTokens.clear()
      accessTokens.clear()
    },
    expireAccessTokens: () => accessTokens.clear(),
    setExpiresIn: (seconds) => void (expiresIn = seconds),
    isValidAccessToken,
    isValidRefreshToken: (t) => refreshTokens.has(t),
    counts,
    tokenRequests,
    apiCalls,
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
