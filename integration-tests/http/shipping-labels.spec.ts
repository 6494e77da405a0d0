import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { IFulfillmentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { cancelOrderFulfillmentWorkflow, createOrderFulfillmentWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedCarrierOption, seedStore, SeededStore } from "../../demo/app/store"
import { hub, waitForSettledSync } from "../helpers/sync"
import { ShipStationTestServer, startShipStationTestServer } from "../shipstation/server"
import { createShipmentLabelsWorkflow } from "../../src/workflows/create-shipment-labels"
import { storeShipmentLabelsStepId } from "../../src/workflows/create-shipment-labels/steps/store-shipment-labels"
import { sweepMissingSyncs } from "../../src/sync/sweep"

jest.setTimeout(180_000)

// The carrier connection points at ShipStation's official description (Prism) in front of a stateful double, on a
// port fixed before the app boots with it.
// Below Linux's ephemeral range (32768+), where an outgoing connection could hold the port; apart from the tracking spec's.
const PORT = 20_000 + (process.pid % 4_000)
const API_KEY = "TEST_shipstation_key_labels"
const CARRIER = { id: "carrier", kind: "shipping", provider: "shipstation", options: { apiKey: API_KEY, baseUrl: `http://127.0.0.1:${PORT}`, carrierIds: ["se-100001"] }, retry: { inPlace: { retries: 0 } } }

// No ERP here: only the carrier.
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]
// A second, paused connection to the same carrier: the hub runs no effect on it, so a test can play a run itself.
const PAUSED = { ...CARRIER, id: "carrier-paused", enabled: false }
// A second carrier for heavy parcels, chosen by the routing rule of the fulfillment provider.
const HEAVY = { ...CARRIER, id: "carrier-heavy", options: { ...CARRIER.options, carrierIds: ["se-100002"] } }
Object.assign(process.env, {
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([CARRIER, PAUSED, HEAVY]),
  INTEGRATION_FULFILLMENT_OPTIONS: JSON.stringify({ routes: [{ connection: "carrier-heavy", minWeightGrams: 1000 }] }),
})

