import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { ORDER_FIELDS_FOR_ERP } from "../../src/workflows/sync-order-to-erp"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(180_000)

useTrytonConnection()
const ref = (orderId: string) => `medusa:${orderId}`

type Sale = { id: number; number: string | null; state: string; lines: number[]; shipments: number[] }

async function salesFor(orderId: string): Promise<Sale[]> {
  const tryton = await trytonPeer.session()
  return tryton.model<Sale[]>("sale.sale", "search_read", [["reference", "=", ref(orderId)]], 0, null, null, ["id", "number", "state", "lines", "shipments"])
}

/** Tryton's forecast of a SKU in its warehouse: what the adapter's stock check compares with. */
async function forecast(sku: string): Promise<number> {
  const tryton = await trytonPeer.session()
  const [warehouse] = await tryton.model<number[]>("stock.location", "search", [["type", "=", "warehouse"]], 0, 1, null)
  const [product] = await tryton.modelWith<Array<{ forecast_quantity: number }>>({ locations: [warehouse] }, "product.product", "search_read", [["code", "=", sku]], 0, 1, null, ["forecast_quantity"])
  return product.forecast_quantity
}

describeWithTryton()("backorders → Tryton ERP (real trytond over JSON-RPC)", () => {
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        // Medusa sells the shirt whatever its stock (none here); the mug only from its stock, which it has.
        store = await seedStore(container, [
          { title: "Blue shirt", sku: "SHIRT-BLUE", price: 20, stock: 0, allowBackorder: true },
          { title: "Red mug", sku: "MUG-RED", price: 9.5, stock: 1000 },
        ])
      })

      it("sends a line beyond Tryton's forecast on a variant that allows backorders as a backorder: Tryton's sale has the quantity, the record says what was backordered with Tryton's figure", async () => {
        const before = await forecast("SHIRT-BLUE")
        const quantity = before + 5
        const orderId = await placeOrder(container, store, { email: `backorder-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity }] })
        try {
          const query = container.resolve(ContainerRegistrationKeys.QUERY)
          const { data: [order] } = await query.graph({ entity: "order", fields: ORDER_FIELDS_FOR_ERP, filters: { id: orderId } })
          // What the sync reads through Medusa's order item ↔ variant link.
          expect(order.items?.[0]?.variant).toMatchObject({ allow_backorder: true, manage_inventory: true })

          const record = await waitForSettledSync(container, orderId, "create")
          const sales = await salesFor(orderId)
          expect(sales).toHaveLength(1)
          const [sale] = sales
          expect(record).toMatchObject({ status: "synced", attempts: 1, external_id: String(sale.id), last_error: null })
          expect(record.result_summary).toBe(`created sale ${sale.number} (processing). SHIRT-BLUE ×${quantity} backordered: Tryton can ship ${before} (forecast in the warehouse).`)
          // Tryton took the sale as any other (confirmed and processed); its shipment waits for the stock.
          expect(sale.state).toBe("processing")
          const tryton = await trytonPeer.session()
          const lines = await tryton.model<Array<{ product: number | null; quantity: number }>>("sale.line", "read", sale.lines, ["product", "quantity"])
          expect(lines.filter((l) => l.product !== null).map((l) => l.quantity)).toEqual([quantity])
          const shipments = await tryton.model<Array<{ state: string }>>("stock.shipment.out", "read", sale.shipments, ["state"])
          expect(shipments.map((s) => s.state)).toEqual(["waiting"])
          expect(await forecast("SHIRT-BLUE")).toBe(-5)
        } finally {
          // The shirt's forecast is every suite's: the backorder's stock is given back.
          const erp = hub(container).getProvider("erp", "erp")
          for (const sale of await salesFor(orderId)) await erp.cancelSalesOrder(String(sale.id))
        }
        expect(await forecast("SHIRT-BLUE")).toBe(before)
      })

      it("still refuses a line beyond Tryton's forecast on a variant without backorders, permanently and in words, and creates no sale", async () => {
        const quantity = (await forecast("MUG-RED")) + 5
        const orderId = await placeOrder(container, store, { email: `no-backorder-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity }] })
        const record = await waitForSettledSync(container, orderId, "create")
        expect(record).toMatchObject({ status: "failed", attempts: 1, last_error_code: "insufficient_stock", next_attempt_at: null, external_id: null })
        expect(record.last_error).toMatch(
          new RegExp(`^Cannot sync order #\\d+ to erp: it wants ${quantity} of SKU 'MUG-RED', but Tryton can ship ${quantity - 5} \\(forecast in the warehouse\\)\\. Receive stock in Tryton, or turn off orderChecks\\.stock for this connection, then retry\\.$`)
        )
        expect(await salesFor(orderId)).toHaveLength(0)
      })
    },
  })
})
