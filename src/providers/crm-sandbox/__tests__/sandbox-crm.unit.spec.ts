import type { IntegrationError } from "../../../lib/errors"
import { buildProvider, memoryStateStore } from "../../../testing/erp-contract"
import type { CrmContactInput, CrmDealInput } from "../../types"
import { SandboxCrmProvider } from "../service"

const crm = (options: Record<string, unknown> = {}, state = memoryStateStore()) => buildProvider(SandboxCrmProvider, options, { id: "crm", state })
let seq = 0
const customer = (overrides: Partial<CrmContactInput> = {}): CrmContactInput => {
  const id = `cus_${++seq}`
  return { reference: id, email: `${id}@example.com`, firstName: "Jane", lastName: "Doe", phone: "+1 408-555-0100", company: null, guest: false, ...overrides }
}
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as IntegrationError)

// The scenarios of integration-tests/hubspot/adapter.spec.ts: the sandbox keeps the HubSpot provider's promises.
describe("sandbox CRM options", () => {
  it.each<[string, Record<string, unknown>, string]>([
    ["an empty pipeline", { pipeline: "" }, "pipeline: must name the deal pipeline orders go to"],
    ["an empty stage", { dealStages: { canceled: " " } }, "dealStages.canceled: must name a deal stage of the pipeline"],
    ["a stage that is not text", { dealStages: { placed: 3 } }, "dealStages.placed: Invalid input: expected string, received number"],
    ["a state the hub does not have", { dealStages: { cancelled: "lost" } }, 'dealStages: Unrecognized key: "cancelled"'],
  ])("refuses %s, naming the option", (_, options, message) => {
    expect(() => SandboxCrmProvider.validateOptions(options)).toThrow(message)
  })

  it("needs no options: the default pipeline, won when placed, lost when canceled or refunded", async () => {
    expect(() => SandboxCrmProvider.validateOptions({})).not.toThrow()
    const { provider } = crm()
    const contact = await provider.upsertContact(customer())
    const placed = await provider.upsertDeal(deal(contact.externalId))
    expect(placed.stage).toBe("won")
    expect((await provider.upsertDeal({ ...deal(contact.externalId), state: "refunded" })).stage).toBe("lost")
    expect((await provider.deals())[0]).toMatchObject({ pipeline: "default", stage: "lost" })
  })
})

