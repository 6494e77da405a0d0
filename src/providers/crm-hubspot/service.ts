import type { ZodType } from "@medusajs/framework/zod"
import type { CrmContactChangesPage, CrmContactChangesRequest, CrmContactField, CrmContactInput, CrmContactResult, CrmDealInput, CrmDealResult, CrmProvider, ProviderDeps } from "../types"
import type { HttpClient } from "../../lib/http/client"
import { joinBatch } from "../../lib/batch-group"
import { describeFailure, IntegrationError } from "../../lib/errors"
import { assertProviderOptions } from "../validate-options"
import { associationTo, HubSpotAuth, HubSpotClient, HubSpotRefusal, hubSpotRetryAfter, ObjectType, privateAppAuth, PropertyDefinition } from "./client"
import { exchangeHubSpotCode, hubSpotAuthorizeUrl, HubSpotTokenSource, refreshHubSpotTokens } from "./oauth"
import type { OAuthCapableProvider } from "../oauth-capable"
import { ASSOCIATION, HubSpotObject, HubSpotOAuthOptions, HubSpotOptions, hubSpotOptionsSchema } from "./types"

/** Our contact fields by HubSpot's property names. */
const CONTACT_PROPERTIES: Record<CrmContactField, string> = { email: "email", firstName: "firstname", lastName: "lastname", phone: "phone", company: "company" }

const DESCRIPTIONS: Record<string, string> = {
  "contacts.read": "find the contact by our customer id",
  "contacts.search": "find the contact by e-mail",
  "contacts.search_changed": "list the contacts changed in HubSpot since the last look",
  "contacts.create": "create the contact",
  "contacts.update": "update the contact's changed fields",
  "contacts.batch_read": "find a batch of contacts by our customer ids, then by e-mail",
  "contacts.batch_check": "check the contacts are still in HubSpot (reconciliation)",
  "deals.batch_check": "check the deals are still in HubSpot (reconciliation)",
  "contacts.batch_upsert": "create or update a batch of contacts, each with what changed",
  "companies.search": "find the company by name",
  "companies.create": "create the company",
  "contacts.associate_companies": "associate the contact with its company",
  "deals.read": "find the order's deal by our reference",
  "deals.create": "create the deal",
  "deals.update": "move the deal's stage and amount",
  "line_items.batch_create": "add the order's lines to the deal",
  "properties.contacts.read": "check the hub's contact properties exist",
  "properties.contacts.create": "create a contact property of the hub's",
  "properties.deals.read": "check the hub's deal property exists",
  "properties.deals.create": "create the hub's deal property",
  "oauth.token.exchange": "connect HubSpot: exchange the authorization code for tokens",
  "oauth.token.refresh": "renew the HubSpot access token",
}

/**
 * HubSpot CRM (v3) as a CRM connection, with a private app's access token or a public app's OAuth tokens (connected
 * from the admin, renewed before they end): contacts matched by our customer id
 * (a unique contact property the hub creates when missing), then by e-mail, and written field by field (only what
 * differs from what HubSpot holds, never a field HubSpot owns); a customer's company as an associated company;
 * one deal per order (a unique deal property holds our reference) in the configured pipeline, with its line items,
 * moved to the configured stage when the order is canceled or refunded. About 100 requests per 10 s for private
 * apps; a 429 pauses the whole connection for HubSpot's rolling window.
 */
export class HubSpotCrmProvider implements CrmProvider, OAuthCapableProvider {
  static identifier = "hubspot"
  static kind = "crm" as const
  /** HubSpot allows private apps about 100 requests per 10 seconds (more on higher tiers: set rateLimit). */
  static defaultRateLimit = { requests: 100, perSeconds: 10 }
  static optionsSchema: ZodType = hubSpotOptionsSchema
  readonly kind = "crm" as const

