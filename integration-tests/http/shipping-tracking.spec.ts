import { generateKeyPairSync, sign } from "node:crypto"
import { createServer, Server } from "node:http"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { IFulfillmentModuleService, INotificationModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { createOrderFulfillmentWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedCarrierOption, seedStore, SeededStore } from "../../demo/app/store"
import { hub, waitForSettledSync } from "../helpers/sync"
import { ShipStationTestServer, startShipStationTestServer } from "../shipstation/server"

jest.setTimeout(180_000)

// ShipStation's side: its API (the official description through Prism, in front of a stateful double) and the
// key it signs webhooks with, published as a JWKS, on ports fixed before the app boots.
// Below Linux's ephemeral range (32768+), where an outgoing connection could hold the port; apart from the labels spec's.
const PORT = 24_000 + (process.pid % 4_000)
const JWKS_PORT = PORT + 4_000
const API_KEY = "TEST_shipstation_key_tracking"
const KEY_ID = "test-key-1"
const { privateKey, publicKey } = generateKeyPairSync("rsa", { modulusLength: 2048 })
const CARRIER = {
  id: "carrier", kind: "shipping", provider: "shipstation", retry: { inPlace: { retries: 0 } },
  options: { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${PORT}`, carrierIds: ["se-100001"], webhookJwksUrl: `http://127.0.0.1:${JWKS_PORT}/jwks` },
}
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]
Object.assign(process.env, { INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([CARRIER]) })

type Res = { status: number; data: Record<string, unknown> }
type Api = { post: (url: string, body?: unknown, config?: unknown) => Promise<Res> }

/** A tracking webhook as ShipStation sends it, signed with its key (or as a forger would, with another). */
function trackEvent(labelId: string, statusCode: string, opts: { key?: typeof privateKey; at?: number } = {}) {
  const body = JSON.stringify({
    resource_url: `https://api.shipstation.com/v2/labels/${labelId}/track`, resource_type: "API_TRACK",
    data: { tracking_number: "1Z", status_code: statusCode, events: [{ occurred_at: new Date().toISOString() }] },
  })
  const timestamp = String(opts.at ?? Math.floor(Date.now() / 1000))
  const signature = sign("sha256", Buffer.from(`${timestamp}.${body}`), opts.key ?? privateKey).toString("base64")
  return { body, headers: { "content-type": "application/json", "x-shipengine-rsa-sha256-key-id": KEY_ID, "x-shipengine-rsa-sha256-signature": signature, "x-shipengine-timestamp": timestamp } }
}

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api
    let container: MedusaContainer
    let store: SeededStore
    let shipstation: ShipStationTestServer
    let jwks: Server
    let optionId: string

    beforeAll(async () => {
      shipstation = await startShipStationTestServer({ apiKey: API_KEY, port: PORT })
      jwks = createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [{ ...publicKey.export({ format: "jwk" }), kid: KEY_ID, use: "sig", alg: "RS256" }] })))
      await new Promise<void>((resolve, reject) => jwks.once("error", reject).listen(JWKS_PORT, "127.0.0.1", resolve))
    })
    afterAll(async () => {
      await shipstation?.close()
      await new Promise<void>((resolve) => (jwks ? jwks.close(() => resolve()) : resolve()))
    })
    afterEach(() => {
      expect(shipstation.violations).toEqual([])
      shipstation.violations.length = 0
    })

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
      const fulfillment = container.resolve<IFulfillmentModuleService>(Modules.FULFILLMENT)
      const [flat] = await fulfillment.listShippingOptions({ id: store.shippingOptionId })
      optionId = await seedCarrierOption(container, { locationId: store.stockLocationId, serviceZoneId: flat.service_zone_id, profileId: flat.shipping_profile_id, connectionId: "carrier" })
    })

    const deliver = (event: { body: string; headers: Record<string, string> }) =>
      api.post("/hooks/integrations/carrier", event.body, { headers: event.headers, transformRequest: [(d: unknown) => d], validateStatus: () => true })

    /** An order with the carrier, fulfilled, its label bought: the fulfillment and the label id. */
    async function shippedOrder() {
      const orderId = await placeOrder(container, store, { email: `track-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }], shippingOptionId: optionId })
      const order = await container.resolve(Modules.ORDER).retrieveOrder(orderId, { relations: ["items"] })
      const { result } = await createOrderFulfillmentWorkflow(container).run({
        input: { order_id: orderId, items: (order.items ?? []).map((i) => ({ id: i.id, quantity: MathBN.convert(i.quantity).toNumber() })) },
      })
      expect(await waitForSettledSync(container, orderId, "ship-labels")).toMatchObject({ status: "synced" })
      const label = shipstation.labels().find((l) => l.external_shipment_id === `medusa:${result.id}`)!
      return { orderId, fulfillmentId: result.id, labelId: label.label_id, trackingNumber: label.tracking_number }
    }

    /** The order's tracking event records, once all have settled. */
    async function trackingRecords(orderId: string, count: number) {
      for (const until = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
        const records = (await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, direction: "in" })) as Array<{ status: string; result_summary: string | null; skip_code: string | null }>
        if (records.length >= count && records.every((r) => !["pending", "running"].includes(r.status))) return records
        if (Date.now() > until) throw new Error(`tracking events of ${orderId} did not settle: ${JSON.stringify(records)}`)
      }
    }
    const fulfillmentState = async (id: string) => {
      const { data: [f] } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "fulfillment", fields: ["shipped_at", "delivered_at", "labels.tracking_number"], filters: { id } })
      return { shipped: !!f.shipped_at, delivered: !!f.delivered_at, labels: (f.labels ?? []).map((l: { tracking_number: string } | null) => l?.tracking_number) }
    }
    const notificationsOf = async (fulfillmentId: string) =>
      (await container.resolve<INotificationModuleService>(Modules.NOTIFICATION).listNotifications({ resource_id: fulfillmentId })).map((n) => [n.trigger_type, n.channel, n.template]).sort()

    it("in transit, confirmed with the carrier, ships the fulfillment (labels kept) and tells the customer once, however often it is delivered", async () => {
      const { orderId, fulfillmentId, labelId, trackingNumber } = await shippedOrder()
      shipstation.setTracking(labelId, "IT", "In Transit")
      const event = trackEvent(labelId, "IT")
      const answers = await Promise.all([deliver(event), deliver(event), deliver(event)])
      expect(answers.map((a) => a.status)).toEqual([200, 200, 200])
      const [record] = await trackingRecords(orderId, 1)
      expect(record).toMatchObject({ status: "synced", result_summary: `${trackingNumber} in transit (confirmed with the carrier): marked shipped; customer notified (shipped by email, shipped by sms)` })
      expect(await fulfillmentState(fulfillmentId)).toEqual({ shipped: true, delivered: false, labels: [trackingNumber] })
      // By e-mail and, as this store registered an SMS provider, by SMS to the shipping address's phone.
      expect(await notificationsOf(fulfillmentId)).toEqual([
        ["integration-hub.shipment.shipped", "email", "integration-hub-shipment-shipped"],
        ["integration-hub.shipment.shipped", "sms", "integration-hub-shipment-shipped"],
      ])
    })

    it("delivered marks it delivered (shipping it first) and notifies; a late 'in transit' never takes it back", async () => {
      const { orderId, fulfillmentId, labelId } = await shippedOrder()
      shipstation.setTracking(labelId, "DE", "Delivered")
      expect((await deliver(trackEvent(labelId, "DE"))).status).toBe(200)
      await trackingRecords(orderId, 1)
      expect(await fulfillmentState(fulfillmentId)).toMatchObject({ shipped: true, delivered: true })
      // The carrier's earlier scan arrives late; the carrier itself now says delivered, and nothing goes back.
      expect((await deliver(trackEvent(labelId, "IT"))).status).toBe(200)
      const records = await trackingRecords(orderId, 2)
      expect(records.map((r) => r.result_summary)).toContainEqual(expect.stringMatching(/delivered \(confirmed with the carrier\): no change \(never backwards\)$/))
      expect(await fulfillmentState(fulfillmentId)).toMatchObject({ shipped: true, delivered: true })
      expect(await notificationsOf(fulfillmentId)).toEqual([
        ["integration-hub.shipment.delivered", "email", "integration-hub-shipment-delivered"],
        ["integration-hub.shipment.delivered", "sms", "integration-hub-shipment-delivered"],
        ["integration-hub.shipment.shipped", "email", "integration-hub-shipment-shipped"],
        ["integration-hub.shipment.shipped", "sms", "integration-hub-shipment-shipped"],
      ])
    })

    it("does not trust the body: it claims delivered, the carrier says in transit, so the fulfillment is only shipped", async () => {
      const { orderId, fulfillmentId, labelId } = await shippedOrder()
      shipstation.setTracking(labelId, "IT", "In Transit")
      await deliver(trackEvent(labelId, "DE"))
      await trackingRecords(orderId, 1)
      expect(await fulfillmentState(fulfillmentId)).toMatchObject({ shipped: true, delivered: false })
    })

    it("answers 401 to a forged or stale signature and records it; an event about an unknown label is stored and changes nothing", async () => {
      const { labelId } = await shippedOrder()
      const forger = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey
      expect((await deliver(trackEvent(labelId, "DE", { key: forger }))).status).toBe(401)
      expect((await deliver(trackEvent(labelId, "DE", { at: Math.floor(Date.now() / 1000) - 3600 }))).status).toBe(401)
      const rejections = await hub(container).listWebhookEvents({ connection_id: "carrier", status: "rejected" })
      expect(rejections.map((r) => r.rejection_reason).sort()).toEqual(["bad_signature", "timestamp_out_of_tolerance"])

      const unknown = await deliver(trackEvent("se-unknown1", "DE"))
      expect(unknown.status).toBe(200)
      for (const until = Date.now() + 15_000; ; await new Promise((r) => setTimeout(r, 200))) {
        const [row] = await hub(container).listWebhookEvents({ id: String(unknown.data.id) })
        const [record] = row?.sync_record_id ? await hub(container).listSyncRecords({ id: row.sync_record_id }) : []
        if (record && !["pending", "running"].includes(record.status)) {
          expect(record).toMatchObject({ status: "skipped", skip_code: "unknown_label" })
          break
        }
        if (Date.now() > until) throw new Error(`the unknown label's event did not settle: ${JSON.stringify(row)}`)
      }
    })
  },
})
