import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createOrderFulfillmentWorkflow } from "@medusajs/medusa/core-flows"
import { exchangeItems, orderItems } from "../../demo/app/after-checkout"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { processSyncRecord, requestEffect } from "../../src/sync/engine"
import { sweepMissingSyncs } from "../../src/sync/sweep"
import { fulfilFromErpShipmentWorkflow } from "../../src/workflows/fulfil-from-erp-shipment"
import { describeWithTryton, useTrytonConnection } from "../helpers/tryton-env"
import { hub, waitForSettledSync } from "../helpers/sync"
import { keepTrytonAsFound } from "../helpers/tryton-restore"
import { shipInTryton } from "../helpers/tryton-sales"

jest.setTimeout(180_000)

// Tryton's warehouse ships; the test looks for its shipments itself (the schedule would look under it).
useTrytonConnection({ INTEGRATION_CONNECTION_OVERRIDES: JSON.stringify({ fulfilment: "erp", shipmentImportEveryMinutes: 1440 }) })

type Fulfillment = { id: string; shipped_at: string | null; canceled_at: string | null; metadata: Record<string, unknown> | null; items: Array<{ line_item_id: string; quantity: number }> }

async function fulfillmentsOf(container: MedusaContainer, orderId: string): Promise<Fulfillment[]> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "order", fields: ["fulfillments.id", "fulfillments.shipped_at", "fulfillments.canceled_at", "fulfillments.metadata", "fulfillments.items.line_item_id", "fulfillments.items.quantity"], filters: { id: orderId },
  })
  return ((data[0] as { fulfillments: Fulfillment[] }).fulfillments ?? []).map((f) => ({ ...f, items: f.items.map((i) => ({ line_item_id: i.line_item_id, quantity: Number(i.quantity) })) }))
}

/** The look for completed shipments, run now; then the records of the shipments it stored, settled. */
async function importShipments(container: MedusaContainer, orderId: string) {
  await requestEffect(container, { entity_type: "shipments", entity_id: "erp", operation: "import" }, { trigger: "manual" })
  const [look] = await hub(container).listSyncRecords({ effect_key: "shipments:erp:import" })
  expect(look).toMatchObject({ status: "synced" })
  const until = Date.now() + 30_000
  for (;;) {
    const inbound = await hub(container).listSyncRecords({ entity_id: orderId, direction: "in" })
    if (inbound.length && inbound.every((r) => !["pending", "running"].includes(r.status))) return { look, inbound }
    if (Date.now() > until) throw new Error(`the shipment records of ${orderId} did not settle: ${JSON.stringify(inbound)}`)
    await new Promise((r) => setTimeout(r, 200))
  }
}