  private readonly options: HubSpotOptions
  private readonly client: HubSpotClient
  private readonly connectionId: string
  /** Set when the connection uses a public app: its settings, the token endpoint's client and the tokens. */
  private readonly oauth?: { options: HubSpotOAuthOptions; tokenHttp: HttpClient; tokens: HubSpotTokenSource }
  private propertiesReady?: Promise<void>

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(hubSpotOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = hubSpotOptionsSchema.parse(options)
    const o = this.options
    const baseUrl = o.baseUrl.replace(/\/+$/, "")
    let auth: HubSpotAuth
    let http: HttpClient
    if (o.oauth) {
      const oauth = o.oauth
      http = deps.createHttpClient(baseUrl, [oauth.clientSecret], { retryAfter: hubSpotRetryAfter })
      const tokenHttp = deps.createHttpClient(oauth.apiBaseUrl.replace(/\/+$/, ""), [oauth.clientSecret], { retryAfter: hubSpotRetryAfter })
      const refresh = (refreshToken: string) => refreshHubSpotTokens(tokenHttp, { clientId: oauth.clientId, clientSecret: oauth.clientSecret, refreshToken })
      const tokens = new HubSpotTokenSource(deps.credentials, refresh, http.connectionId)
      this.oauth = { options: oauth, tokenHttp, tokens }
      auth = tokens.auth(`check options.oauth.scopes against the HubSpot app's scopes, then reconnect it from the admin (Integrations → ${http.connectionId} → Reconnect HubSpot)`)
    } else if (o.accessToken) {
      http = deps.createHttpClient(baseUrl, [o.accessToken], { retryAfter: hubSpotRetryAfter })
      auth = privateAppAuth(o.accessToken)
    } else {
      // The schema refuses options with neither; this keeps the types honest.
      throw new Error("accessToken: is required unless oauth is set")
    }
    this.client = new HubSpotClient(http, auth)
    this.connectionId = http.connectionId
  }

  usesOAuth(): boolean {
    return !!this.oauth
  }

  /** HubSpot's authorize page for this connection's app; it comes back to `redirectUri` with a code and `state`. */
  authorizeUrl(state: string, redirectUri: string): string {
    const { options } = this.oauthOrThrow()
    return hubSpotAuthorizeUrl({ clientId: options.clientId, redirectUri, scopes: options.scopes, state, authorizeBaseUrl: options.authorizeUrl })
  }

  /** Exchanges the authorize page's code (sent with the same `redirectUri`) and keeps the connection's tokens. */
  async connectOAuth(code: string, redirectUri: string): Promise<void> {
    const { options, tokenHttp, tokens } = this.oauthOrThrow()
    await tokens.connect(await exchangeHubSpotCode(tokenHttp, { clientId: options.clientId, clientSecret: options.clientSecret, redirectUri, code }))
  }

  async tokenExpiry(): Promise<Date | null> {
    return this.oauth ? this.oauth.tokens.tokenExpiry() : null
  }

  private oauthOrThrow() {
    if (this.oauth) return this.oauth
    throw new IntegrationError(
      `Connection "${this.connectionId}" uses a HubSpot private app token (options.accessToken): there is nothing to connect; to use a public app instead, set options.oauth and remove options.accessToken`,
      { connectionId: this.connectionId, code: "oauth_not_configured", retryable: false }
    )
  }

  async testConnection(): Promise<void> {
    await this.ensureProperties()
  }

  externalUrl(entityType: string, externalId: string): string | null {
    const portal = this.options.portalId
    if (!portal) return null
    const kind = { contact: "0-1", customer: "0-1", company: "0-2", deal: "0-3", order: "0-3" }[entityType]
    return kind ? `https://app.hubspot.com/contacts/${portal}/record/${kind}/${encodeURIComponent(externalId)}` : null
  }

  describeCall(operation: string): string | null {
    return DESCRIPTIONS[operation] ?? null
  }

  /**
   * One contact, or (when the engine runs many contact records side by side) many contacts in one batch: two batch
   * reads and one batch upsert instead of two to four calls each.
   */
  upsertContact(input: CrmContactInput): Promise<CrmContactResult> {
    return joinBatch(`hubspot-contacts:${this.connectionId}`, input, (inputs) => this.upsertContacts(inputs), BATCH_MAX)
  }

  private async upsertContacts(inputs: CrmContactInput[]): Promise<Array<CrmContactResult | Error>> {
    if (inputs.length === 1) return [await this.upsertOne(inputs[0])]
    // A batch names each contact once: an input whose e-mail or id is already in it goes on its own afterwards.
    const seen = new Set<string>()
    const [batch, later] = [[] as number[], [] as number[]]
    inputs.forEach((input, i) => {
      const keys = [`email:${input.email}`, ...(input.reference ? [`ref:${input.reference}`] : [])]
      ;(keys.some((k) => seen.has(k)) ? later : batch).push(i)
      keys.forEach((k) => seen.add(k))
    })
    const answers: Array<CrmContactResult | Error> = new Array(inputs.length)
    let batched: Array<CrmContactResult | Error>
    try {
      batched = await this.upsertBatch(batch.map((i) => inputs[i]))
    } catch (err) {
      // An outage or a 429 is every input's: they all retry. A refusal of the batch as a whole (one contact HubSpot
      // will not take) is one input's: each goes on its own, so only that one fails, with HubSpot's words.
      if (describeFailure(err).retryable) throw err
      batched = await this.oneByOne(batch.map((i) => inputs[i]))
    }
    batch.forEach((i, k) => (answers[i] = batched[k]))
    const alone = await this.oneByOne(later.map((i) => inputs[i]))
    later.forEach((i, k) => (answers[i] = alone[k]))
    return answers
  }

