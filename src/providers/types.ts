import type { ZodType } from "@medusajs/framework/zod"
import type { Logger } from "@medusajs/framework/types"
import type { CallRecorder } from "../lib/http/call-recorder"
import type { HttpClient } from "../lib/http/client"
import type { VendorRetryAfter } from "../lib/http/classify"
import type { SignatureVerdict, WebhookHeaders } from "../lib/webhooks/signatures"

/**
 * The contract between the hub and a provider (one adapter per external system). A third-party provider
 * imports these types from "medusa-integration-hub/providers/types" and nothing else of the hub's internals.
 */

export const CONNECTION_KINDS = ["erp", "shipping", "payment", "crm"] as const
export type ConnectionKind = (typeof CONNECTION_KINDS)[number]

/** What a provider may know of the connection it serves (never other connections, never the plugin options). */
export type ProviderConnection = {
  id: string
  kind: ConnectionKind
  mode: "live" | "shadow"
  timeoutMs: number
}

/** Durable key/value state of one connection, kept in the hub's database. */
export interface ProviderStateStore {
  get<T>(key: string): Promise<T | null>
  set(key: string, value: Record<string, unknown>): Promise<void>
  delete(key: string): Promise<void>
  /** Atomically adds 1 to the number stored under `key` and returns the new value (1 for a new key). */
  next(key: string): Promise<number>
  /** Atomically takes one from a positive `{ count }` stored under `key`; null when there is none left. */
  consume<T extends { count: number }>(key: string): Promise<T | null>
}

/** What the hub hands every provider it builds. */
export type ProviderDeps = {
  connection: ProviderConnection
  /**
   * Builds the shared HTTP client for this connection (timeout, rate limit, classification, log rows);
   * `retryAfter` reads the vendor's own header when its 429 carries no Retry-After.
   */
  createHttpClient: (baseURL: string, secrets: string[], opts?: { retryAfter?: VendorRetryAfter }) => HttpClient
  /** Logs calls of providers that do not speak HTTP exactly like the HTTP layer does. */
  createRecorder: (secrets: string[]) => CallRecorder
  state: ProviderStateStore
  logger: Logger
  /** The connection's OAuth tokens, kept encrypted by the hub, and the lock that makes one refresh at a time. */
  credentials: CredentialStore
}

/** A connection's OAuth 2 tokens. */
export type OAuthTokens = {
  accessToken: string
  refreshToken: string
  /** When the access token stops working (ISO 8601). */
  expiresAt: string
}

/**
 * Where a provider keeps the OAuth tokens of its connection: encrypted in the database under the plugin's
 * encryptionKey (the connection's stored secrets), shared by every instance.
 */
export type CredentialStore = {
  /** The connection's tokens, or null before it was connected (or after its grant was revoked). */
  readTokens(): Promise<OAuthTokens | null>
  /** Keeps new tokens, e.g. after a refresh (the vendor may rotate the refresh token: keep the one it answered). */
  writeTokens(tokens: OAuthTokens): Promise<void>
  /** Runs `fn` holding this connection's credential lock across every instance (Medusa's locking module). */
  withLock<T>(fn: () => Promise<T>): Promise<T>
  /** The vendor refused the grant (revoked, or the refresh token is no longer valid): the connection needs reconnecting. */
  grantRevoked(reason: string): Promise<void>
}

/** An inbound delivery as the webhook route received it: the exact bytes, for signature checks. */
export type InboundRequest = { rawBody: Buffer; headers: WebhookHeaders }

/** A verified vendor event, reduced to what processing needs (stored durably until processed). */
export type InboundEvent = {
  /** The vendor's event id: the same id delivered twice is stored and applied once. */
  id: string
  /** The vendor's event type, e.g. "sale.updated". */
  type: string
  /** When the vendor says it happened; orders out-of-order deliveries. */
  occurredAt: Date | null
  /** The Medusa record it is about, when the payload says so; the event is shown on it. */
  subject: { entity_type: string; entity_id: string } | null
  /** The event's data: only the fields processing needs. */
  data: Record<string, unknown>
}

/**
 * Inbound support, optional on every kind: a connection whose provider lacks it answers 404 at
 * `/hooks/integrations/:connection_id`. `verifyWebhook` must compare in constant time; `parseWebhook`
 * throws a `WebhookPayloadError` on a body it cannot read (answered 400).
 */
export interface InboundWebhooks {
  /** False when this connection is not set up for webhooks (e.g. no secret configured): answered 404. */
  acceptsWebhooks?(): boolean
  /** May be async: a vendor whose signatures are checked with keys it publishes (a JWKS) fetches them. */
  verifyWebhook(request: InboundRequest): SignatureVerdict | Promise<SignatureVerdict>
  /** May be async: a provider may look up which Medusa record an event is about in its state. */
  parseWebhook(request: InboundRequest): InboundEvent | Promise<InboundEvent>
}

/** Implemented by every provider, whatever its kind. */
export interface IntegrationProvider extends Partial<InboundWebhooks> {
  readonly kind: ConnectionKind
  /** Proves the credentials work with one cheap read. Throws an IntegrationError otherwise. */
  testConnection(): Promise<void>
  /**
   * A link to the record in the vendor's own UI, when the vendor has one. `entityType` names what the id is: a
   * Medusa entity ("order", "customer") or the effect's own kind of record ("invoice" for payments).
   */
  externalUrl(entityType: string, externalId: string): string | null
  /** One logged call (`operation` as the provider logged it) in staff's words, e.g. "find the customer by e-mail". */
  describeCall?(operation: string): string | null
}

/** A provider class as the hub loads it: `new (deps, options)`, with the Medusa provider conventions. */
export type IntegrationProviderClass = {
  new (deps: ProviderDeps, options: unknown): IntegrationProvider
  identifier: string
  kind: ConnectionKind
  /** The vendor's documented request limit, used when the connection sets no `rateLimit` (e.g. HubSpot 100 per 10 s). */
  defaultRateLimit?: { requests: number; perSeconds: number }
  /** Throws an Error whose message lists `path: problem` lines (paths relative to the connection's `options`). */
  validateOptions(options: Record<string, unknown>): void
  /**
   * The options' zod schema, for the admin's connection form (labels and help from `.meta({ title, description })`,
   * secrets from `.meta({ secret: true })`); without it the admin offers no form for this provider.
   */
  optionsSchema?: ZodType
}

/** Thrown by `parseWebhook` for a body that is not a well-formed event of this vendor. */
export class WebhookPayloadError extends Error {
  constructor(message: string) {
    super(message)
    this.name = "WebhookPayloadError"
  }
}

// Each kind's types live beside this file; this module is the one entry (`medusa-integration-hub/providers/types`).
export type * from "./erp-types"
export type * from "./shipping-types"
export type * from "./payment-types"
export type * from "./crm-types"
import type { ErpProvider } from "./erp-types"
import type { ShippingProvider } from "./shipping-types"
import type { PaymentGatewayProvider } from "./payment-types"
import type { CrmProvider } from "./crm-types"

/** The provider interface of each kind, for `getProvider(connectionId, kind)`. */
export type ProviderOfKind = {
  erp: ErpProvider
  shipping: ShippingProvider
  payment: PaymentGatewayProvider
  crm: CrmProvider
}

/** True when the provider takes inbound webhooks. */
export function hasInboundSupport(p: IntegrationProvider): p is IntegrationProvider & InboundWebhooks {
  return typeof p.verifyWebhook === "function" && typeof p.parseWebhook === "function" && (p.acceptsWebhooks?.() ?? true)
}
