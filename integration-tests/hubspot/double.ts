/*
 * The stateful half of the HubSpot test server: records, unique properties, associations, search, batch upsert and
 * the properties API, answered the way HubSpot's CRM v3 answers them. Requests reach it only once Prism (server.ts)
 * found them valid for HubSpot's description and the token matched, so it checks what the description cannot:
 * which properties exist, unique values, deal stages, association types, records that exist.
 */
import { randomUUID } from "node:crypto"

export const OBJECT_TYPES = ["contacts", "companies", "deals", "line_items", "products", "orders"] as const
export type HubSpotObjectType = (typeof OBJECT_TYPES)[number]

export type HubSpotRecord = { id: string; type: HubSpotObjectType; properties: Record<string, string>; createdAt: string; updatedAt: string; archived: boolean; touchedAt: number }
export type StoredAssociation = { fromType: HubSpotObjectType; fromId: string; toType: HubSpotObjectType; toId: string; associationCategory: string; associationTypeId: number }
export type HubSpotAnswer = { status: number; body?: unknown }
type Property = { name: string; type: string; hasUniqueValue: boolean; custom: boolean; readOnly?: boolean; label?: string; fieldType?: string; groupName?: string }

/** HUBSPOT_DEFINED association types used here (directional; the inverse is created with them, as HubSpot does). */
export const ASSOCIATION_TYPES: Record<number, { from: HubSpotObjectType; to: HubSpotObjectType; name: string; inverse: number }> = {
  1: { from: "contacts", to: "companies", name: "contact_to_company", inverse: 2 },
  2: { from: "companies", to: "contacts", name: "company_to_contact", inverse: 1 },
  279: { from: "contacts", to: "companies", name: "contact_to_company_unlabeled", inverse: 280 },
  280: { from: "companies", to: "contacts", name: "company_to_contact_unlabeled", inverse: 279 },
  3: { from: "deals", to: "contacts", name: "deal_to_contact", inverse: 4 },
  4: { from: "contacts", to: "deals", name: "contact_to_deal", inverse: 3 },
  5: { from: "deals", to: "companies", name: "deal_to_company", inverse: 6 },
  6: { from: "companies", to: "deals", name: "company_to_deal", inverse: 5 },
  19: { from: "deals", to: "line_items", name: "deal_to_line_item", inverse: 20 },
  20: { from: "line_items", to: "deals", name: "line_item_to_deal", inverse: 19 },
}

const READ_ONLY = ["hs_object_id", "createdate", "lastmodifieddate", "hs_createdate", "hs_lastmodifieddate"]
const s = (...names: string[]) => names.map((name) => ({ name, type: "string" }))
const n = (...names: string[]) => names.map((name) => ({ name, type: "number" }))
const d = (...names: string[]) => names.map((name) => ({ name, type: "datetime" }))
/** A working subset of HubSpot's default properties per object (enough for a shop; add more with `properties`). */
const DEFAULT_PROPERTIES: Record<HubSpotObjectType, Array<{ name: string; type: string }>> = {
  contacts: [
    ...s("email", "firstname", "lastname", "phone", "mobilephone", "company", "website", "jobtitle", "address", "city", "state", "zip", "country"),
    ...s("lifecyclestage", "hs_lead_status", "hubspot_owner_id", "hs_language", "message"),
  ],
  companies: [...s("name", "domain", "phone", "website", "address", "city", "state", "zip", "country", "industry", "description", "lifecyclestage", "hubspot_owner_id")],
  deals: [...s("dealname", "pipeline", "dealstage", "deal_currency_code", "dealtype", "description", "hubspot_owner_id", "hs_priority"), ...n("amount"), ...d("closedate")],
  line_items: [...s("name", "hs_sku", "description", "hs_product_id", "hs_line_item_currency_code"), ...n("quantity", "price", "amount", "discount", "hs_discount_percentage", "tax", "hs_position_on_quote")],
  products: [...s("name", "hs_sku", "description"), ...n("price", "hs_cost_of_goods_sold")],
  orders: [...s("hs_order_name", "hs_currency_code", "hs_external_order_id", "hs_pipeline", "hs_pipeline_stage", "hs_source_store"), ...n("hs_total_price", "hs_subtotal_price")],
}
/** HubSpot's default sales pipeline ("Sales Pipeline") and its stage ids. */
const DEFAULT_PIPELINES: Record<string, string[]> = {
  default: ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin", "contractsent", "closedwon", "closedlost"],
}
const SINGULAR_NAME: Record<HubSpotObjectType, string> = { contacts: "CONTACT", companies: "COMPANY", deals: "DEAL", line_items: "LINE_ITEM", products: "PRODUCT", orders: "ORDER" }

