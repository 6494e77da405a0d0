import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { createCustomersWorkflow, updateCustomersWorkflow } from "@medusajs/medusa/core-flows"
import { importContactsNow } from "../../src/sync/contact-import"
import { importContactsPageWorkflow } from "../../src/workflows/import-contacts-from-crm"
import { adminHeaders } from "../helpers/admin"
import { hub } from "../helpers/sync"
import { HubSpotTestServer, startHubSpotTestServer } from "../hubspot/server"

jest.setTimeout(180_000)

// Customer data flowing both ways between Medusa and HubSpot (its CRM v3 descriptions through Prism in front of a
// stateful double): the CRM owns the phone, first and last names are shared (the latest change wins), Medusa owns
// the rest. Contacts are imported on demand here (importEveryMinutes 0), so the test decides when each direction runs.
const PORT = 16_000 + ((process.pid + 1_000) % 4_000)
const TOKEN = "pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]
Object.assign(process.env, {
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([{
    id: "crm", kind: "crm", provider: "hubspot", options: { accessToken: TOKEN, baseUrl: `http://127.0.0.1:${PORT}` },
    retry: { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 1_000 }, contacts: { importEveryMinutes: 0 },
  }]),
  INTEGRATION_SOURCE_OF_TRUTH: JSON.stringify({ customer: "medusa", "customer.phone": "crm", "customer.first_name": "latest", "customer.last_name": "latest" }),
})

