import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { cancelOrderWorkflow, updateCustomersWorkflow } from "@medusajs/medusa/core-flows"
import retryDueSyncsJob from "../../src/jobs/retry-due-syncs"
import { applyDriftFix, reconcileConnection } from "../../src/sync/reconcile"
import { sweepMissingSyncs } from "../../src/sync/sweep"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { hub, waitForSettledSync } from "../helpers/sync"
import { HubSpotTestServer, startHubSpotTestServer } from "../hubspot/server"

jest.setTimeout(180_000)

// HubSpot's side: its CRM v3 descriptions through Prism in front of a stateful double, on a port fixed before the
// app boots (below Linux's ephemeral range, apart from the shipping and Stripe specs' ranges).
const PORT = 16_000 + (process.pid % 4_000)
const TOKEN = "pat-na1-aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]
Object.assign(process.env, {
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([{
    id: "crm", kind: "crm", provider: "hubspot", options: { accessToken: TOKEN, baseUrl: `http://127.0.0.1:${PORT}` },
    retry: { maxAttempts: 8, baseDelayMs: 200, maxDelayMs: 1_000 },
  }]),
})

type Res = { status: number; data: Record<string, unknown> }
type Api = { post: (url: string, body?: unknown, config?: unknown) => Promise<Res> }

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api
    let container: MedusaContainer
    let store: SeededStore
    let hubspot: HubSpotTestServer

    beforeAll(async () => {
      hubspot = await startHubSpotTestServer({ token: TOKEN, port: PORT })
    })
    afterAll(() => hubspot?.close())
    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
    })
    afterEach(() => {
      expect(hubspot.violations).toEqual([])
      hubspot.violations.length = 0
    })

    /** The customer's contact record once it has settled on a run of its current content. */
    async function contactRecord(customerId: string, runs: number) {
      for (const until = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 150))) {
        const [record] = await hub(container).listSyncRecords({ entity_type: "customer", entity_id: customerId, operation: "contact" })
        const done = record ? await hub(container).listSyncRuns({ sync_record_id: record.id }) : []
        if (record && !["pending", "running"].includes(record.status) && done.length >= runs) return { record, runs: done }
        if (Date.now() > until) throw new Error(`contact of ${customerId} did not settle: ${JSON.stringify(record ?? null)}`)
      }
    }
    const orderNumber = async (orderId: string) =>
      (await container.resolve(Modules.ORDER).retrieveOrder(orderId, { select: ["display_id"] })).display_id
    const patches = (id: string) => hubspot.calls.filter((c) => c.method === "PATCH" && c.path === `/crm/v3/objects/contacts/${id}`).map((c) => (c.body as { properties: unknown }).properties)

    it("a storefront signup becomes one contact with our id; three updates are three revisions sending only what changed", async () => {
      const email = `signup-${Date.now()}@example.com`
      const headers = { "x-publishable-api-key": store.publishableKey }
      const registered = await api.post("/auth/customer/emailpass/register", { email, password: "Secret-Pa55" })
      const auth = { headers: { ...headers, authorization: `Bearer ${registered.data.token}` } }
      const { data } = await api.post("/store/customers", { email, first_name: "Ada", last_name: "Lovelace", phone: "+44 20 7946 0000" }, auth)
      const customerId = (data.customer as { id: string }).id
      const created = await contactRecord(customerId, 1)
      expect(created.record).toMatchObject({ status: "synced", connection_id: "crm", external_ref: `medusa:${customerId}` })
      const contactId = created.record.external_id!
      expect(hubspot.contacts().find((c) => c.id === contactId)!.properties).toMatchObject({ email, firstname: "Ada", lastname: "Lovelace", medusa_customer_id: customerId, medusa_guest: "false" })

      await updateCustomersWorkflow(container).run({ input: { selector: { id: customerId }, update: { phone: "+44 20 7946 0001" } } })
      await contactRecord(customerId, 2)
      await updateCustomersWorkflow(container).run({ input: { selector: { id: customerId }, update: { last_name: "King" } } })
      const third = await contactRecord(customerId, 3)
      // Nothing the contact holds changed: no run, no call.
      await updateCustomersWorkflow(container).run({ input: { selector: { id: customerId }, update: { metadata: { vip: true } } } })
      await new Promise((r) => setTimeout(r, 1_000))
      expect((await contactRecord(customerId, 3)).runs).toHaveLength(3)
      expect(third.record.result_summary).toBe(`contact ${contactId} updated: last name sent`)
      expect(patches(contactId)).toEqual([{ phone: "+44 20 7946 0001" }, { lastname: "King" }])
      expect(hubspot.contacts().filter((c) => c.properties.email === email)).toHaveLength(1)
    })

    it("reconciliation finds the contact and the deal deleted in HubSpot, and Send again makes them anew", async () => {
      await sweepMissingSyncs(container) // the hub notes the CRM connection enabled (what it sweeps starts here)
      const email = `gone-${Date.now()}@example.com`
      const orderId = await placeOrder(container, store, { email, items: [{ title: "Blue shirt", quantity: 1 }] })
      const deal = await waitForSettledSync(container, orderId, "deal")
      const contact = hubspot.contacts().find((c) => c.properties.email === email)!
      const [customer] = await container.resolve(Modules.CUSTOMER).listCustomers({ email })
      // A guest's customer gets its contact record from the catch-up sweep (checkout emits no customer.created).
      await sweepMissingSyncs(container)
      const { record } = await contactRecord(customer.id, 1)
      expect(record).toMatchObject({ status: "synced", external_id: contact.id })
      expect((await reconcileConnection(container, "crm", { trigger: "manual" })).drift_count).toBe(0)

      for (const [type, id] of [["contacts", contact.id], ["deals", deal.external_id]]) {
        const res = await fetch(`http://127.0.0.1:${PORT}/crm/v3/objects/${type}/${id}`, { method: "DELETE", headers: { authorization: `Bearer ${TOKEN}` } })
        expect(res.status).toBe(204)
      }
      const report = await reconcileConnection(container, "crm", { trigger: "manual" })
      const items = await hub(container).listDriftItems({ run_id: report.id }, { order: { kind: "ASC" } })
      expect(items.map((i) => [i.kind, i.message, i.fixes])).toEqual([
        ["contact", `Customer ${customer.id}: its contact ${contact.id} is no longer in crm (deleted there)`, ["resend", "ignore"]],
        ["deal", `Order #${await orderNumber(orderId)}: its deal ${deal.external_id} is no longer in crm (deleted there)`, ["resend", "ignore"]],
      ])
      for (const item of items) expect((await applyDriftFix(container, item.id, { fix: "resend", actor_id: null })).status).toBe("fixed")
      const again = hubspot.contacts().find((c) => c.properties.email === email)!
      expect(again.id).not.toBe(contact.id)
      expect(hubspot.deals().filter((d) => d.properties.medusa_order_id === `medusa:${orderId}`).map((d) => d.id)).toEqual([(await waitForSettledSync(container, orderId, "deal")).external_id])
      expect((await reconcileConnection(container, "crm", { trigger: "manual" })).drift_count).toBe(0)
    })

    it("a guest checkout becomes a contact flagged as a guest and one deal with its lines; the cancel moves the same deal", async () => {
      const email = `guest-${Date.now()}@example.com`
      const orderId = await placeOrder(container, store, { email, items: [{ title: "Blue shirt", quantity: 2 }] })
      const deal = await waitForSettledSync(container, orderId, "deal")
      expect(deal).toMatchObject({ status: "synced", external_ref: `medusa:${orderId}` })
      const stored = hubspot.deals().find((d) => d.id === deal.external_id)!
      expect(stored.properties).toMatchObject({ dealstage: "closedwon", deal_currency_code: "USD", pipeline: "default", medusa_order_id: `medusa:${orderId}` })
      const contact = hubspot.contacts().find((c) => c.properties.email === email)!
      expect(contact.properties).toMatchObject({ medusa_guest: "true" })
      expect(hubspot.associations().some((a) => a.fromType === "deals" && a.fromId === deal.external_id && a.toType === "contacts" && a.toId === contact.id)).toBe(true)
      const lines = hubspot.lineItems().filter((l) => hubspot.associations().some((a) => a.fromType === "line_items" && a.fromId === l.id && a.toId === deal.external_id))
      expect(lines.map((l) => [l.properties.hs_sku, l.properties.quantity])).toEqual([["SHIRT-BLUE", "2"]])

      await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
      for (const until = Date.now() + 30_000; hubspot.deals().find((d) => d.id === deal.external_id)!.properties.dealstage !== "closedlost"; await new Promise((r) => setTimeout(r, 200))) {
        if (Date.now() > until) throw new Error("the deal did not move to the canceled stage")
      }
      const after = await waitForSettledSync(container, orderId, "deal")
      expect(after).toMatchObject({ status: "synced", external_id: deal.external_id, result_summary: expect.stringContaining(`deal ${deal.external_id} moved: dealstage (stage closedlost)`) })
      expect(hubspot.deals().filter((d) => d.properties.medusa_order_id === `medusa:${orderId}`)).toHaveLength(1)
    })

    it("under HubSpot's rate limit every order and contact is synced once: 429s pause the connection, nothing is duplicated", async () => {
      hubspot.behave({ rateLimit: { max: 6, perMs: 1_000 } })
      try {
        const emails = [1, 2, 3, 4].map((i) => `burst-${i}-${Date.now()}@example.com`)
        const orders = await Promise.all(emails.map((email) => placeOrder(container, store, { email, items: [{ title: "Red mug", quantity: 1 }] })))
        for (let round = 0; round < 20; round++) {
          const records = await Promise.all(orders.map(async (id) => (await hub(container).listSyncRecords({ entity_type: "order", entity_id: id, operation: "deal" }))[0]))
          if (records.every((r) => r?.status === "synced")) break
          await new Promise((r) => setTimeout(r, 1_000))
          await retryDueSyncsJob(container) // as the scheduler runs it every minute
        }
        for (const id of orders) expect(await waitForSettledSync(container, id, "deal")).toMatchObject({ status: "synced" })
        expect(hubspot.calls.some((c) => c.status === 429)).toBe(true)
        for (const [i, email] of emails.entries()) {
          expect(hubspot.contacts().filter((c) => c.properties.email === email)).toHaveLength(1)
          expect(hubspot.deals().filter((d) => d.properties.medusa_order_id === `medusa:${orders[i]}`)).toHaveLength(1)
        }
      } finally {
        hubspot.behave({ rateLimit: null })
      }
    })

    it("a backlog of contacts (customers imported without events) goes out in batch calls at the catch-up sweep: one contact each, an existing one matched by e-mail", async () => {
      const stamp = Date.now()
      const emails = Array.from({ length: 24 }, (_, i) => `backlog-${i}-${stamp}@example.com`)
      // One of them is in HubSpot already, entered by hand before the store had the plugin.
      const seeded = await fetch(`${hubspot.url}/crm/v3/objects/contacts`, {
        method: "POST", headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" },
        body: JSON.stringify({ properties: { email: emails[0], firstname: "Known" }, associations: [] }),
      }).then((r) => r.json() as Promise<{ id: string }>)
      // The sweep's first run records when the connection was first enabled: it never reaches back before that.
      await sweepMissingSyncs(container)
      await new Promise((r) => setTimeout(r, 50))
      // A data import writes through the Customer module: no customer.created event, so only the sweep finds them.
      const created = await container.resolve(Modules.CUSTOMER).createCustomers(emails.map((email, i) => ({ email, first_name: `Backlog ${i}`, has_account: true })))
      const customerIds = created.map((c) => c.id)
      expect(await hub(container).listSyncRecords({ entity_type: "customer", entity_id: customerIds })).toEqual([])

      const mark = hubspot.calls.length
      await sweepMissingSyncs(container)
      const synced = await hub(container).listSyncRecords({ entity_type: "customer", entity_id: customerIds, operation: "contact" })
      expect(synced.map((r) => r.status)).toEqual(customerIds.map(() => "synced"))
      for (const [i, email] of emails.entries()) {
        const contacts = hubspot.contacts().filter((c) => c.properties.email === email)
        expect(contacts.map((c) => c.properties.medusa_customer_id)).toEqual([customerIds[i]])
        expect(synced.find((r) => r.entity_id === customerIds[i])!.external_id).toBe(contacts[0].id)
      }
      expect(hubspot.contacts().find((c) => c.properties.email === emails[0])).toMatchObject({ id: seeded.id, properties: { firstname: "Backlog 0" } })

      // Two batch reads (by our ids, then by e-mail) and one batch upsert for the 24, instead of 2 to 4 calls each;
      // the hand-entered contact upserted by its e-mail, which gives it our id.
      const contactCalls = hubspot.calls.slice(mark).filter((c) => c.path.startsWith("/crm/v3/objects/contacts"))
      expect(contactCalls.map((c) => `${c.method} ${c.path}`)).toEqual([
        "POST /crm/v3/objects/contacts/batch/read", "POST /crm/v3/objects/contacts/batch/read", "POST /crm/v3/objects/contacts/batch/upsert",
      ])
      const upsert = (contactCalls[2].body as { inputs: Array<{ id: string; idProperty: string }> }).inputs
      expect(upsert).toHaveLength(24)
      expect(upsert.find((i) => i.id === emails[0])).toMatchObject({ idProperty: "email" })
      expect(synced.find((r) => r.entity_id === customerIds[1])!.result_summary).toMatch(/^contact \d+ created \(e-mail, first name\) \(one batch call with 23 other contacts\)$/)
    })
  },
})
