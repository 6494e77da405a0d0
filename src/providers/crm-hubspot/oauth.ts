import { isAxiosError } from "axios"
import { z } from "@medusajs/framework/zod"
import type { HttpClient } from "../../lib/http/client"
import { IntegrationError } from "../../lib/errors"
import type { CredentialStore, OAuthTokens } from "../types"
import { notAsDescribed } from "../vendor-answer"
import type { HubSpotAuth } from "./client"

/**
 * HubSpot public apps over OAuth 2 (authorization code), on HubSpot's date-versioned endpoints (the v1 ones are
 * deprecated from 2027-02-16): every parameter in a form body, never in the URL. Access tokens last 30 minutes.
 */
export const HUBSPOT_TOKEN_PATH = "/oauth/2026-03/token"
export const HUBSPOT_AUTHORIZE_URL = "https://app.hubspot.com/oauth/authorize"
/** An access token this close to its end is renewed before use. */
export const REFRESH_WITHIN_MS = 5 * 60_000

/** HubSpot's authorize page (scopes space-separated, each value encoded as HubSpot's own example does). */
export function hubSpotAuthorizeUrl(args: { clientId: string; redirectUri: string; scopes: readonly string[]; state: string; authorizeBaseUrl?: string }): string {
  const base = args.authorizeBaseUrl ?? HUBSPOT_AUTHORIZE_URL
  const query = ([["client_id", args.clientId], ["scope", args.scopes.join(" ")], ["redirect_uri", args.redirectUri], ["state", args.state]] as const)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&")
  return `${base}${base.includes("?") ? "&" : "?"}${query}`
}

/** The token answer, with what the adapter reads; HubSpot may rotate the refresh token, so it is read on every answer. */
const tokenAnswerSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().int().positive(),
  token_type: z.string().regex(/^bearer$/i, "must be bearer"),
})
type TokenAnswer = z.output<typeof tokenAnswerSchema>
/** The first tokens of a grant always carry a refresh token. */
const exchangeAnswerSchema = tokenAnswerSchema.extend({ refresh_token: z.string().min(1) })
/** HubSpot's OAuth error: RFC 6749's `error`/`error_description`, with its older `status`/`message` kept beside them. */
const oauthErrorSchema = z.object({ error: z.string().optional(), error_description: z.string().optional(), status: z.string().optional(), message: z.string().optional() })
/** What HubSpot answers for a code or refresh token it no longer honours. */
const REFUSED_GRANT = new Set(["invalid_grant", "BAD_REFRESH_TOKEN", "BAD_AUTH_CODE"])

type Grant = "authorization_code" | "refresh_token"

/** HubSpot no longer honours the grant: only staff reconnecting the app (from the admin) can fix it. */
export class HubSpotGrantRevoked extends IntegrationError {
  constructor(readonly grant: Grant, connectionId: string, hubspotSays: string, httpStatus: number, cause: unknown) {
    const reconnect = `reconnect it from the admin (Integrations → ${connectionId} → Reconnect HubSpot) with a HubSpot super admin, for the app named in options.oauth.clientId`
    super(
      grant === "refresh_token"
        ? `HubSpot no longer accepts the authorization of connection "${connectionId}" (${hubspotSays}: the app was uninstalled, its access removed, or the refresh token expired): ${reconnect}`
        : `HubSpot refused the authorization code for connection "${connectionId}" (${hubspotSays}: used already, expired, or issued for another redirect URI or app): ${reconnect}`,
      { connectionId, code: "oauth_grant_revoked", retryable: false, httpStatus, cause }
    )
    this.name = "HubSpotGrantRevoked"
  }
}

/** Exchanges the authorization code the authorize page answered for the connection's first tokens. */
export async function exchangeHubSpotCode(
  http: HttpClient, args: { clientId: string; clientSecret: string; redirectUri: string; code: string }, now: () => number = Date.now
): Promise<OAuthTokens> {
  const form = { grant_type: "authorization_code", code: args.code, redirect_uri: args.redirectUri, client_id: args.clientId, client_secret: args.clientSecret }
  const answer = await tokenCall(http, "oauth.token.exchange", "authorization_code", form, exchangeAnswerSchema)
  return tokensOf(answer, answer.refresh_token, now)
}

/** New tokens for a refresh token; the refresh token HubSpot answers is the one to keep (the one sent when it answers none). */
export async function refreshHubSpotTokens(
  http: HttpClient, args: { clientId: string; clientSecret: string; refreshToken: string }, now: () => number = Date.now
): Promise<OAuthTokens> {
  const form = { grant_type: "refresh_token", refresh_token: args.refreshToken, client_id: args.clientId, client_secret: args.clientSecret }
  const answer = await tokenCall(http, "oauth.token.refresh", "refresh_token", form, tokenAnswerSchema)
  return tokensOf(answer, answer.refresh_token ?? args.refreshToken, now)
}

const tokensOf = (answer: TokenAnswer, refreshToken: string, now: () => number): OAuthTokens =>
  ({ accessToken: answer.access_token, refreshToken, expiresAt: new Date(now() + answer.expires_in * 1000).toISOString() })

/**
 * One POST to the token endpoint. The body is a plain object that axios writes as a form (the content type says so),
 * and the call is `sensitive`: its log row keeps the operation, status and time, never the body or the answer (the
 * code, tokens and client secret). Not `safe`: a code is single-use and a refresh token may rotate, so a lost answer
 * is never sent again in place.
 */