describe("sandbox CRM contacts", () => {
  it("one contact per customer, updated three times: each update sends only what changed, and nothing when nothing did", async () => {
    const { provider, logs } = crm()
    const input = customer()
    const first = await provider.upsertContact(input)
    expect(first).toEqual({ externalId: expect.any(String), created: true, sent: ["email", "firstName", "lastName", "phone"], kept: [], companyExternalId: null })
    const second = await provider.upsertContact({ ...input, phone: "+1 408-555-0199" })
    const third = await provider.upsertContact({ ...input, phone: "+1 408-555-0199", lastName: "Doe-Smith" })
    const fourth = await provider.upsertContact({ ...input, phone: "+1 408-555-0199", lastName: "Doe-Smith" })
    expect([second, third, fourth].map((r) => [r.externalId, r.created, r.sent])).toEqual([
      [first.externalId, false, ["phone"]], [first.externalId, false, ["lastName"]], [first.externalId, false, []],
    ])
    const contacts = await provider.contacts()
    expect(contacts).toHaveLength(1)
    expect(contacts[0]).toMatchObject({ id: first.externalId, reference: input.reference, email: input.email, firstName: "Jane", lastName: "Doe-Smith", phone: "+1 408-555-0199", guest: false })
    expect(contacts[0].updates.map((u) => u.fields)).toEqual([{ phone: "+1 408-555-0199" }, { lastName: "Doe-Smith" }])
    // Every call is logged like the other sandboxes', and described in words.
    expect(logs.map((l) => [l.operation, l.status, l.external_id])).toEqual(Array(4).fill(["sandbox.upsertContact", "success", first.externalId]))
    expect(provider.describeCall("sandbox.upsertContact")).toMatch(/^find the contact by our customer id, then by e-mail/)
    expect(provider.externalUrl()).toBeNull()
  })

  it("matches a contact it already has by e-mail (whatever its case) and gives it our id; a guest is flagged until the customer signs up", async () => {
    const { provider } = crm()
    const email = `guest${++seq}@example.com`
    const guest = await provider.upsertContact({ reference: null, email, firstName: null, lastName: null, phone: null, company: null, guest: true })
    expect(guest).toMatchObject({ created: true, sent: ["email"] })
    expect((await provider.contacts())[0]).toMatchObject({ email, reference: null, guest: true })
    const again = await provider.upsertContact({ reference: null, email: email.toUpperCase(), firstName: null, lastName: null, phone: null, company: null, guest: true })
    expect(again).toMatchObject({ externalId: guest.externalId, created: false, sent: [] })
    const signedUp = await provider.upsertContact(customer({ email }))
    expect(signedUp).toMatchObject({ externalId: guest.externalId, created: false, sent: ["firstName", "lastName", "phone"] })
    const [contact] = await provider.contacts()
    expect(contact).toMatchObject({ reference: expect.stringMatching(/^cus_/), guest: false })
    // A guest checkout of a known customer leaves them a customer.
    await provider.upsertContact({ reference: null, email, firstName: "Jane", lastName: "Doe", phone: "+1 408-555-0100", company: null, guest: true })
    expect(await provider.contacts()).toEqual([expect.objectContaining({ id: guest.externalId, guest: false, reference: contact.reference })])
  })

  it("follows a customer's new e-mail by our id, and refuses an e-mail another contact holds, naming both", async () => {
    const { provider } = crm()
    const input = customer()
    const made = await provider.upsertContact(input)
    const moved = await provider.upsertContact({ ...input, email: "jane.new@example.com" })
    expect(moved).toMatchObject({ externalId: made.externalId, sent: ["email"] })
    // The old e-mail is free again: a new contact may have it.
    const other = await provider.upsertContact(customer({ email: input.email }))
    expect(other.created).toBe(true)
    const err = await failure(provider.upsertContact({ ...input, email: input.email }))
    expect(err).toMatchObject({ code: "sandbox_crm_conflict", retryable: false })
    expect(err.message).toBe(`The sandbox CRM of connection "crm" already has contact ${other.externalId} with e-mail ${input.email}, so contact ${made.externalId} cannot take it: merge the two contacts (or correct the customer) and retry`)
  })

  it("creates one contact however many calls race for a new e-mail", async () => {
    const { provider } = crm()
    const input = customer()
    const results = await Promise.allSettled([provider.upsertContact(input), provider.upsertContact(input), provider.upsertContact({ ...input, reference: null, guest: true })])
    const ids = new Set(results.flatMap((r) => (r.status === "fulfilled" ? [r.value.externalId] : [])))
    expect(ids.size).toBe(1)
    for (const r of results) if (r.status === "rejected") expect(r.reason).toMatchObject({ code: "sandbox_crm_busy", retryable: true })
    expect(await provider.contacts()).toHaveLength(1)
  })

  it("associates the customer's company (found by name, created once) with the contact", async () => {
    const { provider } = crm()
    const a = await provider.upsertContact(customer({ company: "Acme Corp" }))
    const b = await provider.upsertContact(customer({ company: "ACME corp" }))
    expect(a.companyExternalId).toEqual(expect.any(String))
    expect(b.companyExternalId).toBe(a.companyExternalId)
    expect((await provider.companies()).map((c) => c.name)).toEqual(["Acme Corp"])
    expect((await provider.contacts()).map((c) => c.companyIds)).toEqual([[a.companyExternalId], [a.companyExternalId]])
  })

  it("never overwrites a field the CRM owns once it holds a value, and says which write it kept back", async () => {
    const { provider } = crm()
    const input = customer({ phone: null })
    await provider.upsertContact(input)
    // The CRM holds no phone yet: ours is written even though the CRM owns the field.
    expect(await provider.upsertContact({ ...input, phone: "+1 408-555-0100", crmOwned: ["phone"] })).toMatchObject({ sent: ["phone"], kept: [] })
    const result = await provider.upsertContact({ ...input, phone: "+1 212-555-0101", firstName: "Janet", crmOwned: ["phone"] })
    expect(result).toMatchObject({ sent: ["firstName"], kept: [{ field: "phone", crm: "+1 408-555-0100", ours: "+1 212-555-0101" }] })
    expect((await provider.contacts())[0]).toMatchObject({ phone: "+1 408-555-0100", firstName: "Janet" })
  })
})

const deal = (contactExternalId: string, overrides: Partial<CrmDealInput> = {}): CrmDealInput => ({
  reference: "medusa:order_1", contactExternalId, companyExternalId: null, name: "Order #1042", amount: "49.20", currencyCode: "usd", state: "placed", closeDate: "2026-12-02T10:00:00.000Z",
  lines: [{ sku: "SHIRT-BLUE", name: "Blue shirt", quantity: 2, unitPrice: "19.50" }, { sku: null, name: "Gift wrap", quantity: 1, unitPrice: "2.00" }],
  ...overrides,
})