medusaIntegrationTestRunner({
  testSuite: ({ getContainer }) => {
    let container: MedusaContainer
    let store: SeededStore
    let shipstation: ShipStationTestServer
    let carrierOptionId: string
    let pausedOptionId: string
    let routedOptionId: string

    beforeAll(async () => {
      shipstation = await startShipStationTestServer({ apiKey: API_KEY, port: PORT })
    })
    afterAll(() => shipstation?.close())
    afterEach(() => {
      expect(shipstation.violations).toEqual([])
      shipstation.violations.length = 0
    })

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
      // A calculated shipping option of the hub's carriers, as a store owner creates it in the admin.
      const fulfillment = container.resolve<IFulfillmentModuleService>(Modules.FULFILLMENT)
      const [flat] = await fulfillment.listShippingOptions({ id: store.shippingOptionId })
      const zone = { locationId: store.stockLocationId, serviceZoneId: flat.service_zone_id, profileId: flat.shipping_profile_id }
      carrierOptionId = await seedCarrierOption(container, { ...zone, connectionId: "carrier" })
      pausedOptionId = await seedCarrierOption(container, { ...zone, connectionId: "carrier-paused" })
      routedOptionId = await seedCarrierOption(container, { ...zone, connectionId: "routed" })
    })

    async function fulfil(orderId: string) {
      const order = await container.resolve(Modules.ORDER).retrieveOrder(orderId, { relations: ["items"] })
      const items = (order.items ?? []).map((i) => ({ id: i.id, quantity: MathBN.convert(i.quantity).toNumber() }))
      const { result } = await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items } })
      return result.id
    }
    async function fulfillmentOf(id: string) {
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data: [f] } = await query.graph({ entity: "fulfillment", fields: ["id", "data", "labels.tracking_number", "labels.label_url", "labels.tracking_url"], filters: { id } })
      return f as unknown as { data: Record<string, unknown>; labels: Array<{ tracking_number: string; label_url: string; tracking_url: string }> }
    }

    it("checkout prices the carrier option from ShipStation's rates; fulfilling the order buys one label, kept on the fulfillment", async () => {
      const orderId = await placeOrder(container, store, { email: `ship-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 2 }], shippingOptionId: carrierOptionId })
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data: [order] } = await query.graph({ entity: "order", fields: ["shipping_methods.amount", "shipping_methods.data"], filters: { id: orderId } })
      // The double's UPS Ground: 8 + 0.8 kg + 1.25 other charges.
      expect(Number(order.shipping_methods![0]!.amount)).toBe(10.05)
      expect(order.shipping_methods![0]!.data).toEqual({ connection_id: "carrier" })

      const fulfillmentId = await fulfil(orderId)
      const record = await waitForSettledSync(container, orderId, "ship-labels")
      expect(record).toMatchObject({ status: "synced", connection_id: "carrier" })
      const [label] = shipstation.labels().filter((l) => l.external_shipment_id === `medusa:${fulfillmentId}`)
      expect(label).toBeDefined()
      expect(record.external_number).toBe(label.tracking_number)
      const stored = await fulfillmentOf(fulfillmentId)
      expect(stored.labels).toEqual([{ tracking_number: label.tracking_number, tracking_url: expect.stringContaining(label.tracking_number), label_url: expect.stringMatching(/\.pdf$/) }])
      expect(stored.data).toMatchObject({ connection_id: "carrier", label: "bought", label_id: label.label_id, carrier: "ups", service_code: "ups_ground" })
      // The rate and the purchase are in the connection's log, under the record.
      const logs = await hub(container).listIntegrationLogs({ sync_record_id: record.id })
      expect(logs.map((l) => l.operation)).toEqual(expect.arrayContaining(["rates.calculate", "labels.create"]))
    })

    it("the routed option lets the rule pick the carrier per cart: a heavy parcel goes with the second carrier, priced and labelled by it", async () => {
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const methodOf = async (orderId: string) =>
        (await query.graph({ entity: "order", fields: ["shipping_methods.amount", "shipping_methods.data"], filters: { id: orderId } })).data[0].shipping_methods![0]!
      const light = await placeOrder(container, store, { email: `light-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }], shippingOptionId: routedOptionId })
      const heavy = await placeOrder(container, store, { email: `heavy-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 3 }], shippingOptionId: routedOptionId })
      expect((await methodOf(light)).data).toEqual({ connection_id: "carrier", routed: true })
      // Priced by the heavy carrier's account: 8 + 1.2 kg + 1.25 other charges.
      expect(await methodOf(heavy)).toMatchObject({ amount: 10.45, data: { connection_id: "carrier-heavy", routed: true } })
      await fulfil(heavy)
      expect(await waitForSettledSync(container, heavy, "ship-labels")).toMatchObject({ status: "synced", connection_id: "carrier-heavy" })
      expect(await hub(container).listSyncRecords({ entity_type: "order", entity_id: heavy, operation: "ship-labels", connection_id: "carrier" })).toEqual([])
    })

    it("a fulfillment whose event was lost (the process stopped right after) gets its label from the catch-up sweep", async () => {
      // The sweep job has seen the connections enabled (it runs every minute from boot): rows from now on are its.
      await sweepMissingSyncs(container)
      const orderId = await placeOrder(container, store, { email: `lost-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }], shippingOptionId: carrierOptionId })
      const order = await container.resolve(Modules.ORDER).retrieveOrder(orderId, { relations: ["items", "shipping_address"] })
      // The fulfillment as Medusa's workflow makes it, minus the event: the Fulfillment Module and the order link only.
      const fulfillments = container.resolve<IFulfillmentModuleService>(Modules.FULFILLMENT)
      const [item] = order.items!
      const created = await fulfillments.createFulfillment({
        location_id: store.stockLocationId, provider_id: "integration-hub_carriers", data: { connection_id: "carrier" },
        delivery_address: { address_1: order.shipping_address!.address_1, city: order.shipping_address!.city, country_code: order.shipping_address!.country_code },
        items: [{ title: item.title, sku: item.variant_sku ?? "", quantity: MathBN.convert(item.quantity).toNumber(), barcode: "", line_item_id: item.id }],
      })
      await container.resolve(ContainerRegistrationKeys.LINK).create({ [Modules.ORDER]: { order_id: orderId }, [Modules.FULFILLMENT]: { fulfillment_id: created.id } })
      expect(await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "ship-labels" })).toEqual([])

      expect(await sweepMissingSyncs(container)).toBeGreaterThanOrEqual(1)
      const record = await waitForSettledSync(container, orderId, "ship-labels")
      expect(record).toMatchObject({ status: "synced", connection_id: "carrier" })
      expect(shipstation.labels().filter((l) => l.external_shipment_id === `medusa:${created.id}`)).toHaveLength(1)
      // Swept again: the same content runs nothing more.
      await sweepMissingSyncs(container)
      expect(shipstation.labels().filter((l) => l.external_shipment_id === `medusa:${created.id}`)).toHaveLength(1)
    })

    it("cancelling the fulfillment voids its label at the carrier", async () => {
      const orderId = await placeOrder(container, store, { email: `void-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }], shippingOptionId: carrierOptionId })
      const fulfillmentId = await fulfil(orderId)
      await waitForSettledSync(container, orderId, "ship-labels")
      await cancelOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, fulfillment_id: fulfillmentId } })
      for (const until = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
        const [record] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "ship-labels" })
        if (record.status === "synced" && /voided/.test(record.result_summary ?? "")) break
        if (Date.now() > until) throw new Error(`the void did not settle: ${JSON.stringify(record)}`)
      }
      expect(shipstation.labels().find((l) => l.external_shipment_id === `medusa:${fulfillmentId}`)).toMatchObject({ voided: true })
      expect((await fulfillmentOf(fulfillmentId)).data).toMatchObject({ label: "voided" })
    })

    it("refuses a line without weight before calling the carrier, naming the order and the variant; nothing is bought", async () => {
      const orderId = await placeOrder(container, store, { email: `heavy-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }], shippingOptionId: carrierOptionId })
      // The store owner removes the mug's weight after checkout priced it.
      const product = container.resolve(Modules.PRODUCT)
      await product.updateProductVariants(store.variants["Red mug"], { weight: null })
      const before = shipstation.labels().length
      await fulfil(orderId)
      const record = await waitForSettledSync(container, orderId, "ship-labels")
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      const { data: [order] } = await query.graph({ entity: "order", fields: ["display_id"], filters: { id: orderId } })
      expect(record).toMatchObject({ status: "failed", last_error_code: "shipment_no_weight" })
      expect(record.last_error).toBe(`Cannot buy a label for order #${order.display_id}: variant 'Red mug / One size' has no weight. Give it one in Medusa (in g), then retry.`)
      expect(shipstation.labels().length).toBe(before)
    })

    it("voids the label it bought when keeping it on the fulfillment fails for good (compensation), and leaves the fulfillment as it was", async () => {
      const orderId = await placeOrder(container, store, { email: `comp-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }], shippingOptionId: pausedOptionId })
      const fulfillmentId = await fulfil(orderId)
      const workflow = createShipmentLabelsWorkflow(container)
      workflow.insertActionAfter(storeShipmentLabelsStepId, "inject-failure", {
        invoke: async () => {
          throw new Error("injected failure after the label was kept")
        },
      })
      const { errors } = await workflow.run({ input: { connection_id: "carrier-paused", order_id: orderId }, throwOnError: false })
      expect(errors[0].error.message).toContain("injected failure")
      const labels = shipstation.labels().filter((l) => l.external_shipment_id === `medusa:${fulfillmentId}`)
      expect(labels).toHaveLength(1)
      expect(labels[0]).toMatchObject({ voided: true })
      const after = await fulfillmentOf(fulfillmentId)
      expect(after.labels).toEqual([])
      expect(after.data).toMatchObject({ connection_id: "carrier-paused", label: "pending" })
      expect(await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "ship-labels" })).toEqual([])
    })
  },
})
