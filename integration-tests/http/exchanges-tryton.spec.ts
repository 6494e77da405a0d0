import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { capturePaymentWorkflow, createOrderFulfillmentWorkflow, markPaymentCollectionAsPaid, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { cancelExchange, claimItems, exchangeItems, orderItems, receiveReturn, returnItems, shipParcel } from "../../demo/app/after-checkout"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { processSyncRecord, requestEffect } from "../../src/sync/engine"
import { syncExchangesToErpWorkflow } from "../../src/workflows/sync-exchanges-to-erp"
import { createExchangeSalesStepId } from "../../src/workflows/sync-exchanges-to-erp/steps/create-exchange-sales"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { hub, waitForSettledSync } from "../helpers/sync"
import { keepTrytonAsFound } from "../helpers/tryton-restore"
import { displayIdOf, liveSales, shipInTryton, shipmentsOfSale } from "../helpers/tryton-sales"

jest.setTimeout(180_000)

// Invoiced when confirmed: each payment is registered against an invoice, a refund credited against one.
useTrytonConnection({ TRYTON_INVOICE_METHOD: "order" })

type SaleInTryton = { id: number; number: string; state: string; description: string; total: string; lines: Array<{ sku: string | null; description: string; quantity: number; amount: string }> }

/** Tryton's sales carrying this reference, with their lines (a line without product has no SKU). */
async function salesOf(reference: string): Promise<SaleInTryton[]> {
  const tryton = await trytonPeer.session()
  const sales = await tryton.model<Array<{ id: number; number: string; state: string; description: string; total_amount: { decimal: string }; lines: number[] }>>(
    "sale.sale", "search_read", [["reference", "=", reference]], 0, null, [["id", "ASC"]], ["id", "number", "state", "description", "total_amount", "lines"]
  )
  return Promise.all(sales.map(async (s) => {
    const lines = await tryton.model<Array<{ product: number | null; description: string; quantity: number; amount: { decimal: string } }>>("sale.line", "read", s.lines, ["product", "description", "quantity", "amount"])
    const ids = [...new Set(lines.map((l) => l.product).filter((p): p is number => p !== null))]
    const codes = new Map((await tryton.model<Array<{ id: number; code: string }>>("product.product", "read", ids, ["code"])).map((p) => [p.id, p.code]))
    return {
      id: s.id, number: s.number, state: s.state, description: s.description, total: s.total_amount.decimal,
      lines: lines.map((l) => ({ sku: l.product === null ? null : codes.get(l.product) ?? null, description: l.description, quantity: l.quantity, amount: l.amount.decimal })),
    }
  }))
}

/** The number staff see on an exchange or a claim. */
async function displayIdOfChange(container: MedusaContainer, entity: "order_exchange" | "order_claim", id: string): Promise<number> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity, fields: ["display_id"], filters: { id } })
  return Number((data[0] as { display_id: number }).display_id)
}

/** What is still due on each of the sale's invoices, and their totals. */
async function invoicesOf(saleId: number): Promise<Array<{ total: string; due: string }>> {
  const tryton = await trytonPeer.session()
  const [sale] = await tryton.model<Array<{ invoices: number[] }>>("sale.sale", "read", [saleId], ["invoices"])
  const invoices = await tryton.model<Array<{ total_amount: { decimal: string }; amount_to_pay: { decimal: string }; state: string }>>("account.invoice", "read", sale.invoices, ["total_amount", "amount_to_pay", "state"])
  return invoices.filter((i) => i.state !== "cancelled").map((i) => ({ total: i.total_amount.decimal, due: i.amount_to_pay.decimal }))
}

/** The party's credit notes (customer invoices with a negative total). */
async function creditNotesOf(saleId: number): Promise<string[]> {
  const tryton = await trytonPeer.session()
  const [sale] = await tryton.model<Array<{ party: number }>>("sale.sale", "read", [saleId], ["party"])
  const invoices = await tryton.model<Array<{ total_amount: { decimal: string } }>>("account.invoice", "search_read", [["party", "=", sale.party], ["type", "=", "out"], ["state", "!=", "cancelled"]], 0, null, null, ["total_amount"])
  return invoices.map((i) => i.total_amount.decimal).filter((t) => Number(t) < 0)
}