type Input = { properties?: Record<string, string>; associations?: Array<{ to: { id: string }; types: Array<{ associationCategory: string; associationTypeId: number }> }> }
type Filter = { propertyName: string; operator: string; value?: string; values?: string[]; highValue?: string }
type SearchBody = { filterGroups: Array<{ filters: Filter[] }>; properties: string[]; limit: number; after: string; sorts: string[]; query?: string }

class Refusal extends Error {
  constructor(readonly answer: HubSpotAnswer) {
    super("refused")
  }
}

export class CrmDouble {
  private readonly records = new Map<HubSpotObjectType, Map<string, HubSpotRecord>>(OBJECT_TYPES.map((t) => [t, new Map()]))
  private readonly properties = new Map<HubSpotObjectType, Map<string, Property>>()
  private readonly links: StoredAssociation[] = []
  private readonly pipelines: Record<string, string[]>
  private seq = 0

  constructor(opts: { properties?: Partial<Record<HubSpotObjectType, Array<{ name: string; type?: string; hasUniqueValue?: boolean }>>>; pipelines?: Record<string, string[]> }) {
    for (const t of OBJECT_TYPES) {
      const props = new Map<string, Property>()
      for (const name of READ_ONLY) props.set(name, { name, type: "string", hasUniqueValue: false, custom: false, readOnly: true })
      for (const p of DEFAULT_PROPERTIES[t]) props.set(p.name, { ...p, hasUniqueValue: false, custom: false })
      // HubSpot keeps contact e-mails unique (a duplicate is a 409) and lets them identify a contact like a unique property.
      if (t === "contacts") props.set("email", { name: "email", type: "string", hasUniqueValue: true, custom: false })
      for (const p of opts.properties?.[t] ?? []) props.set(p.name, { name: p.name, type: p.type ?? "string", hasUniqueValue: p.hasUniqueValue ?? false, custom: true })
      this.properties.set(t, props)
    }
    this.pipelines = opts.pipelines ?? DEFAULT_PIPELINES
  }

  list(type: HubSpotObjectType): HubSpotRecord[] {
    return [...this.records.get(type)!.values()].filter((r) => !r.archived).map((r) => ({ ...r, properties: { ...r.properties } }))
  }
  associations(): StoredAssociation[] {
    return this.links.map((l) => ({ ...l }))
  }
  /** A change made in HubSpot itself (a person in its UI, a workflow): the record's modification time moves on. */
  edit(type: HubSpotObjectType, id: string, properties: Record<string, string>): HubSpotRecord {
    const record = this.records.get(type)!.get(id)
    if (!record) throw new Error(`no ${type} ${id} in the HubSpot double`)
    return this.update(type, record, properties)
  }
  customProperties(type: HubSpotObjectType) {
    return [...this.properties.get(type)!.values()].filter((p) => p.custom).map((p) => ({ name: p.name, hasUniqueValue: p.hasUniqueValue }))
  }

  handle(method: string, url: URL, body: unknown, ctx: { searchIndexDelayMs: number }): HubSpotAnswer {
    try {
      return this.route(method, url, body, ctx)
    } catch (err) {
      if (err instanceof Refusal) return err.answer
      throw err
    }
  }

