import { buildProvider } from "../../src/testing/erp-contract"
import { runAsBatchGroup } from "../../src/lib/batch-group"
import type { IntegrationError } from "../../src/lib/errors"
import { HubSpotCrmProvider } from "../../src/providers/crm-hubspot/service"
import type { CrmContactInput } from "../../src/providers/types"
import { HubSpotTestServer, startHubSpotTestServer } from "./server"

jest.setTimeout(90_000)

const TOKEN = "pat-eu1-11111111-2222-3333-4444-555555555555"
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as IntegrationError)
let seq = 0
const unique = (prefix: string) => `${prefix}${Date.now().toString(36)}${++seq}`

// HubSpot's official CRM v3 descriptions, served by Prism, judge every request (any violation fails the test); the
// stateful double behind them keeps contacts, companies, deals, line items and associations.
describe("HubSpot adapter against HubSpot's CRM v3 descriptions (Prism) and a stateful double", () => {
  let hubspot: HubSpotTestServer
  beforeAll(async () => {
    hubspot = await startHubSpotTestServer({ token: TOKEN })
  })
  afterAll(() => hubspot?.close())
  afterEach(() => {
    expect(hubspot.violations).toEqual([])
    hubspot.violations.length = 0
  })
  const adapter = (overrides: Record<string, unknown> = {}) => buildProvider(HubSpotCrmProvider, { accessToken: TOKEN, baseUrl: hubspot.url, ...overrides }, { id: "crm" })
  const customer = (overrides: Partial<CrmContactInput> = {}): CrmContactInput => {
    const id = unique("cus_")
    return { reference: id, email: `${id}@example.com`, firstName: "Jane", lastName: "Doe", phone: "+1 408-555-0100", company: null, guest: false, ...overrides }
  }
  const contactOf = (id: string) => hubspot.contacts().find((c) => c.id === id)!
  const patchesOf = (type: string, id: string) => hubspot.calls.filter((c) => c.method === "PATCH" && c.path === `/crm/v3/objects/${type}/${id}`).map((c) => (c.body as { properties: Record<string, string> }).properties)

  it("refuses options that cannot work, naming the option", () => {
    expect(() => HubSpotCrmProvider.validateOptions({ accessToken: "secret-abc" })).toThrow(/accessToken.*private app access token/)
    expect(() => HubSpotCrmProvider.validateOptions({ accessToken: TOKEN, customerIdProperty: "Medusa Id" })).toThrow(/customerIdProperty.*internal property name/)
  })

  it("creates the hub's properties once, then proves the token; a wrong token names options.accessToken", async () => {
    await adapter().provider.testConnection()
    expect(hubspot.customProperties("contacts").map((p) => [p.name, p.hasUniqueValue])).toEqual(expect.arrayContaining([["medusa_customer_id", true], ["medusa_guest", false]]))
    expect(hubspot.customProperties("deals").map((p) => p.name)).toContain("medusa_order_id")
    const err = await failure(adapter({ accessToken: "pat-eu1-99999999-wrong" }).provider.testConnection())
    expect(err).toMatchObject({ code: "hubspot_unauthorized", retryable: false })
    expect(err.message).toMatch(/^HubSpot refused the access token of connection "crm" \(HTTP 401\) for properties\.contacts\.read: check options\.accessToken and its scopes/)
    expect(err.message).not.toContain("wrong")
  })

  it("one contact per customer, updated three times: each update sends only what changed, and nothing when nothing did", async () => {
    const { provider } = adapter()
    const input = customer()
    const first = await provider.upsertContact(input)
    expect(first).toEqual({ externalId: expect.any(String), created: true, sent: ["email", "firstName", "lastName", "phone"], kept: [], companyExternalId: null })
    expect(contactOf(first.externalId).properties).toMatchObject({ email: input.email, firstname: "Jane", lastname: "Doe", phone: "+1 408-555-0100", medusa_customer_id: input.reference, medusa_guest: "false" })
    const second = await provider.upsertContact({ ...input, phone: "+1 408-555-0199" })
    const third = await provider.upsertContact({ ...input, phone: "+1 408-555-0199", lastName: "Doe-Smith" })
    const fourth = await provider.upsertContact({ ...input, phone: "+1 408-555-0199", lastName: "Doe-Smith" })
    expect([second, third, fourth].map((r) => [r.externalId, r.created, r.sent])).toEqual([
      [first.externalId, false, ["phone"]], [first.externalId, false, ["lastName"]], [first.externalId, false, []],
    ])
    expect(patchesOf("contacts", first.externalId)).toEqual([{ phone: "+1 408-555-0199" }, { lastname: "Doe-Smith" }])
    expect(hubspot.contacts().filter((c) => c.properties.email === input.email)).toHaveLength(1)
  })

  it("matches a contact HubSpot already has by e-mail and gives it our id; a guest is flagged until the customer signs up", async () => {
    const { provider } = adapter()
    const email = `${unique("guest")}@example.com`
    const guest = await provider.upsertContact({ reference: null, email, firstName: null, lastName: null, phone: null, company: null, guest: true })
    expect(contactOf(guest.externalId).properties).toMatchObject({ email, medusa_guest: "true" })
    expect(contactOf(guest.externalId).properties.medusa_customer_id ?? "").toBe("")
    const signedUp = await provider.upsertContact(customer({ email }))
    expect(signedUp).toMatchObject({ externalId: guest.externalId, created: false })
    expect(contactOf(guest.externalId).properties).toMatchObject({ medusa_guest: "false", medusa_customer_id: expect.stringMatching(/^cus_/) })
  })

  it("resolves HubSpot's 409 on create (the e-mail is there, not yet searchable) by updating that contact, not by a second one", async () => {
    const { provider } = adapter()
    const input = customer()
    const made = await provider.upsertContact({ ...input, reference: null, guest: true })
    hubspot.behave({ searchIndexDelayMs: 60_000 })
    try {
      const again = await provider.upsertContact(input)
      expect(again).toMatchObject({ externalId: made.externalId, created: false })
    } finally {
      hubspot.behave({ searchIndexDelayMs: 0 })
    }
    expect(hubspot.calls.filter((c) => c.method === "POST" && c.path === "/crm/v3/objects/contacts" && c.status === 409)).toHaveLength(1)
    expect(hubspot.contacts().filter((c) => c.properties.email === input.email)).toHaveLength(1)
    expect(contactOf(made.externalId).properties.medusa_customer_id).toBe(input.reference)
  })

  it("associates the customer's company (found by name, created once) with the contact", async () => {
    const { provider } = adapter()
    const company = unique("Acme ")
    const a = await provider.upsertContact(customer({ company }))
    const b = await provider.upsertContact(customer({ company }))
    expect(a.companyExternalId).toBe(b.companyExternalId)
    expect(hubspot.companies().filter((c) => c.properties.name === company)).toHaveLength(1)
    const linked = hubspot.associations().filter((x) => x.fromType === "contacts" && x.toType === "companies" && x.toId === a.companyExternalId).map((x) => x.fromId)
    expect(linked.sort()).toEqual([a.externalId, b.externalId].sort())
  })

  it("never overwrites a field HubSpot owns once it holds a value, and says which write it kept back", async () => {
    const { provider } = adapter()
    const input = customer()
    const made = await provider.upsertContact(input)
    const result = await provider.upsertContact({ ...input, phone: "+1 212-555-0101", firstName: "Janet", crmOwned: ["phone"] })
    expect(result).toMatchObject({ sent: ["firstName"], kept: [{ field: "phone", crm: "+1 408-555-0100", ours: "+1 212-555-0101" }] })
    expect(contactOf(made.externalId).properties).toMatchObject({ phone: "+1 408-555-0100", firstname: "Janet" })
  })

  it("one deal per order with its line items and contact; canceled moves the same deal to the canceled stage", async () => {
    const { provider } = adapter()
    const contact = await provider.upsertContact(customer())
    const reference = `medusa:${unique("order_")}`
    const deal = { reference, contactExternalId: contact.externalId, companyExternalId: null, name: "Order #1042", amount: "49.20", currencyCode: "usd", state: "placed" as const, closeDate: "2026-12-02T10:00:00.000Z",
      lines: [{ sku: "SHIRT-BLUE", name: "Blue shirt", quantity: 2, unitPrice: "19.50" }, { sku: null, name: "Gift wrap", quantity: 1, unitPrice: "2.00" }] }
    const placed = await provider.upsertDeal(deal)
    expect(placed).toMatchObject({ created: true, stage: "closedwon" })
    const stored = hubspot.deals().find((d) => d.id === placed.externalId)!
    expect(stored.properties).toMatchObject({ dealname: "Order #1042", amount: "49.20", deal_currency_code: "USD", pipeline: "default", dealstage: "closedwon", medusa_order_id: reference })
    const lines = hubspot.lineItems().filter((l) => hubspot.associations().some((a) => a.fromType === "line_items" && a.fromId === l.id && a.toId === placed.externalId))
    expect(lines.map((l) => [l.properties.name, l.properties.hs_sku ?? null, l.properties.quantity, l.properties.price])).toEqual([["Blue shirt", "SHIRT-BLUE", "2", "19.50"], ["Gift wrap", null, "1", "2.00"]])
    expect(hubspot.associations().some((a) => a.fromType === "deals" && a.fromId === placed.externalId && a.toType === "contacts" && a.toId === contact.externalId)).toBe(true)

    const again = await provider.upsertDeal(deal)
    expect(again).toEqual({ externalId: placed.externalId, created: false, stage: "closedwon", sent: [] })
    const canceled = await provider.upsertDeal({ ...deal, state: "canceled" })
    expect(canceled).toEqual({ externalId: placed.externalId, created: false, stage: "closedlost", sent: ["dealstage"] })
    expect(patchesOf("deals", placed.externalId)).toEqual([{ dealstage: "closedlost" }])
    expect(hubspot.deals().filter((d) => d.properties.medusa_order_id === reference)).toHaveLength(1)
  })

  it("a 429 is retryable and tells the connection to wait HubSpot's rolling window", async () => {
    const { provider } = adapter()
    await provider.testConnection()
    hubspot.burst429(1)
    const err = await failure(provider.upsertContact(customer()))
    expect(err).toMatchObject({ code: "http_429", retryable: true, httpStatus: 429, retryAfterMs: 10_000 })
  })

  /** The inputs' upserts made side by side in one batch group, as the engine runs a backlog: each one's answer or error. */
  async function together(provider: HubSpotCrmProvider, inputs: CrmContactInput[]) {
    const answers: Array<Awaited<ReturnType<HubSpotCrmProvider["upsertContact"]>> | IntegrationError> = []
    await runAsBatchGroup(inputs.map((input, i) => async () => {
      answers[i] = await provider.upsertContact(input).catch((err: IntegrationError) => err)
    }))
    return answers
  }
  const contactCalls = (from: number) => hubspot.calls.slice(from).filter((c) => c.path.startsWith("/crm/v3/objects/contacts")).map((c) => `${c.method} ${c.path}`)

  it("contacts upserted side by side go out in one batch: read by our ids, then by e-mail, one upsert of what changed", async () => {
    const { provider } = adapter()
    const known = customer()
    await provider.upsertContact(known)
    const handEntered = customer({ reference: null })
    const seeded = await provider.upsertContact({ ...handEntered, guest: false })
    const fresh = customer({ company: `Acme ${unique("")}` })
    const signedUp = customer({ email: handEntered.email, reference: unique("cus_") })
    const sameEmail = customer({ email: fresh.email })
    const mark = hubspot.calls.length

    const [a, b, c, d] = await together(provider, [{ ...known, phone: "+1 408-555-0199", lastName: "Roe", crmOwned: ["lastName"] }, signedUp, fresh, sameEmail])
    expect(a).toMatchObject({ created: false, sent: ["phone"], kept: [{ field: "lastName", crm: "Doe", ours: "Roe" }], batchOf: 3 })
    expect(b).toMatchObject({ externalId: seeded.externalId, created: false, batchOf: 3 })
    expect(c).toMatchObject({ created: true, sent: ["email", "firstName", "lastName", "phone", "company"], companyExternalId: expect.any(String), batchOf: 3 })
    // The same e-mail twice cannot be in one batch: the second went on its own, and found the contact the batch made.
    expect(d).toMatchObject({ externalId: (c as { externalId: string }).externalId, created: false })
    expect(contactCalls(mark).slice(0, 3)).toEqual(["POST /crm/v3/objects/contacts/batch/read", "POST /crm/v3/objects/contacts/batch/read", "POST /crm/v3/objects/contacts/batch/upsert"])
    const upsert = hubspot.calls.slice(mark).find((x) => x.path.endsWith("/batch/upsert"))!.body as { inputs: Array<{ id: string; idProperty: string; properties: Record<string, string> }> }
    expect(upsert.inputs).toEqual([
      { id: known.reference, idProperty: "medusa_customer_id", properties: { phone: "+1 408-555-0199" } },
      { id: handEntered.email, idProperty: "email", properties: { medusa_customer_id: signedUp.reference } },
      { id: fresh.reference, idProperty: "medusa_customer_id", properties: expect.objectContaining({ email: fresh.email, medusa_customer_id: fresh.reference, medusa_guest: "false" }) },
    ])
    expect(contactOf(seeded.externalId).properties).toMatchObject({ medusa_customer_id: signedUp.reference, medusa_guest: "false" })
    expect(hubspot.associations().some((x) => x.fromType === "contacts" && x.fromId === (c as { externalId: string }).externalId && x.toType === "companies")).toBe(true)
    expect(hubspot.contacts().filter((x) => x.properties.email === fresh.email)).toHaveLength(1)
  })

  it("a batch HubSpot refuses as a whole goes one by one: only the contact it will not take fails, in HubSpot's words", async () => {
    const { provider } = adapter()
    const [taken, moving] = [customer(), customer()]
    await provider.upsertContact(taken)
    await provider.upsertContact(moving)
    const others = [customer(), customer()]
    const answers = await together(provider, [...others, { ...moving, email: taken.email }])
    expect(answers.slice(0, 2)).toEqual([expect.objectContaining({ created: true }), expect.objectContaining({ created: true })])
    expect(answers[2]).toMatchObject({ httpStatus: 409, retryable: false, message: expect.stringMatching(/^HubSpot refused contacts\.update \(HTTP 409\): Contact already exists\. Existing ID: \d+$/) })
    for (const o of others) expect(hubspot.contacts().filter((x) => x.properties.email === o.email)).toHaveLength(1)
  })

  it("an outage during a batch fails every contact in it as retryable, and the next batch completes them", async () => {
    const { provider } = adapter()
    await provider.testConnection()
    const inputs = [customer(), customer(), customer()]
    hubspot.behave({ unavailable: true })
    const down = await together(provider, inputs).finally(() => hubspot.behave({ unavailable: false }))
    expect(down.map((a) => (a as IntegrationError).retryable)).toEqual([true, true, true])
    expect(hubspot.contacts().filter((x) => inputs.some((i) => i.email === x.properties.email))).toEqual([])
    const back = await together(provider, inputs)
    expect(back.map((a) => (a as { created: boolean }).created)).toEqual([true, true, true])
  })
})
