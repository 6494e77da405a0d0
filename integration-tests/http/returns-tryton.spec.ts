import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { capturePaymentWorkflow, createOrderFulfillmentWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { orderItems, returnItems } from "../../demo/app/after-checkout"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { processSyncRecord, requestEffect } from "../../src/sync/engine"
import { recordReturnsInErpWorkflow } from "../../src/workflows/record-returns-in-erp"
import { createErpReturnsStepId } from "../../src/workflows/record-returns-in-erp/steps/create-erp-returns"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { hub, waitForSettledSync } from "../helpers/sync"
import { keepTrytonAsFound } from "../helpers/tryton-restore"

jest.setTimeout(180_000)

// Invoiced when confirmed, so the payment is registered and a refund credited against the invoice.
useTrytonConnection({ TRYTON_INVOICE_METHOD: "order" })

type ReturnShipment = { id: number; number: string; state: string; reference: string; moves: number[] }

async function returnShipments(reference: string): Promise<Array<ReturnShipment & { units: Record<string, number> }>> {
  const tryton = await trytonPeer.session()
  const rows = await tryton.model<ReturnShipment[]>("stock.shipment.out.return", "search_read", [["reference", "=", reference]], 0, null, null, ["id", "number", "state", "reference", "moves"])
  return Promise.all(rows.map(async (r) => {
    const moves = await tryton.model<Array<{ product: number; quantity: number; to_location: number }>>("stock.move", "read", r.moves, ["product", "quantity", "to_location"])
    const products = await tryton.model<Array<{ id: number; code: string }>>("product.product", "read", [...new Set(moves.map((m) => m.product))], ["code"])
    const code = new Map(products.map((p) => [p.id, p.code]))
    // The incoming moves (customer → warehouse input): what came back, once.
    const input = (await tryton.model<Array<{ input_location: number }>>("stock.location", "search_read", [["type", "=", "warehouse"]], 0, 1, null, ["input_location"]))[0].input_location
    const units: Record<string, number> = {}
    for (const m of moves.filter((m) => m.to_location === input)) units[code.get(m.product)!] = (units[code.get(m.product)!] ?? 0) + m.quantity
    return { ...r, units }
  }))
}

/** Blue shirts on hand in the warehouse, as Tryton counts them. */
async function shirtsOnHand(): Promise<number> {
  const tryton = await trytonPeer.session()
  const [warehouse] = await tryton.model<number[]>("stock.location", "search", [["type", "=", "warehouse"]], 0, 1, null)
  const [row] = await tryton.modelWith<Array<{ quantity: number }>>({ locations: [warehouse] }, "product.product", "search_read", [["code", "=", "SHIRT-BLUE"]], 0, 1, null, ["quantity"])
  return row.quantity
}

/** The party's credit notes in Tryton (customer invoices with a negative total). */
async function creditNotesOfSale(saleId: string): Promise<Array<{ number: string | null; total: string }>> {
  const tryton = await trytonPeer.session()
  const [sale] = await tryton.model<Array<{ party: number }>>("sale.sale", "read", [Number(saleId)], ["party"])
  const invoices = await tryton.model<Array<{ number: string | null; total_amount: { decimal: string } }>>("account.invoice", "search_read", [["party", "=", sale.party], ["type", "=", "out"], ["state", "!=", "cancelled"]], 0, null, null, ["number", "total_amount"])
  return invoices.filter((i) => Number(i.total_amount.decimal) < 0).map((i) => ({ number: i.number, total: i.total_amount.decimal }))
}

describeWithTryton()("returns → the real Tryton ERP", () => {
  keepTrytonAsFound()
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
      })

      /** An order of two Blue shirts, sent to Tryton, paid and shipped: what a customer can send back. */
      async function shippedOrder(email: string) {
        const orderId = await placeOrder(container, store, { email, items: [{ title: "Blue shirt", quantity: 2 }] })
        const create = await waitForSettledSync(container, orderId, "create")
        expect(create.status).toBe("synced")
        const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["payment_collections.payments.id"], filters: { id: orderId } })
        const paymentId = (data[0] as { payment_collections: Array<{ payments: Array<{ id: string }> }> }).payment_collections[0].payments[0].id
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        expect(await waitForSettledSync(container, orderId, "record-payments")).toMatchObject({ status: "synced" })
        const items = [...(await orderItems(container, orderId)).values()].map((i) => ({ id: i.id, quantity: i.quantity }))
        await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items, location_id: store.stockLocationId } })
        return { orderId, saleId: create.external_id!, paymentId }
      }

      it("a received return puts the goods back in Tryton's stock as one customer return, once; its refund is one credit note", async () => {
        const { orderId, saleId, paymentId } = await shippedOrder(`return-${Date.now()}@example.com`)
        const onHand = await shirtsOnHand()

        const returnId = await returnItems(container, orderId, { "Blue shirt": 1 }, { locationId: store.stockLocationId })
        const record = await waitForSettledSync(container, orderId, "returns")
                const [shipment, ...more] = await returnShipments(`medusa:${returnId}`)
        expect(more).toHaveLength(0)
        expect(shipment).toMatchObject({ state: "done", units: { "SHIRT-BLUE": 1 } })
        expect(record).toMatchObject({ status: "synced", external_id: String(shipment.id), external_number: shipment.number })
        expect(record.result_summary).toBe(`goods back in stock: return ${shipment.number}: SHIRT-BLUE ×1`)
        expect(await shirtsOnHand()).toBe(onHand + 1)

        // The event again, and the sweep: the same receipt, nothing more.
        await container.resolve(Modules.EVENT_BUS).emit({ name: "order.return_received", data: { order_id: orderId, return_id: returnId } })
        await new Promise((r) => setTimeout(r, 1_500))
        expect(await hub(container).listSyncRuns({ sync_record_id: record.id })).toHaveLength(1)
        expect(await returnShipments(`medusa:${returnId}`)).toHaveLength(1)

        // Medusa's totals now leave out the returned shirt; the sale keeps it: an order update does not replace the sale.
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "edit" })
        const edit = await waitForSettledSync(container, orderId, "edit")
        expect(edit).toMatchObject({ status: "synced", external_id: null })
        expect(edit.result_summary).toContain("nothing to change")

        // Staff refund the returned shirt: one credit note, by the refund; the return made none.
        expect(await creditNotesOfSale(saleId)).toEqual([])
        await refundPaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 20 } })
        expect(await waitForSettledSync(container, orderId, "record-refunds")).toMatchObject({ status: "synced" })
        expect(await creditNotesOfSale(saleId)).toEqual([expect.objectContaining({ total: "-20.00" })])
      })

      it("a return whose goods Tryton fails to take in is undone: the customer return made is cancelled, nothing enters stock; the retry takes them in", async () => {
        const { orderId } = await shippedOrder(`refused-${Date.now()}@example.com`)
        const onHand = await shirtsOnHand()
        // Received while the connection is in shadow mode: the record is made (skipped), nothing reaches Tryton.
        await hub(container).switches.switchMode("erp", "shadow", "test")
        const returnId = await returnItems(container, orderId, { "Blue shirt": 2 }, { locationId: store.stockLocationId })
        const held = await waitForSettledSync(container, orderId, "returns")
        expect(held).toMatchObject({ status: "skipped", skip_code: "shadow" })
        await hub(container).switches.switchMode("erp", "live", "test")

        const workflow = recordReturnsInErpWorkflow(container)
        workflow.insertActionAfter(createErpReturnsStepId, "inject-failure", {
          invoke: async () => {
            throw new Error("injected: Tryton refused to receive the return")
          },
        })
        const { errors } = await workflow.run({ input: { connection_id: "erp", order_id: orderId, sync_record_id: held.id, time_zone: "UTC" }, throwOnError: false })
        expect(errors[0].error.message).toContain("injected")
        const [undone, ...more] = await returnShipments(`medusa:${returnId}`)
        expect(more).toHaveLength(0)
        expect(undone).toMatchObject({ state: "cancelled", units: { "SHIRT-BLUE": 2 } })
        expect(await shirtsOnHand()).toBe(onHand)

        // The record run again (Retry): a new customer return, done, the two shirts in stock.
        const after = await processSyncRecord(container, held.id, { force: true, trigger: "manual" })
        expect(after).toMatchObject({ status: "synced" })
        const live = (await returnShipments(`medusa:${returnId}`)).filter((r) => r.state !== "cancelled")
        expect(live).toEqual([expect.objectContaining({ state: "done", units: { "SHIRT-BLUE": 2 } })])
        expect(await shirtsOnHand()).toBe(onHand + 2)
      })
    },
  })
})