  private route(method: string, url: URL, body: unknown, ctx: { searchIndexDelayMs: number }): HubSpotAnswer {
    let m: RegExpExecArray | null
    const q = url.searchParams
    if ((m = /^\/crm\/v3\/objects\/([^/]+)(?:\/(.+))?$/.exec(url.pathname))) {
      const type = typeOf(m[1])
      const rest = m[2] ? decodeURIComponent(m[2]) : ""
      if (method === "GET" && rest === "") {
        const all = this.list(type)
        const start = Number(q.get("after")) || 0
        const limit = Number(q.get("limit")) || 10
        const page = all.slice(start, start + limit).map((r) => this.view(r, listParam(q, "properties") ?? defaultShown(type), listParam(q, "associations")))
        return { status: 200, body: { results: page, ...(start + limit < all.length ? { paging: { next: { after: String(start + limit) } } } : {}) } }
      }
      if (method === "POST" && rest === "") return { status: 201, body: this.view(this.create(type, body as Input), undefined) }
      if (method === "POST" && rest === "search") return this.search(type, body as SearchBody, ctx.searchIndexDelayMs)
      if (method === "POST" && rest === "batch/create") return this.batch(201, ((body as { inputs: Input[] }).inputs).map((input) => this.view(this.create(type, input), undefined)))
      if (method === "POST" && rest === "batch/update") {
        const inputs = (body as { inputs: Array<{ id: string; idProperty?: string; properties: Record<string, string> }> }).inputs
        return this.batch(200, inputs.map((i) => this.view(this.update(type, this.find(type, i.id, i.idProperty), i.properties), undefined)))
      }
      if (method === "POST" && rest === "batch/upsert") return this.upsert(type, body as { inputs: Array<{ id: string; idProperty?: string; properties: Record<string, string> }> })
      if (method === "POST" && rest === "batch/read") return this.batchRead(type, body as { inputs: Array<{ id: string }>; idProperty?: string; properties: string[] })
      if (rest && !rest.includes("/") && !["search", "merge", "gdpr-delete"].includes(rest)) {
        const found = () => this.find(type, rest, q.get("idProperty") ?? undefined)
        if (method === "GET") return { status: 200, body: this.view(found(), listParam(q, "properties"), listParam(q, "associations")) }
        if (method === "PATCH") return { status: 200, body: this.view(this.update(type, found(), (body as { properties: Record<string, string> }).properties), undefined) }
        if (method === "DELETE") {
          found().archived = true
          return { status: 204 }
        }
      }
      return notInDouble(method, url.pathname)
    }
    if ((m = /^\/crm\/v3\/properties\/([^/]+)(?:\/([^/]+))?$/.exec(url.pathname))) {
      const props = this.properties.get(typeOf(m[1]))!
      if (method === "GET" && m[2]) {
        const p = props.get(m[2])
        return p ? { status: 200, body: propertyView(p) } : failure(404, "OBJECT_NOT_FOUND", `Unable to find property with name ${m[2]}.`)
      }
      if (method === "POST" && !m[2]) {
        const b = (body ?? {}) as Partial<Property>
        const missing = ["name", "label", "type", "fieldType", "groupName"].filter((k) => typeof b[k as keyof Property] !== "string")
        if (missing.length) return failure(400, "VALIDATION_ERROR", `Invalid input: missing required field(s) ${missing.join(", ")}`)
        if (props.has(b.name!)) return failure(409, "OBJECT_ALREADY_EXISTS", `Property named '${b.name}' already exists.`)
        const p: Property = { name: b.name!, label: b.label, type: b.type!, fieldType: b.fieldType, groupName: b.groupName, hasUniqueValue: b.hasUniqueValue === true, custom: true }
        props.set(p.name, p)
        return { status: 201, body: propertyView(p) }
      }
      return notInDouble(method, url.pathname)
    }
    if (method === "PUT" && (m = /^\/crm\/v4\/objects\/([^/]+)\/([^/]+)\/associations\/(?:(default)\/)?([^/]+)\/([^/]+)$/.exec(url.pathname))) {
      const [fromType, toType] = [typeOf(m[1]), typeOf(m[4])]
      const from = this.find(fromType, m[2])
      const to = this.find(toType, m[5])
      const chosen = m[3] ? defaultTypes(fromType, toType) : (body as Array<{ associationCategory: string; associationTypeId: number }>)
      for (const t of chosen) this.link(fromType, from.id, t, to.id)
      if (!m[3]) return { status: 201, body: { fromObjectTypeId: fromType, fromObjectId: Number(from.id), toObjectTypeId: toType, toObjectId: Number(to.id), labels: [] } }
      const results = chosen.map((associationSpec) => ({ from: { id: from.id }, to: { id: to.id }, associationSpec }))
      return this.batch(200, results)
    }
    return notInDouble(method, url.pathname)
  }

