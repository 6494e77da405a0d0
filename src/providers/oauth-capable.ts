import type { IntegrationProvider } from "./types"

// Any provider may connect over OAuth 2 (HubSpot's public apps do): the hub's Connect route, its callback and the
// expiry warning only speak to this.

/** What the hub's Connect route and its expiry warning call on a provider that connects over OAuth. */
export interface OAuthCapableProvider {
  /** False when this connection authenticates another way (a private app token): there is nothing to connect. */
  usesOAuth(): boolean
  /** The vendor's authorize page for staff, coming back to `redirectUri` with a code and this `state`. */
  authorizeUrl(state: string, redirectUri: string): string
  /** Exchanges the code the authorize page gave (with the same `redirectUri`) and keeps the tokens. */
  connectOAuth(code: string, redirectUri: string): Promise<void>
  /** When the stored access token ends; null when not connected. */
  tokenExpiry(): Promise<Date | null>
}

/** True when the provider connects over OAuth on this connection. */
export function isOAuthCapable(p: IntegrationProvider): p is IntegrationProvider & OAuthCapableProvider {
  return "authorizeUrl" in p && typeof p.authorizeUrl === "function" && "connectOAuth" in p && typeof p.connectOAuth === "function"
    && "tokenExpiry" in p && typeof p.tokenExpiry === "function" && "usesOAuth" in p && typeof p.usesOAuth === "function" && p.usesOAuth() === true
}