  private async oneByOne(inputs: CrmContactInput[]): Promise<Array<CrmContactResult | Error>> {
    const out: Array<CrmContactResult | Error> = []
    for (const input of inputs) out.push(await this.upsertOne(input).catch((err: unknown) => (err instanceof Error ? err : new Error(String(err)))))
    return out
  }

  /** Contacts with distinct e-mails and ids: read by our ids, the rest by e-mail, then one upsert of what changed. */
  private async upsertBatch(inputs: CrmContactInput[]): Promise<Array<CrmContactResult | Error>> {
    await this.ensureProperties()
    const o = this.options
    const read = [...Object.values(CONTACT_PROPERTIES), o.customerIdProperty, o.guestProperty, "lastmodifieddate"]
    const companies = new Map<string, string>()
    for (const name of new Set(inputs.flatMap((i) => (i.company ? [i.company] : [])))) companies.set(name, await this.ensureCompany(name))
    const byReference = await this.client.readMany("contacts", o.customerIdProperty, inputs.flatMap((i) => (i.reference ? [i.reference] : [])), read)
    const byEmail = await this.client.readMany("contacts", "email", inputs.filter((i) => !(i.reference && byReference.has(i.reference))).map((i) => i.email), read)

    const plans = inputs.map((input) => {
      const wanted = wantedOf(input)
      const existing = (input.reference ? byReference.get(input.reference) : undefined) ?? byEmail.get(input.email)
      const companyExternalId = input.company ? companies.get(input.company)! : null
      if (!existing) {
        const properties = this.newContactProperties(input, wanted)
        const upsert = input.reference ? { id: input.reference, idProperty: o.customerIdProperty, properties } : { id: input.email, idProperty: "email", properties }
        return { input, existing, upsert, sent: fieldsWithValues(wanted), kept: [] as CrmContactResult["kept"], replaced: [], modifiedAt: null, companyExternalId }
      }
      const { changes, sent, kept, replaced, modifiedAt } = this.contactChanges(existing, wanted, input)
      const found = input.reference && byReference.has(input.reference) ? { id: input.reference, idProperty: o.customerIdProperty } : { id: input.email, idProperty: "email" }
      return { input, existing, upsert: Object.keys(changes).length ? { ...found, properties: changes } : null, sent, kept, replaced, modifiedAt, companyExternalId }
    })
    const upserted = await this.client.upsertMany("contacts", plans.flatMap((p) => (p.upsert ? [p.upsert] : [])))
    const createdByEmail = new Map(upserted.filter((r) => r.new && r.properties.email).map((r) => [r.properties.email!.toLowerCase(), r.id]))

    const results: Array<CrmContactResult | Error> = []
    for (const p of plans) {
      const externalId = p.existing?.id ?? createdByEmail.get(p.input.email)
      if (!externalId) {
        results.push(new IntegrationError(`HubSpot's batch upsert on connection "${this.connectionId}" did not answer for the new contact ${p.input.email}; retrying finds it by our id or its e-mail`, {
          connectionId: this.connectionId, code: "hubspot_batch_incomplete", retryable: true,
        }))
        continue
      }
      if (p.companyExternalId) await this.client.associate("contacts", externalId, "companies", p.companyExternalId)
      results.push({ externalId, created: !p.existing, sent: p.sent, kept: p.kept, replaced: p.replaced, modifiedAt: p.modifiedAt, companyExternalId: p.companyExternalId, batchOf: inputs.length })
    }
    return results
  }

  private async upsertOne(input: CrmContactInput): Promise<CrmContactResult> {
    await this.ensureProperties()
    const o = this.options
    const wanted = wantedOf(input)
    const read = [...Object.values(CONTACT_PROPERTIES), o.customerIdProperty, o.guestProperty, "lastmodifieddate"]
    const companyExternalId = input.company ? await this.ensureCompany(input.company) : null
    let existing = input.reference ? await this.client.byUniqueProperty("contacts", o.customerIdProperty, input.reference, read) : null
    existing ??= await this.client.findBy("contacts", "email", input.email, read)
    if (!existing) {
      const created = await this.createContact(input, wanted, companyExternalId)
      if (created.created) return { externalId: created.contact.id, created: true, sent: fieldsWithValues(wanted), kept: [], companyExternalId }
      existing = created.contact
    }
    const { changes, sent, kept, replaced, modifiedAt } = this.contactChanges(existing, wanted, input)
    if (Object.keys(changes).length) await this.client.update("contacts", existing.id, changes)
    if (companyExternalId) await this.client.associate("contacts", existing.id, "companies", companyExternalId)
    return { externalId: existing.id, created: false, sent, kept, replaced, modifiedAt, companyExternalId }
  }

