import { isAxiosError } from "axios"
import type { z } from "@medusajs/framework/zod"
import type { HttpClient, HttpRequest } from "../../lib/http/client"
import { IntegrationError } from "../../lib/errors"
import { notAsDescribed } from "../vendor-answer"
import { batchSchema, errorBodySchema, HubSpotObject, objectSchema, propertySchema, searchSchema, upsertBatchSchema } from "./types"

export type ObjectType = "contacts" | "companies" | "deals" | "line_items"
type Association = { to: { id: string }; types: Array<{ associationCategory: "HUBSPOT_DEFINED"; associationTypeId: number }> }
export const associationTo = (id: string, typeId: number): Association => ({ to: { id }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: typeId }] })

/** A property the hub creates in the portal when it is missing. */
export type PropertyDefinition = { name: string; label: string; type: "string" | "enumeration"; fieldType: "text" | "booleancheckbox"; groupName: string; hasUniqueValue?: boolean; options?: Array<{ label: string; value: string }> }

/**
 * How calls are authenticated: a private app's fixed token, or an OAuth access token that may be renewed.
 * `afterUnauthorized` (OAuth only) is asked after a 401 with the token sent: true when a new token is worth one more try.
 */
export type HubSpotAuth = {
  token(): Promise<string>
  afterUnauthorized?(token: string): Promise<boolean>
  /** What to check when HubSpot refuses the token, naming the options (ends the 401/403 message). */
  fix: string
}

/** A private app's token, sent as is; a 401 is final. */
export const privateAppAuth = (accessToken: string): HubSpotAuth => ({
  token: async () => accessToken,
  fix: "check options.accessToken and its scopes (see the README)",
})

/**
 * Thin client for HubSpot's CRM v3 API in its own vocabulary (objects, search, properties, associations), on the
 * hub's HTTP layer (the connection's log, rate limit, breaker and retries). Answers are checked against what the
 * adapter reads; HubSpot's error bodies become the IntegrationError's words here and nowhere else.
 */
export class HubSpotClient {
  constructor(private readonly http: HttpClient, private readonly auth: HubSpotAuth) {}

  /** GET /crm/v3/properties/{type}/{name}; null when the portal has no such property. */
  async property(type: ObjectType, name: string): Promise<{ name: string } | null> {
    return this.orNullOn404(() => this.send({ method: "GET", url: `/crm/v3/properties/${type}/${name}`, operation: `properties.${type}.read`, safe: true }, propertySchema))
  }

  /** POST /crm/v3/properties/{type}: a second create of the same name is a 409, which means it is there. */
  async createProperty(type: ObjectType, definition: PropertyDefinition): Promise<void> {
    try {
      await this.send({ method: "POST", url: `/crm/v3/properties/${type}`, operation: `properties.${type}.create`, data: definition })
    } catch (err) {
      if (!(err instanceof IntegrationError && err.httpStatus === 409)) throw err
    }
  }

  /** GET /crm/v3/objects/{type}/{value}?idProperty=: the object whose unique property holds `value`; null when none. */
  byUniqueProperty(type: ObjectType, idProperty: string, value: string, properties: string[]): Promise<HubSpotObject | null> {
    const query = new URLSearchParams({ idProperty, properties: properties.join(",") })
    return this.orNullOn404(() =>
      this.send({ method: "GET", url: `/crm/v3/objects/${type}/${encodeURIComponent(value)}?${query}`, operation: `${type}.read`, safe: true }, objectSchema)
    )
  }

  /** POST /crm/v3/objects/{type}/search with one EQ filter; a search changes nothing, so it is safe to repeat. */
  async findBy(type: ObjectType, propertyName: string, value: string, properties: string[]): Promise<HubSpotObject | null> {
    const data = { filterGroups: [{ filters: [{ propertyName, operator: "EQ", value }] }], properties, limit: 1, after: "0", sorts: [] }
    const found = await this.send({ method: "POST", url: `/crm/v3/objects/${type}/search`, operation: `${type}.search`, data, safe: true }, searchSchema)
    return found.results[0] ?? null
  }

