import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { changeShippingAddress, editOrder } from "../../demo/app/after-checkout"
import { DEMO_ADDRESS, placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { requestEffect } from "../../src/sync/engine"
import { sweepMissingSyncs } from "../../src/sync/sweep"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { liveSales, shipInTryton } from "../helpers/tryton-sales"
import { hub, waitForSettledSync } from "../helpers/sync"
import { keepTrytonAsFound } from "../helpers/tryton-restore"

jest.setTimeout(180_000)

useTrytonConnection()

type Sale = { id: number; number: string; state: string; reference: string; total_amount: { decimal: string }; shipment_address: number; lines: number[] }

/** The order's live sales in Tryton (its own reference and its replacements'), with total and lines by SKU. */
async function salesOf(orderId: string) {
  const tryton = await trytonPeer.session()
  const refs = await tryton.model<Array<{ reference: string }>>("sale.sale", "search_read", [["reference", "like", `medusa:${orderId}%`]], 0, null, null, ["reference"])
  const live = await liveSales([...new Set(refs.map((r) => r.reference))])
  return Promise.all(live.map(async ({ id }) => {
    const [sale] = await tryton.model<Sale[]>("sale.sale", "read", [id], ["id", "number", "state", "reference", "total_amount", "shipment_address", "lines"])
    const lines = await tryton.model<Array<{ product: number | null; quantity: number }>>("sale.line", "read", sale.lines, ["product", "quantity"])
    const products = await tryton.model<Array<{ id: number; code: string }>>("product.product", "read", lines.flatMap((l) => (l.product ? [l.product] : [])), ["code"])
    const code = new Map(products.map((p) => [p.id, p.code]))
    const [address] = await tryton.model<Array<{ street: string }>>("party.address", "read", [sale.shipment_address], ["street"])
    return { ...sale, total: sale.total_amount.decimal, street: address.street, lines: Object.fromEntries(lines.filter((l) => l.product).map((l) => [code.get(l.product!), l.quantity])) }
  }))
}

async function orderTotal(container: MedusaContainer, orderId: string): Promise<string> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["total"], filters: { id: orderId } })
  return Number((data[0] as { total: number }).total).toFixed(2)
}

describeWithTryton()("order edits → the real Tryton ERP", () => {
  keepTrytonAsFound()
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
      })

      async function placedAndSynced(email: string) {
        const orderId = await placeOrder(container, store, { email, items: [{ title: "Blue shirt", quantity: 2 }] })
        expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ status: "synced" })
        return orderId
      }

      it("an edit (a quantity lowered, an item added) makes the order's one live sale total Medusa's new total, with its lines; the same edit again runs nothing", async () => {
        const orderId = await placedAndSynced(`edit-${Date.now()}@example.com`)
        const [before] = await salesOf(orderId)
        expect(before.lines).toEqual({ "SHIRT-BLUE": 2 })

        await editOrder(container, orderId, { quantities: { "Blue shirt": 1 }, add: [{ variantId: store.variants["Red mug"], quantity: 3 }] })
        const edit = await waitForSettledSync(container, orderId, "edit")
        const total = await orderTotal(container, orderId)
        const sales = await salesOf(orderId)
        expect(sales).toHaveLength(1)
        expect(sales[0]).toMatchObject({ total, lines: { "SHIRT-BLUE": 1, "MUG-RED": 3 }, reference: `medusa:${orderId}/replaces-${before.id}` })
        expect(edit).toMatchObject({ status: "synced", external_id: String(sales[0].id), external_number: sales[0].number })
        expect(edit.result_summary).toContain(`MUG-RED added (×3); SHIRT-BLUE ×2 → ×1`)
        expect(edit.result_summary).toContain(`replaces sale ${before.number}`)
        // The order's create record points at the sale that replaced the first: payments and reconciliation use it.
        const [create] = await hub(container).listSyncRecords({ entity_id: orderId, operation: "create" })
        expect(create).toMatchObject({ status: "synced", external_id: String(sales[0].id) })

        // Delivered again (and swept): the same content, nothing runs.
        await container.resolve(Modules.EVENT_BUS).emit({ name: "order-edit.confirmed", data: { order_id: orderId } })
        await requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "edit" })
        await sweepMissingSyncs(container)
        await new Promise((r) => setTimeout(r, 1_000))
        expect(await hub(container).listSyncRuns({ sync_record_id: edit.id })).toHaveLength(1)
        expect(await salesOf(orderId)).toHaveLength(1)
      })

      it("a corrected shipping address (order.updated) reaches the sale; an update that changes nothing the sale says leaves it", async () => {
        const orderId = await placedAndSynced(`address-${Date.now()}@example.com`)
        const [before] = await salesOf(orderId)
        await changeShippingAddress(container, orderId, { ...DEMO_ADDRESS, address_1: "7 Quay Lane" })
        const edit = await waitForSettledSync(container, orderId, "edit")
        const [after, ...more] = await salesOf(orderId)
        expect(more).toHaveLength(0)
        expect(after).toMatchObject({ street: "7 Quay Lane", total: before.total, lines: before.lines })
        expect(edit).toMatchObject({ status: "synced", external_id: String(after.id) })
        expect(edit.result_summary).toContain("the customer's e-mail or an address")

        // Metadata only: Medusa emits order.updated, the sale's content is the same, so the edit record does not run again.
        const { updateOrderWorkflow } = await import("@medusajs/medusa/core-flows")
        await updateOrderWorkflow(container).run({ input: { id: orderId, user_id: "test", metadata: { note: "gift" } } })
        await new Promise((r) => setTimeout(r, 1_500))
        expect(await hub(container).listSyncRuns({ sync_record_id: edit.id })).toHaveLength(1)
      })

      it("an edit Tryton cannot follow (the sale has shipped) fails once, in words naming the sale and what to do; the replacement sale is cancelled again and the order keeps its one sale", async () => {
        const orderId = await placedAndSynced(`shipped-${Date.now()}@example.com`)
        const [before] = await salesOf(orderId)
        await shipInTryton(before.id)

        await editOrder(container, orderId, { quantities: { "Blue shirt": 3 } })
        const edit = await waitForSettledSync(container, orderId, "edit")
        expect(edit).toMatchObject({ status: "failed", attempts: 1, next_attempt_at: null })
        expect(edit.last_error).toBe(
          `The order was edited in Medusa, but erp did not follow: Cannot cancel sale #${before.number} in Tryton: it has already been packed or shipped. Handle it in Tryton (return or credit note).`
        )
        // Compensation: the sale made from the edited order was cancelled again; the create record points at the old one.
        const live = await salesOf(orderId)
        expect(live.map((s) => s.id)).toEqual([before.id])
        const [create] = await hub(container).listSyncRecords({ entity_id: orderId, operation: "create" })
        expect(create.external_id).toBe(String(before.id))
      })
    },
  })
})