async function tokenCall<S extends z.ZodType<TokenAnswer>>(http: HttpClient, operation: string, grant: Grant, form: Record<string, string>, schema: S): Promise<z.output<S>> {
  try {
    const res = await http.request<unknown>(
      { method: "POST", url: HUBSPOT_TOKEN_PATH, operation, data: form, headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" }, sensitive: true },
      (body) => ({ error: notAsDescribed("HubSpot", http.connectionId, operation, schema, body) })
    )
    return schema.parse(res.data)
  } catch (err) {
    throw tokenFailure(http.connectionId, operation, grant, err)
  }
}

/** A refused grant becomes HubSpotGrantRevoked; another refusal says HubSpot's words; the HTTP layer's classification stays. */
function tokenFailure(connectionId: string, operation: string, grant: Grant, err: unknown): unknown {
  if (!(err instanceof IntegrationError) || !err.httpStatus || err.httpStatus >= 500) return err
  const cause = (err as { cause?: unknown }).cause
  const body = oauthErrorSchema.safeParse(isAxiosError(cause) ? cause.response?.data : undefined)
  if (!body.success) return err
  const { error, status, error_description, message } = body.data
  const code = error ?? status
  if (!code) return err
  const says = [code, error_description ?? message].filter(Boolean).join(": ")
  if (REFUSED_GRANT.has(error ?? "") || REFUSED_GRANT.has(status ?? "")) return new HubSpotGrantRevoked(grant, connectionId, says, err.httpStatus, err)
  const fix = code === "invalid_client" || status === "BAD_CLIENT_ID" ? ": check options.oauth.clientId and options.oauth.clientSecret against the HubSpot app's Auth settings" : ""
  return new IntegrationError(`HubSpot refused ${operation} on connection "${connectionId}" (HTTP ${err.httpStatus}, ${says})${fix}${err.retryable ? " (will retry)" : ""}`, {
    connectionId, code: err.code, retryable: err.retryable, httpStatus: err.httpStatus, retryAfterMs: err.retryAfterMs, cause: err,
  })
}

/**
 * The connection's access token, from the hub's credential store: renewed when it ends within 5 minutes, one renewal
 * at a time in this process (callers share it) and across instances (under the store's lock, re-reading the tokens
 * once it is held: another instance may have renewed them meanwhile, and a rotated refresh token must not be spent twice).
 */
export class HubSpotTokenSource {
  private renewing?: Promise<OAuthTokens>
  /**
   * The tokens last read or written here: a call uses them while they last, without a read and a decryption per
   * call. Whatever decides (a renewal under the lock, a 401) reads the store again, so another instance's renewal
   * or a revoked grant is seen there.
   */
  private cached?: OAuthTokens
  private readonly now: () => number
  private readonly refreshWithinMs: number

  constructor(
    private readonly credentials: CredentialStore,
    private readonly refresh: (refreshToken: string) => Promise<OAuthTokens>,
    private readonly connectionId: string,
    opts: { now?: () => number; refreshWithinMs?: number } = {}
  ) {
    this.now = opts.now ?? Date.now
    this.refreshWithinMs = opts.refreshWithinMs ?? REFRESH_WITHIN_MS
  }

  /** A token to send now. */
  async accessToken(): Promise<string> {
    const tokens = this.cached ?? (await this.stored())
    if (!this.endsSoon(tokens)) return tokens.accessToken
    return (await this.renew((t) => !this.endsSoon(t))).accessToken
  }

  /** After a 401 with `usedToken`: renews once unless the store already holds another token; true when there is a new one to try. */
  async afterUnauthorized(usedToken: string): Promise<boolean> {
    if ((await this.stored()).accessToken !== usedToken) return true
    return (await this.renew((t) => t.accessToken !== usedToken)).accessToken !== usedToken
  }

  /** When the stored access token ends (for the hub's warning); null when not connected. */
  async tokenExpiry(): Promise<Date | null> {
    const tokens = await this.credentials.readTokens()
    return tokens ? new Date(tokens.expiresAt) : null
  }

  /** Keeps the tokens of a new connection, under the lock so no renewal of the old grant overwrites them. */
  async connect(tokens: OAuthTokens): Promise<void> {
    await this.credentials.withLock(() => this.credentials.writeTokens(tokens))
    this.cached = tokens
  }

  /** The client's view: a token per call, and one more try after a 401. */
  auth(fix: string): HubSpotAuth {
    return { token: () => this.accessToken(), afterUnauthorized: (used) => this.afterUnauthorized(used), fix }
  }

  private endsSoon(tokens: OAuthTokens): boolean {
    const ends = Date.parse(tokens.expiresAt)
    return !Number.isFinite(ends) || ends - this.now() <= this.refreshWithinMs
  }

  private async stored(): Promise<OAuthTokens> {
    const tokens = await this.credentials.readTokens()
    this.cached = tokens ?? undefined
    if (tokens) return tokens
    throw new IntegrationError(
      `HubSpot connection "${this.connectionId}" is not connected yet: connect HubSpot from the admin (Integrations → ${this.connectionId} → Connect HubSpot) to authorize the app in options.oauth`,
      { connectionId: this.connectionId, code: "oauth_not_connected", retryable: false }
    )
  }

  /** One renewal in flight per process; `done` says the tokens read under the lock need none (another instance renewed them). */
  private renew(done: (tokens: OAuthTokens) => boolean): Promise<OAuthTokens> {
    this.renewing ??= this.credentials
      .withLock(async () => {
        const current = await this.stored()
        if (done(current)) return current
        try {
          const next = await this.refresh(current.refreshToken)
          await this.credentials.writeTokens(next)
          this.cached = next
          return next
        } catch (err) {
          if (err instanceof HubSpotGrantRevoked) {
            this.cached = undefined
            await this.credentials.grantRevoked(err.message)
          }
          throw err
        }
      })
      .finally(() => {
        this.renewing = undefined
      })
    return this.renewing
  }
}