  async upsertDeal(input: CrmDealInput): Promise<CrmDealResult> {
    await this.ensureProperties()
    const o = this.options
    const stage = o.dealStages[input.state]
    const properties: Record<string, string> = { dealstage: stage, amount: input.amount, deal_currency_code: input.currencyCode.toUpperCase() }
    const existing = await this.client.byUniqueProperty("deals", o.orderIdProperty, input.reference, Object.keys(properties))
    if (existing) {
      const changes = Object.fromEntries(Object.entries(properties).filter(([k, v]) => (existing.properties[k] ?? "") !== v))
      if (Object.keys(changes).length) await this.client.update("deals", existing.id, changes)
      return { externalId: existing.id, created: false, stage, sent: Object.keys(changes) }
    }
    const all = {
      ...properties, dealname: input.name, pipeline: o.pipeline, [o.orderIdProperty]: input.reference,
      ...(input.closeDate ? { closedate: input.closeDate } : {}),
    }
    const associations = [associationTo(input.contactExternalId, ASSOCIATION.dealToContact)]
    let deal: HubSpotObject
    try {
      deal = await this.client.create("deals", all, associations)
    } catch (err) {
      // Our reference is unique in HubSpot: a conflict means the deal exists (an earlier answer was lost).
      const found = err instanceof HubSpotRefusal && err.httpStatus === 409 ? await this.client.byUniqueProperty("deals", o.orderIdProperty, input.reference, Object.keys(properties)) : null
      if (!found) throw err
      return { externalId: found.id, created: false, stage, sent: [] }
    }
    if (input.lines.length) {
      await this.client.createMany("line_items", input.lines.map((l) => ({
        properties: { name: l.name, quantity: String(l.quantity), price: l.unitPrice, ...(l.sku ? { hs_sku: l.sku } : {}) },
        associations: [associationTo(deal.id, ASSOCIATION.lineItemToDeal)],
      })))
    }
    return { externalId: deal.id, created: true, stage, sent: Object.keys(all) }
  }

  /**
   * The contacts modified in HubSpot since the cursor (lastmodifieddate, oldest first). HubSpot's search index trails
   * writes by a few seconds, so the next cursor starts a minute before this call: contacts seen twice are told apart
   * by the hub, which compares values, not times.
   */
  async existingRecords(type: "contact" | "deal", externalIds: string[]): Promise<Set<string>> {
    const found = new Set<string>()
    for (let i = 0; i < externalIds.length; i += BATCH_MAX) {
      for (const id of await this.client.existing(type === "contact" ? "contacts" : "deals", externalIds.slice(i, i + BATCH_MAX))) found.add(id)
    }
    return found
  }

  async listContactChanges(page: CrmContactChangesRequest): Promise<CrmContactChangesPage> {
    await this.ensureProperties()
    const o = this.options
    const started = Date.now()
    const since = page.changedSince ? Number(page.changedSince) : page.startAt.getTime()
    const read = [...Object.values(CONTACT_PROPERTIES), o.customerIdProperty, "lastmodifieddate"]
    const { results, next } = await this.client.modifiedSince("contacts", since, read, page.after, Math.min(page.limit, SEARCH_MAX))
    return {
      contacts: results.map((c) => ({
        externalId: c.id,
        reference: c.properties[o.customerIdProperty] || null,
        fields: Object.fromEntries((Object.keys(CONTACT_PROPERTIES) as CrmContactField[]).map((f) => [f, c.properties[CONTACT_PROPERTIES[f]] || null])) as Record<CrmContactField, string | null>,
        modifiedAt: new Date(c.properties.lastmodifieddate ?? c.updatedAt ?? started),
      })),
      next,
      cursor: String(Math.max(since, started - SEARCH_LAG_MS)),
    }
  }

  /** Creates the contact; HubSpot's 409 (the e-mail is there, search had not indexed it yet) names the contact to update instead. */
  private async createContact(input: CrmContactInput, wanted: Record<CrmContactField, string | null>, companyId: string | null): Promise<{ contact: HubSpotObject; created: boolean }> {
    const properties = this.newContactProperties(input, wanted)
    try {
      const associations = companyId ? [associationTo(companyId, ASSOCIATION.contactToCompany)] : []
      return { contact: await this.client.create("contacts", properties, associations), created: true }
    } catch (err) {
      const id = err instanceof HubSpotRefusal && err.httpStatus === 409 ? err.existingId : null
      if (!id) throw err
      return { contact: { id, properties: {} }, created: false }
    }
  }