describeWithTryton()("ERP-side fulfilment: Tryton's shipments become Medusa's fulfillments", () => {
  keepTrytonAsFound()
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
      })

      it("a shipment Tryton's warehouse completed is one fulfillment of exactly the lines still unfulfilled, shipped (shipment.created once); looking again makes nothing more", async () => {
        const orderId = await placeOrder(container, store, { email: `erp-ships-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 2 }, { title: "Red mug", quantity: 1 }] })
        const create = await waitForSettledSync(container, orderId, "create")
        const items = await orderItems(container, orderId)
        // Staff already sent the mug from the shop: the ERP's shipment of both must not fulfil it twice.
        await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items: [{ id: items.get("Red mug")!.id, quantity: 1 }], location_id: store.stockLocationId } })
        const shipped: string[] = []
        const eventBus = container.resolve(Modules.EVENT_BUS)
        eventBus.subscribe("shipment.created", async (event) => void shipped.push((event.data as { id: string }).id), { subscriberId: `test-shipment-created-${orderId}` })

        const [shipmentId] = await shipInTryton(create.external_id!)
        const { look, inbound } = await importShipments(container, orderId)
        // Other suites' sales in the shared Tryton are not this store's orders: left alone.
        expect(look.result_summary).toMatch(/^\d+ shipment\(s\) done since .*; 1 new for Medusa orders/)
        expect(inbound).toHaveLength(1)
        expect(inbound[0]).toMatchObject({ status: "synced", external_id: String(shipmentId) })
        expect(inbound[0].result_summary).toContain("1 of MUG-RED already fulfilled in Medusa, not fulfilled again")

        const made = (await fulfillmentsOf(container, orderId)).filter((f) => (f.metadata?.integration_hub as { erp_shipment?: string } | undefined)?.erp_shipment === `erp:${shipmentId}`)
        expect(made).toHaveLength(1)
        expect(made[0]).toMatchObject({ canceled_at: null, items: [{ line_item_id: items.get("Blue shirt")!.id, quantity: 2 }] })
        expect(made[0].shipped_at).not.toBeNull()
        await new Promise((r) => setTimeout(r, 500))
        expect(shipped).toEqual([made[0].id])
        // The ERP shipped it: no delivery of Medusa's parcels is made for a connection whose warehouse ships, not even by the sweep.
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "deliveries" })
        await sweepMissingSyncs(container)
        expect(await hub(container).listSyncRecords({ entity_id: orderId, operation: "deliveries" })).toEqual([])

        // Looking again (the cursor's margin lists it again), and the event's record run again: nothing more.
        await hub(container).requeueSettledRecords("erp", ["shipments:erp:import"])
        const again = await importShipments(container, orderId)
        expect(again.look.result_summary).toMatch(/; 0 new for Medusa orders; 1 seen before/)
        expect(again.inbound.map((r) => r.id)).toEqual([inbound[0].id])
        await processSyncRecord(container, inbound[0].id, { force: true, trigger: "manual" })
        expect((await fulfillmentsOf(container, orderId)).filter((f) => !f.canceled_at)).toHaveLength(2)
        expect(shipped).toHaveLength(1)
      })

      it("an exchange's sale shipped by Tryton's warehouse fulfils, in Medusa, the item the exchange sent out", async () => {
        const orderId = await placeOrder(container, store, { email: `erp-exchange-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }, { title: "Red mug", quantity: 1 }] })
        const create = await waitForSettledSync(container, orderId, "create")
        await shipInTryton(create.external_id!)
        await importShipments(container, orderId)
        const before = new Set([...(await orderItems(container, orderId)).values()].map((i) => i.id))

        const { exchangeId } = await exchangeItems(container, orderId, { back: { "Red mug": 1 }, out: [{ variantId: store.variants["Blue shirt"], quantity: 1 }], locationId: store.stockLocationId, shipping: { optionId: store.shippingOptionId, amount: 0 } })
        const exchange = await waitForSettledSync(container, orderId, "exchanges")
        expect(exchange.status).toBe("synced")
        const [shipmentId] = await shipInTryton(exchange.external_id!)
        await hub(container).requeueSettledRecords("erp", ["shipments:erp:import"])
        const { inbound } = await importShipments(container, orderId)
        const applied = inbound.find((r) => r.external_id === String(shipmentId))
        expect(applied).toMatchObject({ status: "synced" })

        // The exchange's shirt is a new line of the order: that one, and only it, is fulfilled from the exchange's shipment.
        const sentOut = [...(await orderItems(container, orderId)).values()].find((i) => !before.has(i.id))!
        const made = (await fulfillmentsOf(container, orderId)).filter((f) => (f.metadata?.integration_hub as { erp_shipment?: string } | undefined)?.erp_shipment === `erp:${shipmentId}`)
        expect(made).toEqual([expect.objectContaining({ canceled_at: null, items: [{ line_item_id: sentOut.id, quantity: 1 }] })])
        expect(exchangeId).toMatch(/^oexc_/)
      })

      it("a failure after the fulfillment is made (before it is shipped) undoes it: nothing fulfilled, the order as it was", async () => {
        const orderId = await placeOrder(container, store, { email: `erp-undo-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }] })
        await waitForSettledSync(container, orderId, "create")
        const workflow = fulfilFromErpShipmentWorkflow(container)
        workflow.insertActionAfter("create-order-fulfillment-as-step", "inject-failure", {
          invoke: async () => {
            throw new Error("injected failure before the shipment")
          },
        })
        const shipment = { externalId: "999999", number: "CS-TEST", saleReference: `medusa:${orderId}`, doneAt: new Date().toISOString(), trackingNumber: null, carrier: null, lines: [{ sku: "SHIRT-BLUE", quantity: 1 }] }
        const { errors } = await workflow.run({ input: { connection_id: "erp", order_id: orderId, shipment }, throwOnError: false })
        expect(errors[0].error.message).toContain("injected")
        expect((await fulfillmentsOf(container, orderId)).filter((f) => !f.canceled_at)).toEqual([])
      })
    },
  })
})
