import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { IInventoryService, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { importInventoryNow } from "../../src/sync/inventory-schedule"
import { importInventoryPageWorkflow } from "../../src/workflows/import-inventory-from-erp"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { hub, waitForSettledSync } from "../helpers/sync"
import { adminHeaders } from "../helpers/admin"

type Res = { status: number; data: Record<string, unknown> }
type Api = { post: (url: string, body?: unknown, config?: unknown) => Promise<Res>; get: (url: string, config?: unknown) => Promise<Res> }
const settle = (p: Promise<Res>) => p.catch((err: { response?: Res }) => { if (err.response) return err.response; throw err })

jest.setTimeout(180_000)

useTrytonConnection()

type Session = Awaited<ReturnType<typeof trytonPeer.session>>

/** Tryton's stock of a product in the first warehouse: on hand and forecast. */
async function trytonStock(tryton: Session, sku: string): Promise<{ id: number; quantity: number; forecast_quantity: number }> {
  const [warehouse] = await tryton.model<number[]>("stock.location", "search", [["type", "=", "warehouse"]], 0, 1, [["id", "ASC"]])
  const [row] = await tryton.modelWith<Array<{ id: number; quantity: number; forecast_quantity: number }>>(
    { locations: [warehouse] }, "product.product", "search_read", [["code", "=", sku]], 0, 1, null, ["id", "quantity", "forecast_quantity"]
  )
  return row
}

/** Moves `quantity` of the product into the warehouse's storage from the supplier (as a purchase would), or back when negative. */
async function moveStock(tryton: Session, productId: number, quantity: number) {
  const [supplier] = await tryton.model<number[]>("stock.location", "search", [["type", "=", "supplier"]], 0, 1, null)
  const [storage] = await tryton.model<number[]>("stock.location", "search", [["code", "=", "STO"]], 0, 1, null)
  const [unit] = await tryton.model<number[]>("product.uom", "search", [["symbol", "=", "u"]], 0, 1, null)
  const [from, to] = quantity > 0 ? [supplier, storage] : [storage, supplier]
  const [move] = await tryton.model<number[]>("stock.move", "create", [{ product: productId, from_location: from, to_location: to, quantity: Math.abs(quantity), uom: unit, unit_price: { __class__: "Decimal", decimal: "1" }, currency: 1 }])
  await tryton.model("stock.move", "do", [move])
}

/**
 * Puts the product's on-hand quantity back to what it was, so that this suite leaves the shared Tryton as it found
 * it: other suites read the seeded quantities.
 */
async function restoreOnHand(tryton: Session, sku: string, onHand: number) {
  const now = await trytonStock(tryton, sku)
  if (onHand !== now.quantity) await moveStock(tryton, now.id, onHand - now.quantity)
}

/** Ships a sale's customer shipments in Tryton: assigned, picked, packed, done. */
async function shipInTryton(tryton: Session, orderId: string) {
  const [sale] = await tryton.model<Array<{ shipments: number[] }>>("sale.sale", "search_read", [["reference", "=", `medusa:${orderId}`]], 0, 1, null, ["shipments"])
  for (const step of ["assign_force", "pick", "pack", "done"]) await tryton.model("stock.shipment.out", step, sale.shipments)
  const shipments = await tryton.model<Array<{ state: string }>>("stock.shipment.out", "read", sale.shipments, ["state"])
  expect(shipments.map((s) => s.state)).toEqual(sale.shipments.map(() => "done"))
}

describeWithTryton()("stock from the real Tryton ERP into Medusa", () => {
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer, api: rawApi }) => {
      const api = rawApi as Api
      let container: MedusaContainer
      let store: SeededStore
      let tryton: Session

      let shirtOnHand: number
      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
        tryton = await trytonPeer.session()
        shirtOnHand = (await trytonStock(tryton, "SHIRT-BLUE")).quantity
      })
      afterEach(() => restoreOnHand(tryton, "SHIRT-BLUE", shirtOnHand))

      const itemId = async (sku: string) => (await container.resolve<IInventoryService>(Modules.INVENTORY).listInventoryItems({ sku }))[0].id
      const level = async (sku: string) => {
        const inventory = container.resolve<IInventoryService>(Modules.INVENTORY)
        const item = { id: await itemId(sku) }
        const [l] = await inventory.listInventoryLevels({ inventory_item_id: item.id, location_id: store.stockLocationId })
        return { stocked: Number(l.stocked_quantity), reserved: Number(l.reserved_quantity), available: Number(l.stocked_quantity) - Number(l.reserved_quantity) }
      }

      it("a full import sets Medusa's stock to Tryton's forecast and names the SKUs on one side only; a stock move reaches Medusa at the next, incremental import", async () => {
        const full = await importInventoryNow(container, { full: true })
        expect(full).toMatchObject({ status: "synced", connection_id: "erp", entity_type: "inventory", entity_id: "erp", operation: "import" })
        expect(full!.result_summary).toMatch(/^full import to Main warehouse: \d+ level\(s\) changed, 0 created, \d+ unchanged; only in Medusa \(not in the ERP, left as they are\): 1 SKU\(s\) \(HAT-GHOST\)/)
        const shirt = await trytonStock(tryton, "SHIRT-BLUE")
        expect((await level("SHIRT-BLUE")).stocked).toBe(Math.floor(shirt.forecast_quantity))
        expect((await level("MUG-RED")).stocked).toBe(Math.floor((await trytonStock(tryton, "MUG-RED")).forecast_quantity))
        expect((await level("HAT-GHOST")).stocked).toBe(1000)

        await moveStock(tryton, shirt.id, 7)
        const mark = new Date()
        const next = await importInventoryNow(container)
        expect(next!.result_summary).toMatch(/^changes since \S+ to Main warehouse: 1 level\(s\) changed, 0 created, \d+ unchanged$/)
        expect((await level("SHIRT-BLUE")).stocked).toBe(Math.floor(shirt.forecast_quantity) + 7)
        // An incremental import reads the moves changed since the last one, not every product.
        const calls = (await hub(container).listIntegrationLogs({ connection_id: "erp", sync_record_id: next!.id, created_at: { $gte: mark } })).map((l) => l.operation)
        expect(calls).toEqual(expect.arrayContaining([expect.stringContaining("stock.move")]))
      })

      it("what Medusa still sells equals what Tryton can: orders synced, one shipped in Tryton, one Tryton has not heard of, counted once each", async () => {
        const email = () => `stock-${Date.now()}-${Math.random().toString(36).slice(2)}@example.com`
        // Enough in Tryton for these orders whatever earlier suites sold (Tryton checks its forecast before it confirms a sale).
        const stock = await trytonStock(tryton, "SHIRT-BLUE")
        await moveStock(tryton, stock.id, Math.max(10, 10 - Math.floor(stock.forecast_quantity)))
        const synced: string[] = []
        for (let i = 0; i < 3; i++) {
          const id = await placeOrder(container, store, { email: email(), items: [{ title: "Blue shirt", quantity: 2 }] })
          expect(await waitForSettledSync(container, id, "create")).toMatchObject({ status: "synced" })
          synced.push(id)
        }
        await shipInTryton(tryton, synced[0])
        // Tryton refuses this one (it has no Ghost hat): Medusa reserves its shirt, Tryton does not count it.
        const inFlight = await placeOrder(container, store, { email: email(), items: [{ title: "Blue shirt", quantity: 1 }, { title: "Ghost hat", quantity: 1 }] })
        expect(await waitForSettledSync(container, inFlight, "create")).toMatchObject({ status: "failed", last_error_code: "unknown_sku" })

        expect(await importInventoryNow(container, { full: true })).toMatchObject({ status: "synced" })
        const shirt = await trytonStock(tryton, "SHIRT-BLUE")
        const medusa = await level("SHIRT-BLUE")
        expect(medusa.reserved).toBe(7)
        expect(medusa.available).toBe(Math.floor(shirt.forecast_quantity) - 1)
        // Importing again changes nothing.
        expect((await importInventoryNow(container))!.result_summary).toMatch(/: 0 level\(s\) changed/)
      })

      it("a page whose write cannot be finished leaves Medusa's levels as they were (Medusa's own compensation)", async () => {
        const before = await level("SHIRT-BLUE")
        const workflow = importInventoryPageWorkflow(container)
        workflow.insertActionAfter("batch-inventory-item-levels-workflow-as-step", "inject-failure", {
          invoke: async () => {
            throw new Error("injected failure after the levels were written")
          },
        })
        const { errors } = await workflow.run({
          input: { connection_id: "erp", location_id: store.stockLocationId, levels: [{ sku: "SHIRT-BLUE", onHand: 3, forecast: 3 }], shadow: false },
          throwOnError: false,
        })
        expect(errors[0].error.message).toContain("injected failure")
        expect(await level("SHIRT-BLUE")).toEqual(before)
        expect(await hub(container).listErpStockLevels({ sku: "SHIRT-BLUE", location_id: store.stockLocationId })).toEqual([])
      })

      it("the admin cannot change stock the ERP owns: a clear refusal, nothing changed, a conflict recorded; a SKU the ERP does not know stays editable", async () => {
        const auth = await adminHeaders(container, rawApi as Parameters<typeof adminHeaders>[1])
        const imported = await api.post("/admin/integrations/inventory/import", { full: true }, auth)
        expect(imported.data.sync_record).toMatchObject({ status: "synced" })
        const before = await level("SHIRT-BLUE")
        const shirt = await itemId("SHIRT-BLUE")

        const refused = await settle(api.post(`/admin/inventory-items/${shirt}/location-levels/${store.stockLocationId}`, { stocked_quantity: before.stocked + 50 }, auth))
        expect(refused.status).toBe(400)
        expect(refused.data.message).toBe(
          `The stock of SKU SHIRT-BLUE at Main warehouse (${before.stocked} from the ERP, ${before.stocked + 50} asked) comes from ERP connection "erp" (sourceOfTruth.inventory = "erp"): change it in the ERP; the next import (POST /admin/integrations/inventory/import) brings it here. Nothing was changed; the attempt is recorded as a conflict.`
        )
        const bulk = await settle(api.post("/admin/inventory-items/location-levels/batch", { update: [{ inventory_item_id: shirt, location_id: store.stockLocationId, stocked_quantity: 1 }] }, auth))
        expect(bulk.status).toBe(400)
        expect(await level("SHIRT-BLUE")).toEqual(before)

        const { data } = await api.get(`/admin/integrations/conflicts?entity=inventory&entity_id=${shirt}`, auth)
        expect(data.count).toBe(2)
        expect(data.conflicts).toEqual([
          expect.objectContaining({ field: `stocked_quantity@${store.stockLocationId}`, attempted_by: "medusa", winner: "erp", rule: 'sourceOfTruth.inventory = "erp"', winning_value: String(before.stocked), losing_value: "1", actor_id: expect.stringMatching(/^user_/) }),
          expect.objectContaining({ losing_value: String(before.stocked + 50), winning_at: expect.any(String), losing_at: expect.any(String) }),
        ])

        // Saving the ERP's own value, and any edit of a SKU the ERP does not know, go through.
        expect((await api.post(`/admin/inventory-items/${shirt}/location-levels/${store.stockLocationId}`, { stocked_quantity: before.stocked }, auth)).status).toBe(200)
        const hat = await itemId("HAT-GHOST")
        expect((await api.post(`/admin/inventory-items/${hat}/location-levels/${store.stockLocationId}`, { stocked_quantity: 12 }, auth)).status).toBe(200)
        expect((await level("HAT-GHOST")).stocked).toBe(12)

        const { data: matrix } = await api.get("/admin/integrations/source-of-truth", auth)
        expect(matrix.source_of_truth).toEqual(expect.arrayContaining([
          { entity: "inventory", field: null, owner: "erp", connections: ["erp"], enforced: expect.stringContaining("refused and recorded as conflicts") },
          { entity: "order", field: null, owner: "medusa", connections: [], enforced: null },
        ]))
      })
    },
  })
})
