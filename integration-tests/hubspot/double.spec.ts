import { HubSpotTestServer, startHubSpotTestServer } from "./server"

jest.setTimeout(90_000)

// HubSpot's own CRM v3 descriptions, served by Prism, judge every request (any violation fails the test); the stateful
// double behind them answers. These tests call it with plain fetch, the way the CRM provider will.
describe("HubSpot test server: Prism on the official CRM v3 descriptions, a stateful double behind it", () => {
  const TOKEN = "pat-eu1-00000000-test-token"
  let hubspot: HubSpotTestServer
  let seq = 0
  const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`

  type Answer = { status: number; body: Record<string, unknown>; headers: Headers }
  async function hs(method: string, path: string, body?: unknown, token = TOKEN): Promise<Answer> {
    const res = await fetch(`${hubspot.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await res.text()
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers }
  }
  const search = (type: string, propertyName: string, value: string, properties = ["email", "medusa_customer_id"]) =>
    hs("POST", `/crm/v3/objects/${type}/search`, { filterGroups: [{ filters: [{ propertyName, operator: "EQ", value }] }], properties, limit: 10, after: "0", sorts: [] })
  const createContact = (properties: Record<string, string>, associations: unknown[] = []) => hs("POST", "/crm/v3/objects/contacts", { properties, associations })

  beforeAll(async () => {
    hubspot = await startHubSpotTestServer({ token: TOKEN })
    // The provider creates its stable-id property when it is missing: the properties API is not in the given documents.
    const missing = await hs("GET", "/crm/v3/properties/contacts/medusa_customer_id")
    expect(missing.status).toBe(404)
    const created = await hs("POST", "/crm/v3/properties/contacts", { name: "medusa_customer_id", label: "Medusa customer id", type: "string", fieldType: "text", groupName: "contactinformation", hasUniqueValue: true })
    expect(created.status).toBe(201)
    expect(created.body).toMatchObject({ name: "medusa_customer_id", hasUniqueValue: true })
    expect((await hs("POST", "/crm/v3/properties/contacts", { name: "medusa_customer_id", label: "x", type: "string", fieldType: "text", groupName: "contactinformation" })).status).toBe(409)
    expect(hubspot.unvalidated).toEqual([
      { method: "GET", path: "/crm/v3/properties/contacts/medusa_customer_id" },
      { method: "POST", path: "/crm/v3/properties/contacts" },
      { method: "POST", path: "/crm/v3/properties/contacts" },
    ])
  })
  afterAll(() => hubspot?.close())
  afterEach(() => {
    hubspot.behave({ rateLimit: null, searchIndexDelayMs: 0 })
    hubspot.burst429(0)
    expect(hubspot.violations).toEqual([])
    hubspot.violations.length = 0
  })

  it("creates a contact associated with its company (279), and reads the association from both sides", async () => {
    const company = await hs("POST", "/crm/v3/objects/companies", { properties: { name: "Acme GmbH" }, associations: [] })
    expect(company.status).toBe(201)
    const companyId = company.body.id as string
    const email = `${unique("jane")}@example.com`
    const contact = await createContact({ email, firstname: "Jane", lastname: "Doe", medusa_customer_id: unique("cus_") }, [
      { to: { id: companyId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 279 }] },
    ])
    expect(contact.status).toBe(201)
    expect(contact.body).toMatchObject({ id: expect.stringMatching(/^\d+$/), archived: false, properties: { email, firstname: "Jane" } })
    const contactId = contact.body.id as string

    const read = await hs("GET", `/crm/v3/objects/contacts/${contactId}?properties=email,firstname&associations=companies`)
    expect(read.status).toBe(200)
    expect(read.body.associations).toEqual({ companies: { results: [{ id: companyId, type: "contact_to_company_unlabeled" }] } })
    const back = await hs("GET", `/crm/v3/objects/companies/${companyId}?associations=contacts`)
    expect(back.body.associations).toEqual({ contacts: { results: [{ id: contactId, type: "company_to_contact_unlabeled" }] } })
    expect(hubspot.associations()).toContainEqual({ fromType: "contacts", fromId: contactId, toType: "companies", toId: companyId, associationCategory: "HUBSPOT_DEFINED", associationTypeId: 279 })

    // A company that changes later is associated with the v4 default endpoint (not in the documents: unvalidated).
    const other = await hs("POST", "/crm/v3/objects/companies", { properties: { name: "Beta Ltd" }, associations: [] })
    const linked = await hs("PUT", `/crm/v4/objects/contacts/${contactId}/associations/default/companies/${other.body.id}`)
    expect(linked.status).toBe(200)
    expect(linked.body).toMatchObject({ status: "COMPLETE", results: [{ associationSpec: { associationCategory: "HUBSPOT_DEFINED", associationTypeId: 279 } }] })
    expect(hubspot.unvalidated.at(-1)).toEqual({ method: "PUT", path: `/crm/v4/objects/contacts/${contactId}/associations/default/companies/${other.body.id}` })

    // An association to a record that does not exist creates nothing.
    const before = hubspot.contacts().length
    const bad = await createContact({ email: `${unique("x")}@example.com` }, [{ to: { id: "999999" }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 279 }] }])
    expect(bad.status).toBe(400)
    expect(hubspot.contacts()).toHaveLength(before)
  })

  it("refuses a second contact with the same e-mail: 409 CONFLICT naming the existing id", async () => {
    const email = `${unique("dup")}@example.com`
    const first = await createContact({ email })
    const again = await createContact({ email: email.toUpperCase(), firstname: "Other" })
    expect(again.status).toBe(409)
    expect(again.body).toEqual({ status: "error", message: `Contact already exists. Existing ID: ${first.body.id}`, correlationId: expect.any(String), category: "CONFLICT" })
    expect(hubspot.contacts().filter((c) => c.properties.email === email)).toHaveLength(1)
  })

  it("finds contacts by e-mail (case-insensitive) and by the unique custom property, via search and idProperty", async () => {
    const email = `${unique("find")}@example.com`
    const customerId = unique("cus_")
    const created = await createContact({ email, medusa_customer_id: customerId })
    const id = created.body.id as string

    const byEmail = await search("contacts", "email", email.toUpperCase())
    expect(byEmail.status).toBe(200)
    expect(byEmail.body).toMatchObject({ total: 1, results: [{ id, properties: { email, medusa_customer_id: customerId } }] })
    expect((await search("contacts", "medusa_customer_id", customerId)).body).toMatchObject({ total: 1, results: [{ id }] })
    expect((await search("contacts", "medusa_customer_id", "cus_nobody")).body).toEqual({ total: 0, results: [] })

    const byProperty = await hs("GET", `/crm/v3/objects/contacts/${customerId}?idProperty=medusa_customer_id&properties=email`)
    expect(byProperty.body).toMatchObject({ id, properties: { email } })
    const notFound = await hs("GET", `/crm/v3/objects/contacts/cus_nobody?idProperty=medusa_customer_id`)
    expect(notFound.status).toBe(404)
    expect(notFound.body).toMatchObject({ status: "error", category: "OBJECT_NOT_FOUND" })

    // Search lags behind writes on HubSpot; the double can too, which is how a 409 after an empty search comes about.
    hubspot.behave({ searchIndexDelayMs: 60_000 })
    const late = `${unique("late")}@example.com`
    await createContact({ email: late })
    expect((await search("contacts", "email", late)).body).toEqual({ total: 0, results: [] })
    expect((await createContact({ email: late })).status).toBe(409)
  })

  it("PATCH changes only the properties sent, and the calls show exactly what was sent", async () => {
    const customerId = unique("cus_")
    const created = await createContact({ email: `${unique("p")}@example.com`, firstname: "Ann", lastname: "Lee", phone: "+49 30 1234", medusa_customer_id: customerId })
    const id = created.body.id as string
    const patched = await hs("PATCH", `/crm/v3/objects/contacts/${id}`, { properties: { lastname: "Lee-Smith" } })
    expect(patched.status).toBe(200)
    expect(patched.body).toMatchObject({ id, properties: { firstname: "Ann", lastname: "Lee-Smith", phone: "+49 30 1234" } })
    const byCustomer = await hs("PATCH", `/crm/v3/objects/contacts/${customerId}?idProperty=medusa_customer_id`, { properties: { phone: "" } })
    expect(byCustomer.status).toBe(200)
    expect(hubspot.contacts().find((c) => c.id === id)?.properties).not.toHaveProperty("phone")

    expect(hubspot.calls.filter((c) => c.method === "PATCH").slice(-2)).toEqual([
      { method: "PATCH", path: `/crm/v3/objects/contacts/${id}`, search: "", body: { properties: { lastname: "Lee-Smith" } }, status: 200 },
      { method: "PATCH", path: `/crm/v3/objects/contacts/${customerId}`, search: "?idProperty=medusa_customer_id", body: { properties: { phone: "" } }, status: 200 },
    ])
    const unknown = await hs("PATCH", `/crm/v3/objects/contacts/${id}`, { properties: { shoe_size: "42" } })
    expect(unknown.status).toBe(400)
    expect(unknown.body).toMatchObject({ category: "VALIDATION_ERROR", message: expect.stringContaining("PROPERTY_DOESNT_EXIST") })
  })

  it("keeps a deal (pipeline, stage, amount, currency, close date) with its contact and line items", async () => {
    const contact = await createContact({ email: `${unique("buyer")}@example.com` })
    const contactId = contact.body.id as string
    const deal = await hs("POST", "/crm/v3/objects/deals", {
      properties: { dealname: "Order #1001", pipeline: "default", dealstage: "closedwon", amount: "59.90", deal_currency_code: "EUR", closedate: "2026-11-22T10:00:00.000Z" },
      associations: [{ to: { id: contactId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 3 }] }],
    })
    expect(deal.status).toBe(201)
    const dealId = deal.body.id as string
    const items = await hs("POST", "/crm/v3/objects/line_items/batch/create", {
      inputs: [
        { properties: { name: "T-shirt", hs_sku: "SHIRT-M", quantity: "2", price: "19.95" }, associations: [{ to: { id: dealId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 20 }] }] },
        { properties: { name: "Mug", hs_sku: "MUG", quantity: "1", price: "20.00" }, associations: [{ to: { id: dealId }, types: [{ associationCategory: "HUBSPOT_DEFINED", associationTypeId: 20 }] }] },
      ],
    })
    expect(items.status).toBe(201)
    expect(items.body).toMatchObject({ status: "COMPLETE", results: [{ properties: { hs_sku: "SHIRT-M" } }, { properties: { hs_sku: "MUG" } }] })

    const read = await hs("GET", `/crm/v3/objects/deals/${dealId}?properties=dealstage,amount&associations=contacts,line_items`)
    expect(read.body).toMatchObject({ properties: { dealstage: "closedwon", amount: "59.90" } })
    expect(read.body.associations).toEqual({
      contacts: { results: [{ id: contactId, type: "deal_to_contact" }] },
      line_items: { results: (items.body.results as Array<{ id: string }>).map((i) => ({ id: i.id, type: "deal_to_line_item" })) },
    })
    expect(hubspot.lineItems().filter((l) => hubspot.associations().some((a) => a.fromId === l.id && a.toId === dealId))).toHaveLength(2)

    // A cancel moves the same deal; a stage the pipeline does not have is refused as HubSpot does.
    expect((await hs("PATCH", `/crm/v3/objects/deals/${dealId}`, { properties: { dealstage: "closedlost", amount: "0" } })).status).toBe(200)
    const badStage = await hs("PATCH", `/crm/v3/objects/deals/${dealId}`, { properties: { dealstage: "canceled" } })
    expect(badStage.status).toBe(400)
    expect(hubspot.deals().find((d) => d.id === dealId)?.properties).toMatchObject({ dealstage: "closedlost", amount: "0" })
    // Deals are validated against the document's /crm/v3/objects/0-3 paths; the object type id works here too.
    expect((await hs("GET", `/crm/v3/objects/0-3/${dealId}`)).status).toBe(200)
  })

  it("batch upserts contacts by the unique custom property: existing ones updated, new ones created", async () => {
    const [known, fresh] = [unique("cus_"), unique("cus_")]
    const existing = await createContact({ email: `${unique("u")}@example.com`, firstname: "Old", medusa_customer_id: known })
    const upsert = await hs("POST", "/crm/v3/objects/contacts/batch/upsert", {
      inputs: [
        { id: known, idProperty: "medusa_customer_id", properties: { firstname: "New" } },
        { id: fresh, idProperty: "medusa_customer_id", properties: { email: `${unique("n")}@example.com`, firstname: "Fresh" } },
      ],
    })
    expect(upsert.status).toBe(200)
    expect(upsert.body).toMatchObject({
      status: "COMPLETE",
      results: [
        { id: existing.body.id, new: false, properties: { firstname: "New", medusa_customer_id: known } },
        { new: true, properties: { firstname: "Fresh", medusa_customer_id: fresh } },
      ],
    })
    expect(hubspot.contacts().filter((c) => [known, fresh].includes(c.properties.medusa_customer_id))).toHaveLength(2)

    const read = await hs("POST", "/crm/v3/objects/contacts/batch/read", { idProperty: "medusa_customer_id", inputs: [{ id: known }, { id: "cus_nobody" }], properties: ["firstname"], propertiesWithHistory: [] })
    expect(read.status).toBe(207)
    expect(read.body).toMatchObject({ results: [{ id: existing.body.id, properties: { firstname: "New" } }], numErrors: 1, errors: [{ category: "OBJECT_NOT_FOUND", context: { ids: ["cus_nobody"] } }] })
  })

  it("answers 429 as HubSpot's ten-secondly rolling limit does, with its rate-limit headers", async () => {
    hubspot.behave({ rateLimit: { max: 3, perMs: 1_000 } })
    const answers = [] as Answer[]
    for (let i = 0; i < 4; i++) answers.push(await hs("GET", "/crm/v3/objects/contacts?limit=1"))
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429])
    expect(answers.map((a) => a.headers.get("x-hubspot-ratelimit-remaining"))).toEqual(["2", "1", "0", "0"])
    expect(answers[3].headers.get("x-hubspot-ratelimit-max")).toBe("3")
    expect(answers[3].headers.get("x-hubspot-ratelimit-interval-milliseconds")).toBe("1000")
    expect(answers[3].body).toEqual({
      status: "error", message: "You have reached your ten_secondly_rolling limit.", errorType: "RATE_LIMIT", correlationId: expect.any(String),
      category: "RATE_LIMITS", policyName: "TEN_SECONDLY_ROLLING", requestId: expect.any(String),
    })
    await new Promise((r) => setTimeout(r, 1_050))
    expect((await hs("GET", "/crm/v3/objects/contacts?limit=1")).status).toBe(200)

    hubspot.behave({ rateLimit: null })
    hubspot.burst429(2)
    const email = `${unique("burst")}@example.com`
    const statuses = [] as number[]
    for (let i = 0; i < 3; i++) statuses.push((await createContact({ email })).status)
    expect(statuses).toEqual([429, 429, 201])
    expect(hubspot.contacts().filter((c) => c.properties.email === email)).toHaveLength(1)
  })

  it("records a request the description forbids as a violation, answered 400 VALIDATION_ERROR", async () => {
    // Live HubSpot coerces a number; the description says property values are strings, so the provider must send strings.
    const typed = await hs("POST", "/crm/v3/objects/line_items", { properties: { name: "Mug", quantity: 2 }, associations: [] })
    expect(typed.status).toBe(400)
    expect(typed.body).toMatchObject({ status: "error", category: "VALIDATION_ERROR" })
    const noAssociations = await hs("POST", "/crm/v3/objects/contacts", { properties: { email: `${unique("v")}@example.com` } })
    const unknownPath = await hs("POST", "/crm/v3/objects/contacts/batch/frobnicate", { inputs: [] })
    const noToken = await fetch(`${hubspot.url}/crm/v3/objects/contacts/1`)
    expect([noAssociations.status, unknownPath.status, noToken.status]).toEqual([400, 400, 401])
    expect(hubspot.violations).toEqual([
      { method: "POST", url: "/crm/v3/objects/line_items", messages: ["request.body.properties.quantity: Request body property properties.quantity must be string"] },
      { method: "POST", url: "/crm/v3/objects/contacts", messages: ["request.body: Request body must have required property 'associations'"] },
      { method: "POST", url: "/crm/v3/objects/contacts/batch/frobnicate", messages: ["no such operation in the description: POST /crm/v3/objects/contacts/batch/frobnicate"] },
      { method: "GET", url: "/crm/v3/objects/contacts/1", messages: ["security: no Authorization: Bearer header (the description's oauth2 scheme)"] },
    ])
    hubspot.violations.length = 0
    // A wrong token is valid for the description (it only asks for a bearer token) and refused by HubSpot.
    const wrong = await hs("GET", "/crm/v3/objects/contacts/1", undefined, "pat-wrong")
    expect(wrong.status).toBe(401)
    expect(wrong.body).toMatchObject({ status: "error", category: "INVALID_AUTHENTICATION" })
  })
})
