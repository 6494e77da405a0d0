import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { Logger, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { cancelOrderWorkflow, createPromotionsWorkflow, createTaxRatesWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import retryDueSyncsJob from "../../src/jobs/retry-due-syncs"
import { requestEffect } from "../../src/sync/engine"
import { sweepMissingSyncs } from "../../src/sync/sweep"
import { syncOrderToErpWorkflow } from "../../src/workflows/sync-order-to-erp"
import { createErpSalesOrderStepId } from "../../src/workflows/sync-order-to-erp/steps/create-erp-sales-order"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { allLogText, hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(180_000)

// The circuit breaker is tested on its own (reliability.spec): here an ERP outage must reach the retry and dead-letter paths.
const peer = useTrytonConnection({
  INTEGRATION_CONNECTION_OVERRIDES: JSON.stringify({ circuitBreaker: { minRequests: 1_000_000 } }),
  // Medusa's tax rate code → the Tryton tax the test chart has (integration-tests/peers/tryton.js).
  TRYTON_TAXES: JSON.stringify({ VAT20: "VAT 20%" }),
})
const ref = (orderId: string) => `medusa:${orderId}`

type Sale = { id: number; number: string | null; state: string; reference: string; shipments: number[]; lines: number[] }

async function salesFor(orderId: string): Promise<Sale[]> {
  const tryton = await trytonPeer.session()
  return tryton.model<Sale[]>("sale.sale", "search_read", [["reference", "=", ref(orderId)]], 0, null, null,
    ["id", "number", "state", "reference", "shipments", "lines"])
}

async function partiesWithEmail(email: string): Promise<number[]> {
  const tryton = await trytonPeer.session()
  return tryton.model<number[]>("party.contact_mechanism", "search", [["type", "=", "email"], ["value", "=", email]], 0, null, null)
}

/** What must never be in the integration log: credentials, sessions, the customer's personal data. */
async function expectLogsClean(container: MedusaContainer, email: string) {
  const { count, text } = await allLogText(container)
  expect(count).toBeGreaterThan(0)
  expect(text).not.toContain(peer!.password)
  expect(text).not.toMatch(/Session [A-Za-z0-9+/=]{8,}/)
  expect(text).not.toContain(email)
  expect(text).not.toContain("12 Harbour Street")
  expect(text).not.toContain("Doe")
  expect(text).not.toContain("555 0134")
}

describeWithTryton()("order → Tryton ERP (real trytond over JSON-RPC)", () => {
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
      })

      it("turns a placed order into one confirmed Tryton sale with our reference, even when order.placed arrives five times at once while it is pending", async () => {
        const email = `twice-${Date.now()}@example.com`
        const orderId = await placeOrder(container, store, { email, items: [{ title: "Blue shirt", quantity: 2 }] })
        // The subscriber waits START_AFTER_EVENT_MS before it starts: the record does not exist or is pending
        // while these deliveries (three direct, two through the bus, plus the original one) race for it.
        const eventBus = container.resolve(Modules.EVENT_BUS)
        const request = { entity_type: "order", entity_id: orderId, operation: "create" }
        await Promise.all([
          requestEffect(container, request),
          requestEffect(container, request),
          requestEffect(container, request),
          eventBus.emit({ name: "order.placed", data: { id: orderId } }),
          eventBus.emit({ name: "order.placed", data: { id: orderId } }),
        ])
        const record = await waitForSettledSync(container, orderId, "create")
        expect(record).toMatchObject({ status: "synced", connection_id: "erp", attempts: 1, external_ref: ref(orderId) })
        // Let the bus deliveries (started START_AFTER_EVENT_MS later) run too, and find nothing to do.
        await new Promise((r) => setTimeout(r, 1_000))
        const runs = await hub(container).listSyncRuns({ sync_record_id: record.id })
        expect(runs.map((r) => r.status)).toEqual(["synced"])

        const sales = await salesFor(orderId)
        expect(sales).toHaveLength(1)
        expect(sales[0]).toMatchObject({ state: "processing", reference: ref(orderId) })
        expect(sales[0].number).toBeTruthy()
        const records = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId })
        expect(records).toHaveLength(1)
        expect(records[0]).toMatchObject({ status: "synced", external_id: String(sales[0].id), external_number: sales[0].number, attempts: 1 })

        const tryton = await trytonPeer.session()
        const lines = await tryton.model<Array<{ description: string; quantity: number; unit_price: { decimal: string }; product: number | null }>>(
          "sale.line", "read", sales[0].lines, ["description", "quantity", "unit_price", "product"])
        expect(lines.map((l) => [l.description, l.quantity, l.unit_price.decimal, l.product !== null]).sort()).toEqual([
          ["Blue shirt", 2, "20.0000", true],
          ["Shipping: Standard shipping", 1, "5.00", false],
        ])
        expect(await partiesWithEmail(email)).toHaveLength(1)
        await expectLogsClean(container, email)
      })

      it("books an order with a 10 % coupon and 20 % VAT in Tryton at Medusa's total, to the cent", async () => {
        const [taxRegion] = await container.resolve(Modules.TAX).listTaxRegions({ country_code: "us" })
        await createTaxRatesWorkflow(container).run({ input: [{ tax_region_id: taxRegion.id, rate: 20, code: "VAT20", name: "VAT 20 %", is_default: true }] })
        await createPromotionsWorkflow(container).run({
          input: {
            promotionsData: [{
              code: "TENOFF", type: "standard", status: "active",
              application_method: { type: "percentage", target_type: "items", allocation: "across", value: 10, currency_code: "usd" },
            }],
          },
        })
        const orderId = await placeOrder(container, store, { email: `coupon-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 2 }], promoCodes: ["TENOFF"] })
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["total", "discount_total", "tax_total"], filters: { id: orderId } })
        // 2 × $20 less 10 % = $36, $5 shipping, 20 % VAT on both: $49.20.
        expect([Number(order.discount_total), Number(order.tax_total), Number(order.total)]).toEqual([4.8, 8.2, 49.2])

        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "synced" })
        const [sale] = await salesFor(orderId)
        const tryton = await trytonPeer.session()
        const [booked] = await tryton.model<Array<{ total_amount: { decimal: string }; tax_amount: { decimal: string } }>>("sale.sale", "read", [sale.id], ["total_amount", "tax_amount"])
        expect({ total: booked.total_amount.decimal, tax: booked.tax_amount.decimal }).toEqual({ total: "49.20", tax: "8.20" })
      })

      it("keeps the order while Tryton is down, retries with backoff and syncs it once Tryton is back — still one sale", async () => {
        await trytonPeer.stopAndWait()
        let orderId: string
        try {
          orderId = await placeOrder(container, store, { email: `outage-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
          const failed = await waitForSettledSync(container, orderId, "create")
          expect(failed).toMatchObject({ status: "failed", attempts: 1, last_error_code: "network", external_id: null })
          expect(failed.last_error).toMatch(/^Could not reach connection "erp" \(ECONNREFUSED during [\w.]+\): is the server up/)
          expect(failed.next_attempt_at).not.toBeNull()
          // While it is down, the retry job keeps the record and schedules the next attempt.
          await new Promise((r) => setTimeout(r, 1_100))
          await retryDueSyncsJob(container)
          const [again] = await hub(container).listSyncRecords({ entity_id: orderId })
          expect(again).toMatchObject({ status: "failed", attempts: 2 })
        } finally {
          await trytonPeer.restart()
        }
        // The job's background drain runs each retry when it comes due: while Tryton restarted it may have tried again.
        await new Promise((r) => setTimeout(r, 1_100))
        await retryDueSyncsJob(container)
        const synced = await waitForSettledSync(container, orderId!, "create")
        expect(synced).toMatchObject({ status: "synced", last_error: null, next_attempt_at: null })
        expect(synced.attempts).toBeGreaterThanOrEqual(3)
        const sales = await salesFor(orderId!)
        expect(sales).toHaveLength(1)
        expect(synced.external_id).toBe(String(sales[0].id))
      })

      it("sends a record to the dead letter after maxAttempts", async () => {
        const errorLog = jest.spyOn(container.resolve<Logger>(ContainerRegistrationKeys.LOGGER), "error").mockImplementation(() => undefined)
        await trytonPeer.stopAndWait()
        try {
          const orderId = await placeOrder(container, store, { email: `dead-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
          // Medusa's own scheduler may run the job too: each round waits until no run is in progress.
          for (let i = 0; i < 3; i++) {
            await waitForSettledSync(container, orderId, "create")
            await new Promise((r) => setTimeout(r, 1_100))
            await retryDueSyncsJob(container)
          }
          const dead = await waitForSettledSync(container, orderId, "create")
          expect(dead).toMatchObject({ status: "dead", attempts: 4, next_attempt_at: null, last_error_code: "network" })
          expect(dead.last_error).not.toContain("will retry")
          // The dead letter is the one server log line at error level, naming the record; it is written just after the
          // record is settled, so the test waits for it (bounded) rather than race it.
          for (let i = 0; i < 50 && errorLog.mock.calls.length === 0; i++) await new Promise((r) => setTimeout(r, 100))
          expect(errorLog).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`^integration-hub: order ${orderId} → erp \\(create\\) is dead: Could not reach.* — gave up after 4 attempts$`)))
        } finally {
          errorLog.mockRestore()
          await trytonPeer.restart()
        }
      })

      it("fails an order with a SKU Tryton does not know, in plain words, and leaves nothing half-created", async () => {
        const email = `ghost-${Date.now()}@example.com`
        const orderId = await placeOrder(container, store, {
          email,
          items: [{ title: "Blue shirt", quantity: 1 }, { title: "Ghost hat", quantity: 1 }],
        })
        const record = await waitForSettledSync(container, orderId, "create")
        expect(record).toMatchObject({ status: "failed", next_attempt_at: null, last_error_code: "unknown_sku", attempts: 1 })
        expect(record.last_error).toMatch(
          /^Cannot sync order #\d+ to erp: line item 'Ghost hat' has SKU 'HAT-GHOST', which is not a product in Tryton\./
        )
        expect(await salesFor(orderId)).toHaveLength(0)
        // The party created for this new customer was removed again by the step's compensation.
        expect(await partiesWithEmail(email)).toHaveLength(0)
        const logs = await hub(container).listIntegrationLogs({ sync_record_id: record.id })
        expect(logs.map((l) => l.operation)).toEqual(expect.arrayContaining(["model.party.party.create", "model.party.party.delete"]))
        await expectLogsClean(container, email)
      })

      it("fails an order whose line has no SKU before calling Tryton at all", async () => {
        const orderId = await placeOrder(container, store, {
          email: `nosku-${Date.now()}@example.com`,
          items: [{ title: "Unlabelled scarf", quantity: 1 }],
        })
        const record = await waitForSettledSync(container, orderId, "create")
        expect(record.status).toBe("failed")
        expect(record.last_error).toMatch(/^Cannot sync order #\d+ to erp: line item 'Unlabelled scarf' has no SKU$/)
        expect(await hub(container).listIntegrationLogs({ sync_record_id: record.id })).toHaveLength(0)
      })

      it("cancels the sale it created when a later step fails (compensation)", async () => {
        const orderId = await placeOrder(container, store, { email: `comp-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }] })
        const record = await waitForSettledSync(container, orderId, "create")
        const [first] = await salesFor(orderId)
        // Cancel the synced sale so the workflow below has to create a new one, then fail after it.
        const erp = hub(container).getProvider("erp", "erp")
        await erp.cancelSalesOrder(String(first.id))

        const workflow = syncOrderToErpWorkflow(container)
        workflow.insertActionAfter(createErpSalesOrderStepId, "inject-failure", {
          invoke: async () => {
            throw new Error("injected failure after the sale was created")
          },
        })
        const { errors } = await workflow.run({
          input: { connection_id: "erp", order_id: orderId },
          throwOnError: false,
        })
        expect(errors[0].error.message).toContain("injected failure")
        const live = await erp.findSalesOrderByReference(ref(orderId))
        expect(live).toBeNull()
        const sales = await salesFor(orderId)
        expect(sales).toHaveLength(2)
        expect(sales.every((s) => s.state !== "processing")).toBe(true)
        // The record step never ran: the record still points at the first sale.
        const [after] = await hub(container).listSyncRecords({ id: record.id })
        expect(after.external_id).toBe(String(first.id))
      })

      it("cancels the sale in Tryton when the order is canceled in Medusa: nothing ships, stock is released", async () => {
        const tryton = await trytonPeer.session()
        const forecast = async () =>
          (await tryton.modelWith<Array<{ forecast_quantity: number }>>({ locations: [await warehouse()] }, "product.product",
            "search_read", [["code", "=", "SHIRT-BLUE"]], 0, 1, null, ["forecast_quantity"]))[0].forecast_quantity
        const warehouse = async () => (await tryton.model<number[]>("stock.location", "search", [["type", "=", "warehouse"]], 0, 1, null))[0]

        const before = await forecast()
        const orderId = await placeOrder(container, store, { email: `cancel-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 3 }] })
        await waitForSettledSync(container, orderId, "create")
        expect(await forecast()).toBe(before - 3)

        await cancelOrderWorkflow(container).run({ input: { order_id: orderId } })
        const record = await waitForSettledSync(container, orderId, "cancel")
        expect(record).toMatchObject({ status: "synced" })
        expect(record.result_summary).toContain("nothing will ship")

        const [sale] = await salesFor(orderId)
        const shipments = await tryton.model<Array<{ state: string }>>("stock.shipment.out", "read", sale.shipments, ["state"])
        expect(shipments.length).toBeGreaterThan(0)
        expect(shipments.every((s) => s.state === "cancelled")).toBe(true)
        expect(await forecast()).toBe(before)
      })

      it("catch-up sweep gives a sync record to an order whose event never arrived, and finds the existing sale instead of duplicating it", async () => {
        // The connection is first seen enabled before this order is placed (the job's sweep records it).
        await sweepMissingSyncs(container)
        const orderId = await placeOrder(container, store, { email: `sweep-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 2 }] })
        const record = await waitForSettledSync(container, orderId, "create")
        // As if the event had been lost: no sync record at all.
        await hub(container).deleteSyncRecords(record.id)

        await retryDueSyncsJob(container)
        const [recreated] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation: "create" })
        expect(recreated).toMatchObject({ status: "synced", external_id: record.external_id })
        expect(recreated.result_summary).toMatch(/^found existing sale/)
        expect(await salesFor(orderId)).toHaveLength(1)

        // Later sweeps read only orders changed since the previous sweep (with overlap), not the whole week:
        // after a sweep "ten minutes from now", this order is old news to the next one.
        await sweepMissingSyncs(container, new Date(Date.now() + 10 * 60_000))
        await hub(container).deleteSyncRecords(recreated.id)
        expect(await sweepMissingSyncs(container, new Date(Date.now() + 11 * 60_000))).toBe(0)
        expect(await hub(container).listSyncRecords({ entity_id: orderId })).toHaveLength(0)
      })
    },
  })
})
