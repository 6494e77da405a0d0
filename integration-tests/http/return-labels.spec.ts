import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { IFulfillmentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, MathBN, Modules } from "@medusajs/framework/utils"
import { cancelReturnWorkflow, createOrderFulfillmentWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedCarrierOption, seedStore, SeededStore } from "../../demo/app/store"
import { orderItems, returnItems } from "../../demo/app/after-checkout"
import { hub, waitForSettledSync } from "../helpers/sync"
import { IntegrationError } from "../../src/lib/errors"
import { signStandardWebhook } from "../../src/lib/webhooks/signatures"
import { addSyncOperations, SyncOperation } from "../../src/sync/operations"
import { returnLabelsOperation } from "../../src/sync/return-label-operation"
import { requestEffect } from "../../src/sync/engine"
import { sweepMissingSyncs } from "../../src/sync/sweep"
import { createReturnLabelsWorkflow } from "../../src/workflows/create-return-labels"
import { storeReturnLabelsStepId } from "../../src/workflows/create-return-labels/steps/store-return-labels"

jest.setTimeout(180_000)

const SECRET = "whsec_cmV0dXJuLWxhYmVscy10ZXN0LXNlY3JldA=="
// The sandbox carrier keeps its labels in the store's own database (provider_state) and signs its tracking events.
const CARRIER = { id: "carrier", kind: "shipping", provider: "sandbox-carrier", options: { webhookSecret: SECRET }, retry: { inPlace: { retries: 0 } } }
// A second, paused connection to the same carrier: the hub runs no effect on it, so a test can play a run itself.
const PAUSED = { ...CARRIER, id: "carrier-paused", enabled: false }
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]
Object.assign(process.env, { INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([CARRIER, PAUSED]) })

/**
 * The effect as the engine runs it, with a permanent failure after the labels were kept on the returns: recorded on
 * the enabled connection, carried out with the paused one (whose orders the real effect leaves alone).
 */
const FAILING_AFTER_STORE: SyncOperation = {
  ...returnLabelsOperation,
  effectKey: (id) => `order:${id}:return-labels-failing`,
  connectionsFor: async () => ["carrier"],
  sweep: undefined,
  run: (container, i) => {
    const workflow = createReturnLabelsWorkflow(container)
    workflow.insertActionAfter(storeReturnLabelsStepId, "inject-failure", {
      invoke: async () => {
        throw new IntegrationError("The store refused the return label (injected after it was kept)", { connectionId: i.connection_id, code: "injected", retryable: false })
      },
    })
    return workflow.run({ input: { connection_id: "carrier-paused", order_id: i.entity_id }, throwOnError: false })
  },
}
// The failing variant sits beside the built-in ones (a store's own flows are added the same way).
afterAll(addSyncOperations({ "order.return-labels-failing": FAILING_AFTER_STORE }))