describeWithTryton()("exchanges, claims and parcels → the real Tryton ERP", () => {
  keepTrytonAsFound()
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
      })

      /** An order of a Blue shirt and a Red mug, sent to Tryton, paid and shipped. */
      async function shippedOrder(email: string, items = [{ title: "Blue shirt", quantity: 1 }, { title: "Red mug", quantity: 1 }]) {
        const orderId = await placeOrder(container, store, { email, items })
        const create = await waitForSettledSync(container, orderId, "create")
        expect(create.status).toBe("synced")
        const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["payment_collections.payments.id"], filters: { id: orderId } })
        const paymentId = (data[0] as { payment_collections: Array<{ payments: Array<{ id: string }> }> }).payment_collections[0].payments[0].id
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        expect(await waitForSettledSync(container, orderId, "record-payments")).toMatchObject({ status: "synced" })
        const shipped = [...(await orderItems(container, orderId)).values()].map((i) => ({ id: i.id, quantity: i.quantity }))
        await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items: shipped, location_id: store.stockLocationId } })
        return { orderId, saleId: Number(create.external_id), paymentId, number: await displayIdOf(container, orderId) }
      }

      /** The order's payment collection still awaiting money (what an exchange's difference asks for). */
      async function collectionAwaiting(orderId: string): Promise<{ id: string; amount: number }> {
        const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["payment_collections.id", "payment_collections.status", "payment_collections.amount"], filters: { id: orderId } })
        const open = (data[0] as { payment_collections: Array<{ id: string; status: string; amount: number }> }).payment_collections.filter((c) => c.status === "not_paid")
        expect(open).toHaveLength(1)
        return { id: open[0].id, amount: Number(open[0].amount) }
      }

      it("an exchange for a dearer item is one Tryton sale of the difference, paid once against its own invoice; the goods sent back return to stock", async () => {
        const { orderId, saleId, number } = await shippedOrder(`exchange-${Date.now()}@example.com`)
        const { exchangeId, returnId } = await exchangeItems(container, orderId, { back: { "Red mug": 1 }, out: [{ variantId: store.variants["Blue shirt"], quantity: 1 }], locationId: store.stockLocationId, shipping: { optionId: store.shippingOptionId, amount: 0 } })

        const record = await waitForSettledSync(container, orderId, "exchanges")
        const [sale, ...more] = await salesOf(`medusa:${exchangeId}`)
        expect(more).toHaveLength(0)
        expect(record).toMatchObject({ status: "synced", external_id: String(sale.id), external_number: sale.number })
        expect(sale.description).toBe(`Medusa order #${number} (exchange #${await displayIdOfChange(container, "order_exchange", exchangeId)})`)
        expect(sale.state).toBe("processing")
        // The shirt sent out, less the mug coming back: what the customer owes for the exchange.
        expect(sale.total).toBe("10.50")
        expect(sale.lines).toEqual(expect.arrayContaining([
          expect.objectContaining({ sku: "SHIRT-BLUE", quantity: 1, amount: "20.00" }),
          expect.objectContaining({ sku: null, description: expect.stringMatching(/^Returned in exchange #\d+: Red mug ×1$/), amount: "-9.50" }),
        ]))
        // The order's own sale is as it was: one live sale for the order.
        expect(await liveSales([`medusa:${orderId}`])).toEqual([expect.objectContaining({ id: saleId })])

        // The event again and the sweep's request: the same exchange, nothing more.
        await container.resolve(Modules.EVENT_BUS).emit({ name: "order.exchange_created", data: { order_id: orderId, exchange_id: exchangeId } })
        await new Promise((r) => setTimeout(r, 1_500))
        expect(await hub(container).listSyncRuns({ sync_record_id: record.id })).toHaveLength(1)
        expect(await salesOf(`medusa:${exchangeId}`)).toHaveLength(1)

        // The customer pays the difference: registered against the exchange's invoice, the order's own untouched.
        const owed = await collectionAwaiting(orderId)
        expect(owed.amount).toBe(10.5)
        await markPaymentCollectionAsPaid(container).run({ input: { payment_collection_id: owed.id, order_id: orderId, captured_by: "test" } })
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "record-payments" })
        await new Promise((r) => setTimeout(r, 500))
        expect(await waitForSettledSync(container, orderId, "record-payments")).toMatchObject({ status: "synced" })
        expect(await invoicesOf(sale.id)).toEqual([{ total: "10.50", due: "0" }])
        expect(await invoicesOf(saleId)).toEqual([{ total: "34.50", due: "0" }])

        // The mug comes back: one customer return in Tryton, and no credit note (the exchange's sale credited it).
        expect(returnId).toBeTruthy()
        const [mug] = [...(await orderItems(container, orderId)).values()].filter((i) => i.title === "Red mug")
        await receiveReturn(container, returnId!, [{ id: mug.id, quantity: 1 }])
        expect(await waitForSettledSync(container, orderId, "returns")).toMatchObject({ status: "synced" })
        expect(await creditNotesOf(saleId)).toEqual([])

        // An order update after it compares the order without the exchange's shirt: nothing to replace.
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "edit" })
        const edit = await waitForSettledSync(container, orderId, "edit")
        expect(edit).toMatchObject({ status: "synced", external_id: null, last_error: null })
      })

      it("an exchange for a cheaper item makes a sale of nothing owed; the refund of the rest is one credit note", async () => {
        const { orderId, saleId, paymentId } = await shippedOrder(`cheaper-${Date.now()}@example.com`, [{ title: "Blue shirt", quantity: 1 }])
        const { exchangeId } = await exchangeItems(container, orderId, { back: { "Blue shirt": 1 }, out: [{ variantId: store.variants["Red mug"], quantity: 1 }], locationId: store.stockLocationId, shipping: { optionId: store.shippingOptionId, amount: 0 } })
        expect(await waitForSettledSync(container, orderId, "exchanges")).toMatchObject({ status: "synced" })
        const [sale] = await salesOf(`medusa:${exchangeId}`)
        expect(sale.total).toBe("0.00")
        expect(sale.lines).toEqual(expect.arrayContaining([
          expect.objectContaining({ sku: "MUG-RED", amount: "9.50" }),
          expect.objectContaining({ sku: null, description: expect.stringMatching(/^Returned in exchange #\d+: Blue shirt ×1$/), amount: "-9.50" }),
        ]))
        await refundPaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 10.5 } })
        expect(await waitForSettledSync(container, orderId, "record-refunds")).toMatchObject({ status: "synced" })
        expect(await creditNotesOf(saleId)).toEqual(["-10.50"])
      })

      it("a claim refunded: the goods back once, the money once; a replacement claim is a sale of its own", async () => {
        const { orderId, saleId, paymentId, number } = await shippedOrder(`claim-${Date.now()}@example.com`, [{ title: "Blue shirt", quantity: 2 }])
        await claimItems(container, orderId, { type: "refund", returned: { "Blue shirt": 1 }, locationId: store.stockLocationId })
        expect(await waitForSettledSync(container, orderId, "exchanges")).toMatchObject({ status: "skipped", skip_code: "nothing_sent_out" })
        await refundPaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 20 } })
        expect(await waitForSettledSync(container, orderId, "record-refunds")).toMatchObject({ status: "synced" })
        expect(await creditNotesOf(saleId)).toEqual(["-20.00"])

        // A shirt arrived torn: a replacement, at no charge (staff set its price to 0 in the claim).
        const claimId = await claimItems(container, orderId, { type: "replace", claimed: { "Blue shirt": 1 }, out: { items: [{ variantId: store.variants["Blue shirt"], quantity: 1, unitPrice: 0 }], shipping: { optionId: store.shippingOptionId, amount: 0 } } })
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "exchanges" })
        await new Promise((r) => setTimeout(r, 500))
        const record = await waitForSettledSync(container, orderId, "exchanges")
        expect(record).toMatchObject({ status: "synced", last_error: null })
        const [replacement] = await salesOf(`medusa:${claimId}`)
        expect(replacement.description).toBe(`Medusa order #${number} (claim #${await displayIdOfChange(container, "order_claim", claimId)})`)
        expect(replacement.lines).toEqual([expect.objectContaining({ sku: "SHIRT-BLUE", quantity: 1 })])
        expect(await creditNotesOf(saleId)).toEqual(["-20.00"])
      })

      it("an exchange of an order Tryton does not have makes no sale there, saying why", async () => {
        // Placed while the connection was in shadow mode: the order never went to Tryton.
        await hub(container).switches.switchMode("erp", "shadow", "test")
        const orderId = await placeOrder(container, store, { email: `unknown-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "skipped", skip_code: "shadow" })
        await hub(container).switches.switchMode("erp", "live", "test")
        const shipped = [...(await orderItems(container, orderId)).values()].map((i) => ({ id: i.id, quantity: i.quantity }))
        await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items: shipped, location_id: store.stockLocationId } })
        const { exchangeId } = await exchangeItems(container, orderId, { back: { "Red mug": 1 }, out: [{ variantId: store.variants["Blue shirt"], quantity: 1 }], locationId: store.stockLocationId, shipping: { optionId: store.shippingOptionId, amount: 0 } })
        const record = await waitForSettledSync(container, orderId, "exchanges")
        expect(record).toMatchObject({ status: "skipped", skip_code: "order_not_sent" })
        expect(record.result_summary).toMatch(/^order #\d+ was not sent to erp \(.*\); its exchanges and claims are not sent either$/)
        expect(await salesOf(`medusa:${exchangeId}`)).toEqual([])
      })

      it("a sale Tryton made for an exchange whose next step fails is cancelled again; Retry makes it; a cancelled exchange cancels it", async () => {
        const { orderId } = await shippedOrder(`undo-${Date.now()}@example.com`)
        await hub(container).switches.switchMode("erp", "shadow", "test")
        const { exchangeId } = await exchangeItems(container, orderId, { back: { "Red mug": 1 }, out: [{ variantId: store.variants["Blue shirt"], quantity: 1 }], locationId: store.stockLocationId, shipping: { optionId: store.shippingOptionId, amount: 0 } })
        const held = await waitForSettledSync(container, orderId, "exchanges")
        expect(held).toMatchObject({ status: "skipped", skip_code: "shadow" })
        await hub(container).switches.switchMode("erp", "live", "test")

        const workflow = syncExchangesToErpWorkflow(container)
        workflow.insertActionAfter(createExchangeSalesStepId, "inject-failure", {
          invoke: async () => {
            throw new Error("injected: the hub could not go on after the sale was made")
          },
        })
        const { errors } = await workflow.run({ input: { connection_id: "erp", order_id: orderId, sync_record_id: held.id }, throwOnError: false })
        expect(errors[0].error.message).toContain("injected")
        expect(await liveSales([`medusa:${exchangeId}`])).toEqual([])
        expect((await hub(container).retrieveSyncRecord(held.id)).baseline).toBeNull()

        const after = await processSyncRecord(container, held.id, { force: true, trigger: "manual" })
        expect(after).toMatchObject({ status: "synced" })
        const [live, ...more] = await liveSales([`medusa:${exchangeId}`])
        expect(more).toHaveLength(0)

        await cancelExchange(container, exchangeId)
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "exchanges" })
        await new Promise((r) => setTimeout(r, 500))
        const cancelled = await waitForSettledSync(container, orderId, "exchanges")
        expect(cancelled).toMatchObject({ status: "synced" })
        expect(cancelled.result_summary).toContain("sale cancelled")
        // Tryton ends a processed sale that is cancelled as done with every move cancelled: no live sale is left.
        expect(live.id).toBeGreaterThan(0)
        expect(await liveSales([`medusa:${exchangeId}`])).toEqual([])
      })
      /** The order's deliveries record once it names this fulfillment (a later parcel runs the same record again). */
      async function deliveriesNaming(orderId: string, fulfillmentId: string) {
        const until = Date.now() + 30_000
        for (;;) {
          const record = await waitForSettledSync(container, orderId, "deliveries")
          if (record.status !== "synced" || record.result_summary?.includes(fulfillmentId)) return record
          if (Date.now() > until) throw new Error(`the deliveries record never named ${fulfillmentId}: ${JSON.stringify(record)}`)
          await new Promise((r) => setTimeout(r, 200))
        }
      }

      it("an order shipped in two parcels: each parcel's lines leave through Tryton's shipment and the rest waits; the same event again moves nothing", async () => {
        const orderId = await placeOrder(container, store, { email: `parcels-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 2 }, { title: "Red mug", quantity: 1 }] })
        const create = await waitForSettledSync(container, orderId, "create")
        expect(create.status).toBe("synced")
        const items = await orderItems(container, orderId)
        const first = await shipParcel(container, orderId, [{ id: items.get("Blue shirt")!.id, quantity: 1 }], store.stockLocationId)
        const record = await deliveriesNaming(orderId, first)
        expect(record).toMatchObject({ status: "synced" })
        expect(record.result_summary).toMatch(new RegExp(`^shipped in the ERP: fulfillment ${first} → shipment \\S+: SHIRT-BLUE ×1$`))
        expect(await shipmentsOfSale(create.external_id!)).toEqual([
          { state: "done", reference: `medusa:${first}`, moves: { "SHIRT-BLUE": 1 } },
          { state: "waiting", reference: null, moves: { "MUG-RED": 1, "SHIRT-BLUE": 1 } },
        ])
        // The event again (a redelivery): the revision is the same, nothing runs, nothing moves.
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "deliveries" })
        expect((await waitForSettledSync(container, orderId, "deliveries")).attempts).toBe(record.attempts)

        const second = await shipParcel(container, orderId, [{ id: items.get("Blue shirt")!.id, quantity: 1 }, { id: items.get("Red mug")!.id, quantity: 1 }], store.stockLocationId)
        expect((await deliveriesNaming(orderId, second)).result_summary).toMatch(new RegExp(`fulfillment ${second} → shipment \\S+: MUG-RED ×1, SHIRT-BLUE ×1$`))
        expect(await shipmentsOfSale(create.external_id!)).toEqual([
          { state: "done", reference: `medusa:${first}`, moves: { "SHIRT-BLUE": 1 } },
          { state: "done", reference: `medusa:${second}`, moves: { "MUG-RED": 1, "SHIRT-BLUE": 1 } },
        ])
      })

      it("the item an exchange sends out leaves through the exchange's own sale in Tryton, and comes back against it", async () => {
        const { orderId } = await shippedOrder(`exchange-parcel-${Date.now()}@example.com`, [{ title: "Red mug", quantity: 1 }])
        const { exchangeId } = await exchangeItems(container, orderId, { back: { "Red mug": 1 }, out: [{ variantId: store.variants["Blue shirt"], quantity: 1 }], locationId: store.stockLocationId, shipping: { optionId: store.shippingOptionId, amount: 0 } })
        expect(await waitForSettledSync(container, orderId, "exchanges")).toMatchObject({ status: "synced" })
        const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order_exchange", fields: ["additional_items.item_id"], filters: { id: exchangeId } })
        const itemId = (data[0] as { additional_items: Array<{ item_id: string }> }).additional_items[0].item_id
        const parcel = await shipParcel(container, orderId, [{ id: itemId, quantity: 1 }], store.stockLocationId)
        const record = await deliveriesNaming(orderId, parcel)
        expect(record).toMatchObject({ status: "synced" })
        const [sale] = await salesOf(`medusa:${exchangeId}`)
        expect(await shipmentsOfSale(sale.id)).toEqual([{ state: "done", reference: `medusa:${parcel}/${exchangeId}`, moves: { "SHIRT-BLUE": 1 } }])

        // The customer sends that shirt back: Tryton takes it back against the exchange's sale (the order's sold none).
        const returnId = await returnItems(container, orderId, { "Blue shirt": 1 }, { locationId: store.stockLocationId, receive: true })
        const returned = await waitForSettledSync(container, orderId, "returns")
        expect(returned).toMatchObject({ status: "synced" })
        const tryton = await trytonPeer.session()
        const back = await tryton.model<Array<{ state: string; incoming_moves: number[] }>>("stock.shipment.out.return", "search_read", [["reference", "=", `medusa:${returnId}/${exchangeId}`]], 0, null, null, ["state", "incoming_moves"])
        expect(back.map((r) => r.state)).toEqual(["done"])
      })

      it("a parcel Tryton's warehouse already shipped is refused once, in words naming the order and the SKU", async () => {
        const orderId = await placeOrder(container, store, { email: `shipped-there-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
        const create = await waitForSettledSync(container, orderId, "create")
        await shipInTryton(create.external_id!)
        const items = await orderItems(container, orderId)
        const parcel = await shipParcel(container, orderId, [{ id: items.get("Red mug")!.id, quantity: 1 }], store.stockLocationId)
        const record = await waitForSettledSync(container, orderId, "deliveries")
        expect(record).toMatchObject({ status: "failed", attempts: 1 })
        expect(record.last_error).toMatch(new RegExp(`^Cannot record fulfillment medusa:${parcel} of order #${await displayIdOf(container, orderId)} in Tryton: it shipped MUG-RED ×1, but the waiting shipments of sale \\S+ hold only 0 \\(the rest was shipped or cancelled in Tryton\\)`))
        expect(await shipmentsOfSale(create.external_id!)).toEqual([{ state: "done", reference: null, moves: { "MUG-RED": 1 } }])
      })
    },
  })
})