  private create(type: HubSpotObjectType, input: Input): HubSpotRecord {
    const properties = this.checked(type, input.properties ?? {}, undefined)
    // Associations are checked before anything is stored: HubSpot creates nothing when one is invalid.
    const pending = (input.associations ?? []).flatMap((a) => a.types.map((t) => ({ toId: a.to.id, spec: t })))
    for (const p of pending) this.checkLink(type, p.spec, p.toId)
    const now = new Date()
    const id = String(++this.seq + 1000)
    const record: HubSpotRecord = { id, type, properties: { ...properties, hs_object_id: id, createdate: now.toISOString(), lastmodifieddate: now.toISOString() }, createdAt: now.toISOString(), updatedAt: now.toISOString(), archived: false, touchedAt: Date.now() }
    this.records.get(type)!.set(id, record)
    for (const p of pending) this.link(type, id, p.spec, p.toId)
    return record
  }

  private update(type: HubSpotObjectType, record: HubSpotRecord, sent: Record<string, string>): HubSpotRecord {
    const properties = this.checked(type, sent, record)
    for (const [k, v] of Object.entries(properties)) {
      if (v === "") delete record.properties[k]
      else record.properties[k] = v
    }
    const now = new Date()
    record.properties.lastmodifieddate = now.toISOString()
    record.updatedAt = now.toISOString()
    record.touchedAt = Date.now()
    return record
  }

  /** Property checks HubSpot makes on a write; throws its 400/409 answers. */
  private checked(type: HubSpotObjectType, sent: Record<string, string>, existing: HubSpotRecord | undefined): Record<string, string> {
    const props = this.properties.get(type)!
    const invalid: Array<{ name: string; message: string; error: string }> = []
    const out: Record<string, string> = {}
    for (const [name, value] of Object.entries(sent)) {
      const p = props.get(name)
      if (!p) invalid.push({ name, message: `Property "${name}" does not exist`, error: "PROPERTY_DOESNT_EXIST" })
      else if (p.readOnly) invalid.push({ name, message: `"${name}" is a read only property; its value cannot be set.`, error: "READ_ONLY_VALUE" })
      else if (value !== "" && p.type === "number" && !/^-?\d+(\.\d+)?$/.test(value)) invalid.push({ name, message: `${value} was not a valid number.`, error: "INVALID_DECIMAL" })
      else if (value !== "" && p.type === "datetime" && !/^\d+$/.test(value) && Number.isNaN(Date.parse(value))) invalid.push({ name, message: `${value} was not a valid long or ISO 8601 date.`, error: "INVALID_DATE" })
      else out[name] = name === "email" ? value.trim().toLowerCase() : value
    }
    if (type === "deals") {
      const pipeline = out.pipeline ?? existing?.properties.pipeline ?? "default"
      if (out.pipeline !== undefined && !this.pipelines[out.pipeline]) invalid.push({ name: "pipeline", message: `${out.pipeline} was not one of the allowed options`, error: "INVALID_OPTION" })
      else if (out.dealstage !== undefined && !(this.pipelines[pipeline] ?? []).includes(out.dealstage)) invalid.push({ name: "dealstage", message: `${out.dealstage} is not a valid stage of pipeline ${pipeline}`, error: "INVALID_OPTION" })
    }
    if (invalid.length) {
      const detail = invalid.map((i) => ({ isValid: false, message: i.message, error: i.error, name: i.name, localizedErrorMessage: i.message }))
      throw new Refusal(failure(400, "VALIDATION_ERROR", `Property values were not valid: ${JSON.stringify(detail)}`, { errors: invalid.map((i) => ({ message: i.message, code: i.error, context: { propertyName: [i.name] } })) }))
    }
    for (const [name, value] of Object.entries(out)) {
      if (!props.get(name)!.hasUniqueValue || value === "") continue
      const other = [...this.records.get(type)!.values()].find((r) => !r.archived && r !== existing && r.properties[name] === value)
      if (!other) continue
      // The e-mail answer is HubSpot's own (widely reported); for custom unique properties HubSpot's exact wording is not documented.
      const message = type === "contacts" && name === "email" ? `Contact already exists. Existing ID: ${other.id}` : `A ${SINGULAR_NAME[type].toLowerCase()} with ${name} "${value}" already exists. Existing ID: ${other.id}`
      throw new Refusal(failure(409, "CONFLICT", message))
    }
    return out
  }