type Res = { status: number; data: Record<string, unknown> }
type Api = { post: (url: string, body?: unknown, config?: unknown) => Promise<Res> }
type SandboxLabel = { id: string; tracking: string; reference: string; return_id?: string | null; is_return?: boolean; voided: boolean; service: string }
type KeptLabel = { connection_id: string; label_id: string; tracking_number: string; carrier: string; label_url: string | null; voided_at?: string }

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api: rawApi }) => {
    const api = rawApi as Api
    let container: MedusaContainer
    let store: SeededStore
    let carrierOptionId: string
    let pausedOptionId: string

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
      const fulfillment = container.resolve<IFulfillmentModuleService>(Modules.FULFILLMENT)
      const [flat] = await fulfillment.listShippingOptions({ id: store.shippingOptionId })
      const zone = { locationId: store.stockLocationId, serviceZoneId: flat.service_zone_id, profileId: flat.shipping_profile_id }
      carrierOptionId = await seedCarrierOption(container, { ...zone, connectionId: "carrier" })
      pausedOptionId = await seedCarrierOption(container, { ...zone, connectionId: "carrier-paused" })
    })

    /** The sandbox carrier's labels a connection bought for this reference. */
    async function labelsFor(connectionId: string, reference: string): Promise<SandboxLabel[]> {
      const rows = await hub(container).execute<{ value: SandboxLabel }>(
        `SELECT value FROM provider_state WHERE connection_id = ? AND key LIKE 'label:%' AND value->>'reference' = ? AND deleted_at IS NULL ORDER BY created_at`, [connectionId, reference]
      )
      return rows.map((r) => r.value)
    }
    async function keptOn(returnId: string) {
      const { data: [r] } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "return", fields: ["id", "metadata"], filters: { id: returnId } })
      return (r as unknown as { metadata: { integration_hub?: { return_label?: KeptLabel } } | null }).metadata
    }
    /** An order shipped with a carrier connection: placed, fulfilled and, on an enabled connection, its outbound label bought. */
    async function shippedOrder(optionId = carrierOptionId) {
      const orderId = await placeOrder(container, store, { email: `ret-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 2 }, { title: "Blue shirt", quantity: 1 }], shippingOptionId: optionId })
      const order = await container.resolve(Modules.ORDER).retrieveOrder(orderId, { relations: ["items"] })
      const items = (order.items ?? []).map((i) => ({ id: i.id, quantity: MathBN.convert(i.quantity).toNumber() }))
      await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items } })
      if (optionId === carrierOptionId) expect(await waitForSettledSync(container, orderId, "ship-labels")).toMatchObject({ status: "synced" })
      return orderId
    }
    const requestReturn = (orderId: string) => returnItems(container, orderId, { "Red mug": 1 }, { locationId: store.stockLocationId, receive: false })
    const records = (orderId: string) => hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "return-labels" })
    async function settled(orderId: string, until: (r: { status: string; result_summary: string | null }) => boolean) {
      for (const end = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
        const [record] = await records(orderId)
        if (record && until(record)) return record
        if (Date.now() > end) throw new Error(`the return labels of ${orderId} did not settle: ${JSON.stringify(record ?? null)}`)
      }
    }

    it("a requested return gets one return label from the carrier that shipped the order, kept on the return; the event again and a sweep buy nothing more", async () => {
      const orderId = await shippedOrder()
      const returnId = await requestReturn(orderId)
      const record = await waitForSettledSync(container, orderId, "return-labels")
      const labels = await labelsFor("carrier", `medusa:${returnId}`)
      expect(labels).toEqual([expect.objectContaining({ is_return: true, return_id: returnId, voided: false, service: "standard", tracking: expect.stringMatching(/^SBR\d{9}$/) })])
      const [label] = labels
      expect(record).toMatchObject({ status: "synced", connection_id: "carrier", external_id: label.id, external_number: label.tracking })
      expect(record.result_summary).toBe(`return label(s) sandbox-post ${label.tracking} for return ${returnId}, service standard, as the order was shipped`)
      expect(await keptOn(returnId)).toEqual({
        integration_hub: {
          return_label: {
            connection_id: "carrier", label_id: label.id, tracking_number: label.tracking, carrier: "sandbox-post",
            label_url: `https://sandbox-carrier.invalid/labels/${label.id}.pdf`, tracking_url: `https://sandbox-carrier.invalid/track/${label.tracking}`, service_code: "standard",
          },
        },
      })

      // The event delivered twice more (what the subscriber does on each), then the catch-up sweep.
      const bus = container.resolve(Modules.EVENT_BUS)
      await bus.emit([{ name: "order.return_requested", data: { order_id: orderId, return_id: returnId } }, { name: "order.return_requested", data: { order_id: orderId, return_id: returnId } }])
      await Promise.all([1, 2].map(() => requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "return-labels" })))
      await sweepMissingSyncs(container)
      await new Promise((r) => setTimeout(r, 1_000))
      expect(await labelsFor("carrier", `medusa:${returnId}`)).toEqual(labels)
      expect(await records(orderId)).toEqual([expect.objectContaining({ id: record.id, status: "synced", external_id: label.id })])
      expect(await hub(container).listSyncRuns({ sync_record_id: record.id })).toHaveLength(1)
    })

    it("a return whose event was lost (made without Medusa's workflow event) gets its label from the catch-up sweep", async () => {
      // The sweep job has seen the connections enabled (it runs every minute from boot): rows from now on are its.
      await sweepMissingSyncs(container)
      const orderId = await shippedOrder()
      const mug = (await orderItems(container, orderId)).get("Red mug")!
      // The return as Medusa's workflow makes it, minus `order.return_requested`: the Order Module only.
      const ret = await container.resolve(Modules.ORDER).createReturn({ order_id: orderId, location_id: store.stockLocationId, items: [{ id: mug.id, quantity: 2 }] })
      expect(await records(orderId)).toEqual([])

      expect(await sweepMissingSyncs(container)).toBeGreaterThanOrEqual(1)
      const record = await waitForSettledSync(container, orderId, "return-labels")
      expect(record).toMatchObject({ status: "synced", connection_id: "carrier" })
      expect(await labelsFor("carrier", `medusa:${ret.id}`)).toHaveLength(1)
      expect((await keptOn(ret.id))?.integration_hub?.return_label).toMatchObject({ connection_id: "carrier", tracking_number: record.external_number })
      await sweepMissingSyncs(container)
      expect(await labelsFor("carrier", `medusa:${ret.id}`)).toHaveLength(1)
    })

    it("cancelling the return before it is received voids its label at the carrier, once", async () => {
      const orderId = await shippedOrder()
      const returnId = await requestReturn(orderId)
      await waitForSettledSync(container, orderId, "return-labels")
      await cancelReturnWorkflow(container).run({ input: { return_id: returnId } })
      const record = await settled(orderId, (r) => r.status === "synced" && /voided/.test(r.result_summary ?? ""))
      const [label] = await labelsFor("carrier", `medusa:${returnId}`)
      expect(label).toMatchObject({ voided: true })
      expect(record.result_summary).toBe(`return ${returnId}: label ${label.id} voided`)
      expect((await keptOn(returnId))?.integration_hub?.return_label).toMatchObject({ label_id: label.id, voided_at: expect.any(String) })
      // Swept afterwards: the same content runs nothing more.
      await sweepMissingSyncs(container)
      expect(await hub(container).listSyncRuns({ sync_record_id: record.id })).toHaveLength(2)
    })

    it("a return label's tracking event is recorded about the order and its return, and changes nothing", async () => {
      const orderId = await shippedOrder()
      const returnId = await requestReturn(orderId)
      const record = await waitForSettledSync(container, orderId, "return-labels")
      const body = JSON.stringify({ type: "label.tracking", timestamp: new Date().toISOString(), data: { label_id: record.external_id, status: "in_transit" } })
      const headers = { ...signStandardWebhook({ id: `evt_ret_${Date.now()}`, timestamp: new Date(), rawBody: body, secret: SECRET }), "content-type": "application/json" }
      const answer = await api.post("/hooks/integrations/carrier", body, { headers, transformRequest: [(d: unknown) => d], validateStatus: () => true })
      expect(answer.status).toBe(200)
      for (const end = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
        const [event] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, direction: "in" })
        if (event && !["pending", "running"].includes(event.status)) {
          expect(event).toMatchObject({
            status: "skipped", skip_code: "return_label",
            result_summary: `return label ${record.external_number} of return ${returnId} (the event says in transit): recorded; Medusa receives the return when staff check the parcel, nothing changed`,
          })
          break
        }
        if (Date.now() > end) throw new Error(`the tracking event did not settle: ${JSON.stringify(event ?? null)}`)
      }
      const { data: [ret] } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "return", fields: ["status"], filters: { id: returnId } })
      expect(ret.status).toBe("requested")
    })

    it("a permanent failure after the label was kept voids the label it bought (compensation), puts the return back, and fails the record in words; a new run buys again", async () => {
      // Shipped with the paused connection: the real effect leaves the order alone; checkout chose no service.
      const orderId = await shippedOrder(pausedOptionId)
      const returnId = await requestReturn(orderId)
      await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "return-labels-failing" })
      const [record] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "return-labels-failing" })
      expect(record).toMatchObject({ status: "failed", connection_id: "carrier", last_error: "The store refused the return label (injected after it was kept)", last_error_code: "injected", next_attempt_at: null })
      expect(await labelsFor("carrier-paused", `medusa:${returnId}`)).toEqual([expect.objectContaining({ voided: true })])
      expect(await keptOn(returnId)).toEqual({})
      expect(await records(orderId)).toEqual([])

      const { result } = await createReturnLabelsWorkflow(container).run({ input: { connection_id: "carrier-paused", order_id: orderId } })
      const labels = await labelsFor("carrier-paused", `medusa:${returnId}`)
      expect(labels.map((l) => l.voided)).toEqual([true, false])
      expect(result).toMatchObject({ status: "synced", summary: `return label(s) sandbox-post ${labels[1].tracking} for return ${returnId}, the cheapest service, standard` })
    })
  },
})