  /**
   * POST /crm/v3/objects/{type}/search for the objects modified at or after `sinceMs`, oldest change first, one page;
   * `after` is HubSpot's paging token. Safe to repeat.
   */
  async modifiedSince(type: ObjectType, sinceMs: number, properties: string[], after: string | null, limit: number) {
    const data = { filterGroups: [{ filters: [{ propertyName: "lastmodifieddate", operator: "GTE", value: String(sinceMs) }] }], sorts: ["lastmodifieddate"], properties, limit, after: after ?? "0" }
    const found = await this.send({ method: "POST", url: `/crm/v3/objects/${type}/search`, operation: `${type}.search_changed`, data, safe: true }, searchSchema)
    return { results: found.results, next: found.paging?.next?.after ?? null }
  }

  /** POST /crm/v3/objects/{type}. Not repeated in place: a lost answer is found by our unique property instead. */
  create(type: ObjectType, properties: Record<string, string>, associations: Association[] = []): Promise<HubSpotObject> {
    return this.send({ method: "POST", url: `/crm/v3/objects/${type}`, operation: `${type}.create`, data: { properties, associations } }, objectSchema)
  }

  /** PATCH /crm/v3/objects/{type}/{id}: sets exactly the properties given, so it is safe to repeat. */
  update(type: ObjectType, id: string, properties: Record<string, string>): Promise<HubSpotObject> {
    return this.send({ method: "PATCH", url: `/crm/v3/objects/${type}/${encodeURIComponent(id)}`, operation: `${type}.update`, data: { properties }, safe: true }, objectSchema)
  }

  /** POST /crm/v3/objects/{type}/batch/create. */
  async createMany(type: ObjectType, inputs: Array<{ properties: Record<string, string>; associations: Association[] }>): Promise<HubSpotObject[]> {
    return (await this.send({ method: "POST", url: `/crm/v3/objects/${type}/batch/create`, operation: `${type}.batch_create`, data: { inputs } }, batchSchema)).results
  }

  /**
   * POST /crm/v3/objects/{type}/batch/read by a unique property (ours, or a contact's e-mail): the objects found, by
   * that property's value (lower case for e-mails); ids HubSpot does not know are simply absent (its 207).
   */
  async readMany(type: ObjectType, idProperty: string, ids: string[], properties: string[]): Promise<Map<string, HubSpotObject>> {
    if (!ids.length) return new Map()
    const data = { idProperty, inputs: ids.map((id) => ({ id })), properties: [...new Set([...properties, idProperty])], propertiesWithHistory: [] }
    const found = await this.send({ method: "POST", url: `/crm/v3/objects/${type}/batch/read`, operation: `${type}.batch_read`, data, safe: true }, batchSchema)
    const key = (v: string) => (idProperty === "email" ? v.toLowerCase() : v)
    return new Map(found.results.flatMap((o) => (o.properties[idProperty] ? [[key(o.properties[idProperty]!), o]] : [])))
  }

  /** POST /crm/v3/objects/{type}/batch/read by HubSpot's own ids (at most 100): the ids it still has (archived ones are not). */
  async existing(type: ObjectType, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set()
    const data = { inputs: ids.map((id) => ({ id })), properties: [], propertiesWithHistory: [] }
    const found = await this.send({ method: "POST", url: `/crm/v3/objects/${type}/batch/read`, operation: `${type}.batch_check`, data, safe: true }, batchSchema)
    return new Set(found.results.map((o) => o.id))
  }

  /**
   * POST /crm/v3/objects/{type}/batch/upsert: each input created or updated by a unique property's value; setting
   * the same properties again changes nothing, so it is safe to repeat.
   */
  async upsertMany(type: ObjectType, inputs: Array<{ id: string; idProperty: string; properties: Record<string, string> }>) {
    if (!inputs.length) return []
    return (await this.send({ method: "POST", url: `/crm/v3/objects/${type}/batch/upsert`, operation: `${type}.batch_upsert`, data: { inputs }, safe: true }, upsertBatchSchema)).results
  }