  private checkLink(fromType: HubSpotObjectType, spec: { associationCategory: string; associationTypeId: number }, toId: string) {
    const a = ASSOCIATION_TYPES[spec.associationTypeId]
    if (spec.associationCategory !== "HUBSPOT_DEFINED" || !a || a.from !== fromType) {
      throw new Refusal(failure(400, "VALIDATION_ERROR", `invalid association type ${spec.associationCategory} ${spec.associationTypeId} for ${SINGULAR_NAME[fromType]}`))
    }
    const to = this.records.get(a.to)!.get(toId)
    if (!to || to.archived) throw new Refusal(failure(400, "VALIDATION_ERROR", `One or more associations are invalid: no ${SINGULAR_NAME[a.to]} with id ${toId}`))
  }

  private link(fromType: HubSpotObjectType, fromId: string, spec: { associationCategory: string; associationTypeId: number }, toId: string) {
    this.checkLink(fromType, spec, toId)
    const a = ASSOCIATION_TYPES[spec.associationTypeId]
    const same = (l: StoredAssociation) =>
      (l.fromType === fromType && l.fromId === fromId && l.toType === a.to && l.toId === toId && l.associationTypeId === spec.associationTypeId) ||
      (l.fromType === a.to && l.fromId === toId && l.toType === fromType && l.toId === fromId && l.associationTypeId === a.inverse)
    if (!this.links.some(same)) this.links.push({ fromType, fromId, toType: a.to, toId, associationCategory: spec.associationCategory, associationTypeId: spec.associationTypeId })
  }

  private find(type: HubSpotObjectType, id: string, idProperty?: string): HubSpotRecord {
    const all = this.records.get(type)!
    let found: HubSpotRecord | undefined
    if (idProperty && idProperty !== "hs_object_id") {
      const p = this.properties.get(type)!.get(idProperty)
      if (!p?.hasUniqueValue) throw new Refusal(failure(400, "VALIDATION_ERROR", `${idProperty} is not a unique property of ${SINGULAR_NAME[type]}`))
      const wanted = idProperty === "email" ? id.toLowerCase() : id
      found = [...all.values()].find((r) => !r.archived && r.properties[idProperty] === wanted)
    } else found = all.get(id)
    if (!found || found.archived) throw new Refusal(failure(404, "OBJECT_NOT_FOUND", "Object not found.  objectId are usually numeric.", { context: { id: [id] } }))
    return found
  }

  private view(r: HubSpotRecord, properties: string[] | undefined, associations: string[] = []) {
    const base = ["hs_object_id", "createdate", "lastmodifieddate"]
    const shown: Record<string, string | null> = {}
    if (properties) for (const k of [...base, ...properties]) shown[k] = r.properties[k] ?? null
    else Object.assign(shown, r.properties)
    const out: Record<string, unknown> = { id: r.id, properties: shown, createdAt: r.createdAt, updatedAt: r.updatedAt, archived: false }
    const assoc: Record<string, { results: Array<{ id: string; type: string }> }> = {}
    for (const name of associations) {
      const other = typeOf(name)
      const results = this.associatedOf(r.type, r.id, other)
      if (results.length) assoc[name] = { results }
    }
    if (Object.keys(assoc).length) out.associations = assoc
    return out
  }

  private associatedOf(type: HubSpotObjectType, id: string, other: HubSpotObjectType): Array<{ id: string; type: string }> {
    const out: Array<{ id: string; type: string }> = []
    for (const l of this.links) {
      if (l.fromType === type && l.fromId === id && l.toType === other) out.push({ id: l.toId, type: ASSOCIATION_TYPES[l.associationTypeId].name })
      else if (l.toType === type && l.toId === id && l.fromType === other) out.push({ id: l.fromId, type: ASSOCIATION_TYPES[ASSOCIATION_TYPES[l.associationTypeId].inverse].name })
    }
    return out
  }