  /** A new contact's properties: the fields that have a value, our id, the guest flag. */
  private newContactProperties(input: CrmContactInput, wanted: Record<CrmContactField, string | null>): Record<string, string> {
    const o = this.options
    return {
      ...Object.fromEntries(Object.entries(wanted).flatMap(([f, v]) => (v ? [[CONTACT_PROPERTIES[f as CrmContactField], v]] : []))),
      ...(input.reference ? { [o.customerIdProperty]: input.reference } : {}),
      [o.guestProperty]: String(input.guest),
    }
  }

  /** What to write to an existing contact: the fields that differ, except those HubSpot owns and has a value for. */
  private contactChanges(existing: HubSpotObject, wanted: Record<CrmContactField, string | null>, input: CrmContactInput) {
    const o = this.options
    const changes: Record<string, string> = {}
    const sent: CrmContactField[] = []
    const kept: CrmContactResult["kept"] = []
    const replaced: NonNullable<CrmContactResult["replaced"]> = []
    for (const [field, value] of Object.entries(wanted) as Array<[CrmContactField, string | null]>) {
      const name = CONTACT_PROPERTIES[field]
      const theirs = existing.properties[name] ?? ""
      if ((value ?? "") === theirs || input.unchanged?.includes(field)) continue
      if (input.crmOwned?.includes(field) && theirs) {
        kept.push({ field, crm: theirs, ours: value })
        continue
      }
      changes[name] = value ?? ""
      sent.push(field)
      if (theirs) replaced.push({ field, crm: theirs })
    }
    // Our id once the contact is matched by e-mail: a guest who signs up later gets it then, and is no guest any more;
    // a customer's guest checkout leaves them a customer.
    if (input.reference && existing.properties[o.customerIdProperty] !== input.reference) changes[o.customerIdProperty] = input.reference
    const guest = String(input.guest && !input.reference && !existing.properties[o.customerIdProperty])
    if (existing.properties[o.guestProperty] !== guest) changes[o.guestProperty] = guest
    return { changes, sent, kept, replaced, modifiedAt: existing.properties.lastmodifieddate ?? existing.updatedAt ?? null }
  }

  /** The company by its name, created when missing. */
  private async ensureCompany(name: string): Promise<string> {
    const found = await this.client.findBy("companies", "name", name, ["name"])
    if (found) return found.id
    return (await this.client.create("companies", { name })).id
  }

  /** The hub's own properties in the portal (our ids, the guest flag), created once when missing. */
  private ensureProperties(): Promise<void> {
    this.propertiesReady ??= this.createMissingProperties().catch((err) => {
      this.propertiesReady = undefined
      throw err
    })
    return this.propertiesReady
  }

  private async createMissingProperties(): Promise<void> {
    const o = this.options
    const wanted: Array<[ObjectType, PropertyDefinition]> = [
      ["contacts", { name: o.customerIdProperty, label: "Medusa customer id", type: "string", fieldType: "text", groupName: "contactinformation", hasUniqueValue: true }],
      ["contacts", { name: o.guestProperty, label: "Medusa guest checkout", type: "enumeration", fieldType: "booleancheckbox", groupName: "contactinformation", options: [{ label: "Yes", value: "true" }, { label: "No", value: "false" }] }],
      ["deals", { name: o.orderIdProperty, label: "Medusa order", type: "string", fieldType: "text", groupName: "dealinformation", hasUniqueValue: true }],
    ]
    for (const [type, definition] of wanted) {
      if (!(await this.client.property(type, definition.name))) await this.client.createProperty(type, definition)
    }
  }
}

/** HubSpot takes up to 100 inputs per batch call, and answers up to 200 objects per search page. */
const BATCH_MAX = 100
const SEARCH_MAX = 200
/** How far HubSpot's search index may trail its writes: the next look for changes starts this long before this one. */
const SEARCH_LAG_MS = 60_000

const wantedOf = (input: CrmContactInput): Record<CrmContactField, string | null> => ({
  email: input.email, firstName: input.firstName, lastName: input.lastName, phone: input.phone, company: input.company,
})

const fieldsWithValues = (wanted: Record<CrmContactField, string | null>) => (Object.keys(wanted) as CrmContactField[]).filter((f) => !!wanted[f])