  /** PUT /crm/v4/objects/{from}/{id}/associations/default/{to}/{toId}: the default association; repeating it changes nothing. */
  async associate(from: ObjectType, fromId: string, to: ObjectType, toId: string): Promise<void> {
    const url = `/crm/v4/objects/${from}/${encodeURIComponent(fromId)}/associations/default/${to}/${encodeURIComponent(toId)}`
    await this.send({ method: "PUT", url, operation: `${from}.associate_${to}`, safe: true })
  }

  private async orNullOn404<T>(call: () => Promise<T>): Promise<T | null> {
    try {
      return await call()
    } catch (err) {
      if (err instanceof IntegrationError && err.httpStatus === 404) return null
      throw err
    }
  }

  /**
   * One call with the current token. A 401 with an OAuth token renews it and repeats the call once: HubSpot refused it
   * before doing anything, so even a create is safe to send again.
   */
  private async send<S extends z.ZodType>(req: HttpRequest, schema?: S): Promise<z.output<S>> {
    // Token failures (not connected, a revoked grant, the token endpoint down) are the token's, in their own words.
    const token = await this.auth.token()
    let data: unknown
    try {
      data = await this.sendWith(req, token, schema)
    } catch (err) {
      if (!(err instanceof IntegrationError && err.httpStatus === 401 && this.auth.afterUnauthorized && (await this.auth.afterUnauthorized(token)))) {
        throw this.inWords(req.operation, err)
      }
      const renewed = await this.auth.token()
      try {
        data = await this.sendWith(req, renewed, schema)
      } catch (again) {
        throw this.inWords(req.operation, again)
      }
    }
    return schema ? schema.parse(data) : (data as z.output<S>)
  }

  private async sendWith(req: HttpRequest, token: string, schema?: z.ZodType): Promise<unknown> {
    const authed = { ...req, headers: { ...req.headers, authorization: `Bearer ${token}` } }
    return (await this.http.request<unknown>(authed, (body) => ({ error: schema ? notAsDescribed("HubSpot", this.http.connectionId, req.operation, schema, body) : undefined }))).data
  }

  /** A refused call says what HubSpot said; 401/403 name the option to fix; a 409 keeps the existing record's id. */
  private inWords(operation: string, err: unknown): unknown {
    if (!(err instanceof IntegrationError) || !err.httpStatus) return err
    const connectionId = this.http.connectionId
    if (err.httpStatus === 401 || err.httpStatus === 403) {
      return new IntegrationError(
        `HubSpot refused the access token of connection "${connectionId}" (HTTP ${err.httpStatus}) for ${operation}: ${this.auth.fix}`,
        { connectionId, code: "hubspot_unauthorized", retryable: false, httpStatus: err.httpStatus }
      )
    }
    const cause = (err as { cause?: unknown }).cause
    const body = errorBodySchema.safeParse(isAxiosError(cause) ? cause.response?.data : undefined)
    if (!body.success) return err
    return new HubSpotRefusal(`HubSpot refused ${operation} (HTTP ${err.httpStatus}): ${body.data.message}${err.retryable ? " (will retry)" : ""}`, {
      connectionId, code: err.httpStatus === 409 ? "hubspot_conflict" : err.code, retryable: err.retryable, httpStatus: err.httpStatus, retryAfterMs: err.retryAfterMs,
    }, body.data.message)
  }
}

/** HubSpot's refusal, with its own words (a 409's "Existing ID: 123" names the record that is already there). */
export class HubSpotRefusal extends IntegrationError {
  constructor(message: string, details: ConstructorParameters<typeof IntegrationError>[1], readonly hubspotMessage: string) {
    super(message, details)
  }

  /** The id of the record a 409 says exists already, when HubSpot says it. */
  get existingId(): string | null {
    return /Existing ID: (\d+)/.exec(this.hubspotMessage)?.[1] ?? null
  }
}

/** HubSpot's 429 carries no Retry-After: the rolling window's length is when the connection may go again. */
export function hubSpotRetryAfter(headers: Record<string, unknown>): number | undefined {
  const interval = Number(headers["x-hubspot-ratelimit-interval-milliseconds"])
  return Number.isFinite(interval) && interval > 0 ? interval : undefined
}