  private search(type: HubSpotObjectType, body: SearchBody, lagMs: number): HubSpotAnswer {
    if (body.limit > 200) return failure(400, "VALIDATION_ERROR", "limit must be at most 200")
    const visible = [...this.records.get(type)!.values()].filter((r) => !r.archived && r.touchedAt <= Date.now() - lagMs)
    const groups = body.filterGroups
    const hits = visible.filter((r) => !groups.length || groups.some((g) => g.filters.every((f) => matches(r, f))))
    for (const sort of [...body.sorts].reverse()) {
      const [key, dir] = sort.startsWith("-") ? [sort.slice(1), -1] : [sort, 1]
      hits.sort((a, b) => dir * String(a.properties[key] ?? "").localeCompare(String(b.properties[key] ?? ""), undefined, { numeric: true }))
    }
    const start = Number(body.after) || 0
    const page = hits.slice(start, start + (body.limit || 10))
    const properties = body.properties.length ? body.properties : defaultShown(type)
    const out: Record<string, unknown> = { total: hits.length, results: page.map((r) => this.view(r, properties)) }
    if (start + page.length < hits.length) out.paging = { next: { after: String(start + page.length) } }
    return { status: 200, body: out }
  }

  private upsert(type: HubSpotObjectType, body: { inputs: Array<{ id: string; idProperty?: string; properties: Record<string, string> }> }): HubSpotAnswer {
    const keys = body.inputs.map((i) => `${i.idProperty ?? ""}:${i.idProperty === "email" ? i.id.toLowerCase() : i.id}`)
    const dupes = keys.filter((k, i) => keys.indexOf(k) !== i)
    if (dupes.length) return failure(400, "VALIDATION_ERROR", `Duplicate IDs found in batch input: [${dupes.map((k) => k.split(":").slice(1).join(":")).join(", ")}]. IDs must be unique`)
    for (const i of body.inputs) {
      if (!i.idProperty) return failure(400, "VALIDATION_ERROR", "Upsert requires idProperty: the name of a unique property (email, or a custom property with hasUniqueValue)")
      if (!this.properties.get(type)!.get(i.idProperty)?.hasUniqueValue) return failure(400, "VALIDATION_ERROR", `${i.idProperty} is not a unique property of ${SINGULAR_NAME[type]}`)
    }
    // A batch HubSpot refuses (one input's 409 or validation error) writes none of its inputs.
    const before = new Map([...this.records.get(type)!].map(([id, r]) => [id, { ...r, properties: { ...r.properties } }]))
    try {
      const results = body.inputs.map((i) => {
        const wanted = i.idProperty === "email" ? i.id.toLowerCase() : i.id
        const existing = [...this.records.get(type)!.values()].find((r) => !r.archived && r.properties[i.idProperty!] === wanted)
        const record = existing ? this.update(type, existing, i.properties) : this.create(type, { properties: { ...i.properties, [i.idProperty!]: i.id }, associations: [] })
        return { ...this.view(record, undefined), new: !existing }
      })
      return this.batch(200, results)
    } catch (err) {
      this.records.set(type, before)
      throw err
    }
  }

  private batchRead(type: HubSpotObjectType, body: { inputs: Array<{ id: string }>; idProperty?: string; properties: string[] }): HubSpotAnswer {
    const results: unknown[] = []
    const missing: string[] = []
    for (const i of body.inputs) {
      try {
        results.push(this.view(this.find(type, i.id, body.idProperty), body.properties.length ? body.properties : defaultShown(type)))
      } catch (err) {
        if (!(err instanceof Refusal) || err.answer.status !== 404) throw err
        missing.push(i.id)
      }
    }
    if (!missing.length) return this.batch(200, results)
    const error = { status: "error", category: "OBJECT_NOT_FOUND", message: `Could not get some ${SINGULAR_NAME[type]} objects, they may be deleted or not exist. Check that ids are valid.`, context: { ids: missing }, errors: [], links: {} }
    const answer = this.batch(207, results)
    return { status: 207, body: { ...(answer.body as object), numErrors: 1, errors: [error] } }
  }

  private batch(status: number, results: unknown[]): HubSpotAnswer {
    const now = new Date().toISOString()
    return { status, body: { status: "COMPLETE", results, startedAt: now, completedAt: now } }
  }
}