describe("sandbox CRM deals", () => {
  it("one deal per order with its line items and contact; canceled moves the same deal to the canceled stage", async () => {
    const { provider } = crm({ pipeline: "webshop", dealStages: { placed: "closed-won", canceled: "closed-lost" } })
    const contact = await provider.upsertContact(customer())
    const placed = await provider.upsertDeal(deal(contact.externalId))
    expect(placed).toEqual({ externalId: expect.any(String), created: true, stage: "closed-won", sent: ["name", "pipeline", "stage", "amount", "currencyCode", "reference", "closeDate", "lines"] })
    expect(await provider.deals()).toEqual([expect.objectContaining({
      id: placed.externalId, reference: "medusa:order_1", name: "Order #1042", pipeline: "webshop", stage: "closed-won", amount: "49.20", currencyCode: "USD", contactId: contact.externalId,
      lines: [{ sku: "SHIRT-BLUE", name: "Blue shirt", quantity: 2, unitPrice: "19.50" }, { sku: null, name: "Gift wrap", quantity: 1, unitPrice: "2.00" }],
    })])

    expect(await provider.upsertDeal(deal(contact.externalId))).toEqual({ externalId: placed.externalId, created: false, stage: "closed-won", sent: [] })
    // Only the stage and amount move; the lines and the name stay as they were created.
    const canceled = await provider.upsertDeal(deal(contact.externalId, { state: "canceled", name: "Renamed", lines: [] }))
    expect(canceled).toEqual({ externalId: placed.externalId, created: false, stage: "closed-lost", sent: ["stage"] })
    const refunded = await provider.upsertDeal(deal(contact.externalId, { state: "refunded", amount: "0.00" }))
    expect(refunded).toEqual({ externalId: placed.externalId, created: false, stage: "lost", sent: ["stage", "amount"] })
    const [stored] = await provider.deals()
    expect(stored).toMatchObject({ name: "Order #1042", stage: "lost", amount: "0.00" })
    expect(stored.lines).toHaveLength(2)
    expect(stored.updates.map((u) => u.fields)).toEqual([{ stage: "closed-lost" }, { stage: "lost", amount: "0.00" }])
    expect(await provider.deals()).toHaveLength(1)
  })

  it("refuses a deal for a contact it does not have, saying what to do", async () => {
    const { provider } = crm()
    const err = await failure(provider.upsertDeal(deal("sbx-contact-404")))
    expect(err).toMatchObject({ code: "sandbox_crm_not_found", retryable: false })
    expect(err.message).toBe('Cannot create the deal of medusa:order_1 in the sandbox CRM of connection "crm": it has no contact sbx-contact-404; sync the customer\'s contact first')
    expect(await provider.deals()).toEqual([])
  })

  it("keeps its records in the connection's state: a provider built again (a restart) finds them", async () => {
    const state = memoryStateStore()
    const first = crm({}, state).provider
    const input = customer()
    const contact = await first.upsertContact(input)
    await first.upsertDeal(deal(contact.externalId))
    const again = crm({}, state).provider
    expect(await again.upsertContact(input)).toMatchObject({ externalId: contact.externalId, created: false, sent: [] })
    expect(await again.upsertDeal(deal(contact.externalId))).toMatchObject({ created: false })
    expect(await again.contacts()).toHaveLength(1)
  })
})

describe("sandbox CRM simulated failures", () => {
  it("fails the next calls as asked (an outage to retry, or a refusal), then works; off in production unless allowed", async () => {
    const { provider } = crm()
    await provider.simulatedFailures.set({ count: 2, kind: "outage" })
    const down = await failure(provider.upsertContact(customer()))
    expect(down).toMatchObject({ code: "http_503", retryable: true, message: "Sandbox CRM is unavailable for upsertContact (simulated outage; 1 more to come) (will retry)" })
    await failure(provider.upsertContact(customer()))
    await provider.simulatedFailures.set({ count: 1, kind: "reject" })
    expect(await failure(provider.upsertDeal(deal("1")))).toMatchObject({ code: "http_422", retryable: false })
    expect(await provider.contacts()).toEqual([])
    expect((await provider.upsertContact(customer())).created).toBe(true)
    expect(provider.simulatedFailures.allowed("production")).toBe(false)
    expect(crm({ allowFailureInjection: true }).provider.simulatedFailures.allowed("production")).toBe(true)
  })
})