type Res = { status: number; data: Record<string, unknown> }
type Api = { get: (url: string, config?: unknown) => Promise<Res>; post: (url: string, body?: unknown, config?: unknown) => Promise<Res> }
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api
    let container: MedusaContainer
    let hubspot: HubSpotTestServer

    beforeAll(async () => {
      hubspot = await startHubSpotTestServer({ token: TOKEN, port: PORT })
    })
    afterAll(() => hubspot?.close())
    beforeEach(() => {
      container = getContainer()
    })
    afterEach(() => {
      expect(hubspot.violations).toEqual([])
      hubspot.violations.length = 0
    })

    const contactRecord = async (customerId: string) =>
      (await hub(container).listSyncRecords({ entity_type: "customer", entity_id: customerId, operation: "contact" }))[0]
    /** The contact record once it has settled on `runs` runs (a run still to come would show as pending or running). */
    async function settledContact(customerId: string, runs: number) {
      for (const until = Date.now() + 30_000; ; await sleep(100)) {
        const record = await contactRecord(customerId)
        const done = record ? await hub(container).listSyncRuns({ sync_record_id: record.id }) : []
        if (record && !["pending", "running"].includes(record.status) && done.length >= runs) return { record, runs: done.length }
        if (Date.now() > until) throw new Error(`contact of ${customerId} did not settle on ${runs} runs: ${JSON.stringify(record ?? null)}`)
      }
    }
    const customer = async (id: string) => (await container.resolve("customer").retrieveCustomer(id)) as { first_name: string; last_name: string; phone: string; email: string; updated_at: Date }
    /** The hub's calls to HubSpot from `from` on, as "METHOD path" (the operations it made, in order). */
    const callsSince = (from: number) => hubspot.calls.slice(from).map((c) => `${c.method} ${c.path}`)
    const importNow = async () => {
      const record = await importContactsNow(container, "crm")
      expect(record).toMatchObject({ status: "synced" })
      return record!
    }

    async function newCustomer(tag: string) {
      const email = `${tag}-${Date.now()}@example.com`
      const { result } = await createCustomersWorkflow(container).run({ input: { customersData: [{ email, first_name: "Ada", last_name: "Lovelace", phone: "+44 20 7946 0000", has_account: true }] } })
      const id = result[0].id
      const { record } = await settledContact(id, 1)
      return { id, email, contactId: record.external_id! }
    }

    it("runs sync both ways, repeatedly: each change crosses once, the hub's own writes coming back are recognised, and the calls per round stay the same", async () => {
      const { id, contactId } = await newCustomer("loop")
      // The first look starts where the connection was first enabled and may see other tests' contacts: start clean.
      await importNow()
      const rounds: string[][][] = []
      for (let round = 1; round <= 3; round++) {
        // 1. Someone renames the contact in HubSpot: the next import takes it into Medusa (the name is shared and
        // HubSpot's change is the latest); Medusa's update event does not send it back.
        let mark = hubspot.calls.length
        hubspot.edit("contacts", contactId, { firstname: `Augusta ${round}` })
        const taken = await importNow()
        expect(taken.result_summary).toMatch(/^\d+ contacts? changed in crm: 1 customer updated/)
        expect((await customer(id)).first_name).toBe(`Augusta ${round}`)
        await sleep(1_000) // the subscriber's delay and then some: no contact run follows
        expect((await settledContact(id, 1 + (round - 1))).runs).toBe(1 + (round - 1))
        const fromHubSpot = callsSince(mark)

        // 2. Staff change the last name in Medusa: one contact run sends it.
        mark = hubspot.calls.length
        await updateCustomersWorkflow(container).run({ input: { selector: { id }, update: { last_name: `King ${round}` } } })
        await settledContact(id, 1 + round)
        expect(hubspot.contacts().find((c) => c.id === contactId)!.properties.lastname).toBe(`King ${round}`)
        const toHubSpot = callsSince(mark)

        // 3. The next import reads that write back from HubSpot: recognised (equal to Medusa's), nothing is written.
        mark = hubspot.calls.length
        const before = (await customer(id)).updated_at
        const echo = await importNow()
        expect(echo.result_summary).toContain("unchanged (the hub's own writes coming back")
        expect(echo.result_summary).not.toMatch(/[1-9]\d* customers? updated/)
        expect((await customer(id)).updated_at).toEqual(before)
        await sleep(1_000)
        expect((await settledContact(id, 1 + round)).runs).toBe(1 + round)
        rounds.push([fromHubSpot, toHubSpot, callsSince(mark)])
      }
      // Exactly one search per import and one read plus one update per Medusa change, in every round: no loop.
      const search = "POST /crm/v3/objects/contacts/search"
      expect(rounds[0]).toEqual([[search], [`GET /crm/v3/objects/contacts/${id}`, `PATCH /crm/v3/objects/contacts/${contactId}`], [search]])
      expect(rounds[1]).toEqual(rounds[0])
      expect(rounds[2]).toEqual(rounds[0])
      // Each change was made on one side only: no conflict.
      expect(await hub(container).listConflictRecords({ entity: "customer", entity_id: id })).toEqual([])
    })

    it("changes on both sides before the hub looks: neither is lost, and the same field changed on both goes to the later change, the loser recorded", async () => {
      const { id, contactId } = await newCustomer("both")
      await importNow()
      const inHubSpot = () => hubspot.contacts().find((c) => c.id === contactId)!.properties
      // Different fields: HubSpot's rename survives Medusa's next contact sync (Medusa did not change the first name).
      hubspot.edit("contacts", contactId, { firstname: "Augusta" })
      await updateCustomersWorkflow(container).run({ input: { selector: { id }, update: { last_name: "Byron" } } })
      await settledContact(id, 2)
      expect(inHubSpot()).toMatchObject({ firstname: "Augusta", lastname: "Byron" })
      await importNow()
      expect(await customer(id)).toMatchObject({ first_name: "Augusta", last_name: "Byron" })
      expect(await hub(container).listConflictRecords({ entity: "customer", entity_id: id })).toEqual([])

      // The same field: HubSpot's edit, then Medusa's later one, which the contact sync sends over it.
      hubspot.edit("contacts", contactId, { lastname: "Crosby" })
      await sleep(5)
      const runs = (await settledContact(id, 2)).runs
      await updateCustomersWorkflow(container).run({ input: { selector: { id }, update: { last_name: "King" } } })
      // Under load the import's own customer update may still be running a (harmless, read-only) contact run when
      // King is saved: wait for the run that sends King, not for a run count.
      for (const until = Date.now() + 30_000; inHubSpot().lastname !== "King" && Date.now() < until; ) await sleep(100)
      await settledContact(id, runs + 1)
      expect(inHubSpot().lastname).toBe("King")
      const conflicts = await hub(container).listConflictRecords({ entity: "customer", entity_id: id })
      expect(conflicts.map((c) => [c.field, c.winner, c.attempted_by, c.rule])).toEqual([["last_name", "medusa", "crm", 'sourceOfTruth["customer.last_name"] = "latest": the latest change wins']])
      expect(conflicts[0].losing_at.getTime()).toBeLessThan(conflicts[0].winning_at!.getTime())
      const echo = await importNow()
      expect(echo.result_summary).not.toMatch(/[1-9]\d* customers? updated/)
      expect(await customer(id)).toMatchObject({ first_name: "Augusta", last_name: "King" })
    })

    it("a CRM edit of a field Medusa owns is not taken: a conflict without the values, and Medusa's value goes back; a field the CRM owns is taken", async () => {
      const { id, email, contactId } = await newCustomer("owned")
      await importNow()
      hubspot.edit("contacts", contactId, { email: `changed-${email}`, phone: "+44 20 7946 9999" })
      const record = await importNow()
      expect(record.result_summary).toContain("1 customer updated")
      expect(record.result_summary).toContain("1 conflict recorded (GET /admin/integrations/conflicts?entity=customer); Medusa's value sent again to 1 contact")
      expect(await customer(id)).toMatchObject({ email, phone: "+44 20 7946 9999" })
      // Sent again at once: HubSpot shows Medusa's e-mail, and the CRM's phone stays.
      expect(hubspot.contacts().find((c) => c.id === contactId)!.properties).toMatchObject({ email, phone: "+44 20 7946 9999" })

      const auth = await adminHeaders(container, rawApi as Parameters<typeof adminHeaders>[1])
      const { data } = await api.get(`/admin/integrations/conflicts?entity=customer&entity_id=${id}`, auth)
      expect(data.conflicts).toEqual([expect.objectContaining({
        entity: "customer", entity_id: id, field: "email", connection_id: "crm", attempted_by: "crm", winner: "medusa", rule: 'sourceOfTruth.customer = "medusa"',
        winning_value: expect.stringMatching(/^sha256:[0-9a-f]{12}$/), losing_value: expect.stringMatching(/^sha256:[0-9a-f]{12}$/),
      })])
      expect(JSON.stringify(data)).not.toContain(email)
      // Read again (the next look overlaps the last), the same edit is not a second conflict.
      await importNow()
      expect(await hub(container).listConflictRecords({ entity: "customer", entity_id: id })).toHaveLength(1)
    })

    it("a page whose customer update cannot be finished leaves the customers and the conflicts as they were", async () => {
      const { id, contactId } = await newCustomer("undo")
      const workflow = importContactsPageWorkflow(container)
      workflow.insertActionAfter("apply-contact-changes", "inject-failure", {
        invoke: async () => {
          throw new Error("injected failure after the customers were updated")
        },
      })
      const contact = hubspot.contacts().find((c) => c.id === contactId)!
      const later = new Date(Date.now() + 60_000).toISOString()
      const { errors } = await workflow.run({
        input: {
          connection_id: "crm", shadow: false,
          changes: [{ externalId: contactId, reference: id, modifiedAt: later, fields: { email: contact.properties.email!, firstName: "Augusta", lastName: "Lovelace", phone: "+44 1", company: null } }],
        },
        throwOnError: false,
      })
      expect(errors[0].error.message).toContain("injected failure")
      expect(await customer(id)).toMatchObject({ first_name: "Ada", phone: "+44 20 7946 0000" })
      expect(await hub(container).listConflictRecords({ entity: "customer", entity_id: id })).toEqual([])
      const { record } = await settledContact(id, 1)
      expect(record).toMatchObject({ status: "synced" })
    })
  },
})