function matches(r: HubSpotRecord, f: Filter): boolean {
  const raw = r.properties[f.propertyName]
  const have = raw?.toLowerCase()
  const want = f.value?.toLowerCase()
  switch (f.operator) {
    case "EQ":
      return have !== undefined && have === want
    case "NEQ":
      return have !== want
    case "IN":
      return have !== undefined && (f.values ?? []).map((v) => v.toLowerCase()).includes(have)
    case "NOT_IN":
      return have === undefined || !(f.values ?? []).map((v) => v.toLowerCase()).includes(have)
    case "HAS_PROPERTY":
      return raw !== undefined
    case "NOT_HAS_PROPERTY":
      return raw === undefined
    case "CONTAINS_TOKEN":
      return have !== undefined && want !== undefined && new RegExp(`^${want.split("*").map(escape).join(".*")}$`).test(have)
    case "GT":
      return raw !== undefined && ordinal(raw) > ordinal(f.value)
    case "GTE":
      return raw !== undefined && ordinal(raw) >= ordinal(f.value)
    case "LT":
      return raw !== undefined && ordinal(raw) < ordinal(f.value)
    case "LTE":
      return raw !== undefined && ordinal(raw) <= ordinal(f.value)
    case "BETWEEN":
      return raw !== undefined && ordinal(raw) >= ordinal(f.value) && ordinal(raw) <= ordinal(f.highValue)
    default:
      return false
  }
}

/** HubSpot compares numbers as numbers and date-times as instants (stored as ISO text, filtered by epoch ms). */
const ordinal = (v: string | undefined) => (v !== undefined && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : Number(v))

const escape = (v: string) => v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")
const listParam = (q: URLSearchParams, name: string): string[] | undefined => {
  const all = q.getAll(name).flatMap((v) => v.split(",")).filter(Boolean)
  return all.length ? all : undefined
}
/** What HubSpot returns when no properties are asked for. */
const defaultShown = (type: HubSpotObjectType): string[] =>
  ({ contacts: ["email", "firstname", "lastname"], companies: ["name", "domain"], deals: ["dealname", "amount", "closedate", "pipeline", "dealstage"], line_items: ["name", "quantity", "price", "amount"], products: ["name", "price", "description"], orders: ["hs_order_name"] })[type]

const TYPE_NAMES: Record<string, HubSpotObjectType> = {
  "0-1": "contacts", "0-2": "companies", "0-3": "deals", "0-8": "line_items", "0-7": "products", "0-123": "orders",
  contact: "contacts", company: "companies", deal: "deals", line_item: "line_items", product: "products", order: "orders",
}
/** Object type names HubSpot accepts in paths: plural names, object type ids, and (v4, properties) singular names. */
export function objectTypeOf(name: string): HubSpotObjectType | undefined {
  const n = name.toLowerCase()
  return (OBJECT_TYPES as readonly string[]).includes(n) ? (n as HubSpotObjectType) : TYPE_NAMES[n]
}

function typeOf(name: string): HubSpotObjectType {
  const t = objectTypeOf(name)
  if (!t) throw new Refusal(failure(400, "VALIDATION_ERROR", `Unable to infer object type from: ${name}`))
  return t
}

/** The unlabeled association HubSpot's v4 "default" endpoint creates for a pair. */
function defaultTypes(from: HubSpotObjectType, to: HubSpotObjectType) {
  const id = Object.entries(ASSOCIATION_TYPES).find(([i, a]) => a.from === from && a.to === to && ![1, 2].includes(Number(i)))?.[0]
  if (!id) throw new Refusal(failure(400, "VALIDATION_ERROR", `no default association type between ${from} and ${to} in this double`))
  return [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: Number(id) }]
}

function propertyView(p: Property) {
  return { name: p.name, label: p.label ?? p.name, type: p.type, fieldType: p.fieldType ?? (p.type === "number" ? "number" : "text"), groupName: p.groupName ?? "", hasUniqueValue: p.hasUniqueValue, hidden: false, formField: false, calculated: false, externalOptions: false, options: [], modificationMetadata: { archivable: true, readOnlyDefinition: !p.custom, readOnlyValue: p.readOnly === true } }
}

function failure(status: number, category: string, message: string, extra: Record<string, unknown> = {}): HubSpotAnswer {
  return { status, body: { status: "error", message, correlationId: randomUUID(), category, ...extra } }
}

function notInDouble(method: string, pathname: string): HubSpotAnswer {
  return failure(501, "NOT_IMPLEMENTED", `${method} ${pathname} is valid for HubSpot's description but not part of this test double`)
}
