import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { createHash, randomBytes, timingSafeEqual } from "node:crypto"
import { isOAuthCapable } from "../providers/oauth-capable"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { hubOf } from "../sync/hub"

type Hub = IntegrationHubModuleService

/** The callback staff come back to from the vendor's authorize page (register it as the app's redirect URL). */
export const OAUTH_CALLBACK_PATH = "/hooks/integrations/oauth/callback"
/** How long an authorize link stays good. */
const STATE_TTL_MS = 10 * 60_000
const STATE_KEY = "oauth_state"

type PendingState = { hash: string; redirect_uri: string; actor_id: string | null; expires_at: string }

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex")

/** A connection's OAuth grant as its page shows it; null when it does not connect over OAuth. */
export async function oauthStatusOf(hub: Hub, connectionId: string): Promise<{ connected: boolean; expires_at: string | null; callback_path: string } | null> {
  const provider = hub.getProvider(connectionId)
  if (!isOAuthCapable(provider)) return null
  const expiry = await provider.tokenExpiry()
  return { connected: expiry !== null, expires_at: expiry?.toISOString() ?? null, callback_path: OAUTH_CALLBACK_PATH }
}

/**
 * Starts connecting: a single-use state (kept hashed, 10 minutes, bound to the connection and the redirect URL)
 * and the vendor's authorize page to send staff to.
 */
export async function startOAuth(container: MedusaContainer, connectionId: string, redirectUri: string, actorId: string | null): Promise<{ authorize_url: string; redirect_uri: string; expires_at: string }> {
  const hub = hubOf(container)
  const provider = hub.getProvider(connectionId)
  if (!isOAuthCapable(provider)) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" does not connect over OAuth (its provider takes a key or token in its options)`)
  }
  if (hub.catalog.sourceOf(connectionId) !== "stored") {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Connection "${connectionId}" comes from medusa-config: only a connection created from the admin keeps OAuth tokens (Integrations → Add connection)`)
  }
  const state = `${connectionId}.${randomBytes(32).toString("base64url")}`
  const expires_at = new Date(Date.now() + STATE_TTL_MS).toISOString()
  await hub.catalog.providerState(connectionId).set(STATE_KEY, { hash: sha256(state), redirect_uri: redirectUri, actor_id: actorId, expires_at } satisfies PendingState)
  return { authorize_url: provider.authorizeUrl(state, redirectUri), redirect_uri: redirectUri, expires_at }
}

/** Why a callback is refused, in words for the page staff land on. */
export class OAuthCallbackRefused extends Error {}

/**
 * The vendor sent staff back: the state must be the one issued for the connection, unused and fresh (taken in one
 * statement, so a replay finds nothing); then the code is exchanged and the tokens kept. Returns the connection id.
 */
export async function finishOAuth(container: MedusaContainer, query: { code?: string; state?: string; error?: string }): Promise<string> {
  const hub = hubOf(container)
  if (!query.state) throw new OAuthCallbackRefused("The callback has no state: start again from the connection's Settings (Connect)")
  const connectionId = query.state.split(".")[0]
  if (!hub.findConnection(connectionId)) throw new OAuthCallbackRefused("The callback's state names no connection: start again from the connection's Settings (Connect)")
  const taken = await hub.catalog.takeProviderState<PendingState>(connectionId, STATE_KEY)
  const given = Buffer.from(sha256(query.state))
  if (!taken || taken.hash.length !== given.length || !timingSafeEqual(Buffer.from(taken.hash), given)) {
    throw new OAuthCallbackRefused(`This authorization of connection "${connectionId}" was used already, or was not issued here: start again from its Settings (Connect)`)
  }
  if (new Date(taken.expires_at).getTime() < Date.now()) throw new OAuthCallbackRefused(`The authorization of connection "${connectionId}" took longer than 10 minutes: start again from its Settings (Connect)`)
  if (query.error) throw new OAuthCallbackRefused(`The vendor did not authorize connection "${connectionId}" (${query.error}): start again from its Settings (Connect)`)
  if (!query.code) throw new OAuthCallbackRefused(`The callback for connection "${connectionId}" has no code: start again from its Settings (Connect)`)
  const provider = hub.getProvider(connectionId)
  if (!isOAuthCapable(provider)) throw new OAuthCallbackRefused(`Connection "${connectionId}" does not connect over OAuth any more`)
  await provider.connectOAuth(query.code, taken.redirect_uri)
  await hub.catalog.audit({ connection_id: connectionId, action: "oauth_connect", actor_id: taken.actor_id, changed: null, note: "connected through the vendor's authorize page" })
  return connectionId
}
