import { buildProvider } from "../../src/testing/erp-contract"
import { OdooErpProvider } from "../../src/providers/erp-odoo/service"
import type { ErpDeliveryInput, ErpSalesOrderInput } from "../../src/providers/types"
import { OdooTestServer, startOdooTestServer } from "./server"
import * as Staff from "./staff"

jest.setTimeout(30_000)

const address = { name: "Mia Berg", street: "Storgatan 1", city: "Stockholm", postalCode: "111 22", countryCode: "PT" }
let seq = 0

// Shipping with Odoo: the lines Medusa shipped leave through the sale's delivery (a backorder keeps the rest), and
// the deliveries Odoo's warehouse validated are listed for ERP-side fulfilment. Odoo 17 (JSON-RPC) and 19 (JSON-2).
for (const [protocol, version] of [["jsonrpc", 17], ["json2", 19]] as const) {
  describe(`Odoo ${version} adapter (${protocol}): deliveries and shipments`, () => {
    let odoo: OdooTestServer
    const ids: Record<string, number> = {}
    beforeAll(async () => {
      odoo = await startOdooTestServer({ version })
      ids.mug = odoo.seed("product.product", { name: "Red mug", default_code: "MUG-RED", list_price: 9.5, qty_available: 20, virtual_available: 20 })
      ids.shirt = odoo.seed("product.product", { name: "Blue shirt", default_code: "SHIRT-BLUE", list_price: 20, qty_available: 20, virtual_available: 20 })
      ids.stock = odoo.seed("stock.location", { name: "WH/Stock", usage: "internal", location_id: odoo.seed("stock.location", { name: "WH", usage: "view" }) })
      odoo.seed("stock.warehouse", { name: "San Francisco", code: "WH", lot_stock_id: ids.stock })
    })
    afterAll(() => odoo.close())

    const provider = () => buildProvider(OdooErpProvider, { url: odoo.url, database: odoo.database, apiKey: odoo.apiKey, protocol, ...(protocol === "jsonrpc" ? { username: odoo.login } : {}) }).provider
    async function sell(erp: OdooErpProvider, lines: Array<[string, number]>): Promise<{ saleId: string; reference: string }> {
      const customer = await erp.upsertCustomer({ email: `ship-${++seq}@example.com`, name: "Mia Berg", phone: null, shippingAddress: address, billingAddress: address })
      const input: ErpSalesOrderInput = {
        reference: `medusa:order_ship_${version}_${++seq}`, orderNumber: "82", customer, currencyCode: "USD", orderDate: "2026-11-22", shipping: [], checks: { stock: false, priceTolerancePercent: null },
        lines: lines.map(([sku, quantity]) => ({ sku, title: sku, quantity, unitPrice: "10.00", netAmount: (10 * quantity).toFixed(2), taxes: [] })),
        total: lines.reduce((n, [, q]) => n + 10 * q, 0).toFixed(2),
      }
      return { saleId: (await erp.createSalesOrder(input)).externalId, reference: input.reference }
    }
    const parcel = (saleExternalId: string, lines: Array<[string, number]>): ErpDeliveryInput => ({
      saleExternalId, orderNumber: "82", reference: `medusa:ful_${version}_${++seq}`, date: "2026-11-30", lines: lines.map(([sku, quantity]) => ({ sku, title: sku, quantity })),
    })
    /** The sale's deliveries, oldest first: state, Source Document and what each moves (done moves: what left). */
    const deliveries = (saleId: string) =>
      odoo.rows("stock.picking").filter((p) => p.sale_id === Number(saleId) && p.picking_type_code === "outgoing").sort((a, b) => (a.id as number) - (b.id as number)).map((p) => ({
        state: p.state, origin: p.origin, backorder: !!p.backorder_id,
        moves: Object.fromEntries(odoo.rows("stock.move").filter((m) => m.picking_id === p.id && m.state !== "cancel").map((m) => [odoo.rows("product.product").find((x) => x.id === m.product_id)!.default_code, m.state === "done" ? m.quantity : m.product_uom_qty])),
      }))
    const onHand = (id: number) => Number(odoo.rows("product.product").find((p) => p.id === id)!.qty_available)

    it("ships one mug of three and no shirt: the delivery is validated with those units, a backorder keeps the rest; the same parcel again moves nothing", async () => {
      const erp = provider()
      const { saleId } = await sell(erp, [["MUG-RED", 3], ["SHIRT-BLUE", 1]])
      const [mugs, shirts] = [onHand(ids.mug), onHand(ids.shirt)]
      const [sale] = odoo.rows("sale.order").filter((o) => o.id === Number(saleId))
      const first = parcel(saleId, [["MUG-RED", 1]])
      const shipped = await erp.recordDelivery(first)
      expect(shipped).toMatchObject({ created: true, shipments: [{ number: expect.stringMatching(/^WH\/OUT\/\d{5}$/) }] })
      expect(deliveries(saleId)).toEqual([
        { state: "done", origin: `${String(sale.name)} [${first.reference}]`, backorder: false, moves: { "MUG-RED": 1 } },
        // Odoo copies the transfer for its backorder, Source Document included.
        { state: "assigned", origin: `${String(sale.name)} [${first.reference}]`, backorder: true, moves: { "MUG-RED": 2, "SHIRT-BLUE": 1 } },
      ])
      expect([onHand(ids.mug), onHand(ids.shirt)]).toEqual([mugs - 1, shirts])
      expect(await erp.recordDelivery(first)).toEqual({ ...shipped, created: false })
      expect(deliveries(saleId)).toHaveLength(2)

      const second = parcel(saleId, [["SHIRT-BLUE", 1], ["MUG-RED", 2]])
      await erp.recordDelivery(second)
      expect(deliveries(saleId).map((d) => [d.state, d.origin, d.moves])).toEqual([
        ["done", `${String(sale.name)} [${first.reference}]`, { "MUG-RED": 1 }],
        ["done", `${String(sale.name)} [${second.reference}]`, { "MUG-RED": 2, "SHIRT-BLUE": 1 }],
      ])
      expect([onHand(ids.mug), onHand(ids.shirt)]).toEqual([mugs - 3, shirts - 1])
    })

    it("refuses more than the open deliveries hold, naming the order and the SKU, and validates nothing", async () => {
      const erp = provider()
      const { saleId } = await sell(erp, [["MUG-RED", 1]])
      const before = deliveries(saleId)
      const err = await erp.recordDelivery(parcel(saleId, [["MUG-RED", 2]])).then(() => null, (e: unknown) => e as Error & { retryable?: boolean })
      expect(err?.message).toMatch(/^Cannot record fulfillment medusa:ful_\S+ of order #82 in Odoo: it shipped MUG-RED ×2, but the open deliveries of sale order \S+ hold only 1/)
      expect(err?.retryable).toBe(false)
      expect(deliveries(saleId)).toEqual(before)
    })

    it("lists the deliveries the warehouse validated, by sale, with the carrier's tracking number; not returns, not open ones; pages by id", async () => {
      const erp = provider()
      const notBefore = new Date(Date.now() - 60_000).toISOString()
      const a = await sell(erp, [["MUG-RED", 2]])
      const b = await sell(erp, [["SHIRT-BLUE", 1]])
      const open = await sell(erp, [["SHIRT-BLUE", 1]])
      const carrier = odoo.seed("delivery.carrier", { name: "DHL Express" })
      const deliveryA = Staff.deliveryOf(odoo, a.saleId)
      odoo.update("stock.picking", deliveryA.id as number, { carrier_id: carrier, carrier_tracking_ref: "JD014600006281230000" })
      await Staff.deliver(odoo, a.saleId)
      await Staff.deliver(odoo, b.saleId)
      // A return of A's delivery, received: an incoming transfer, done, of the same sale line — never a shipment.
      const receipts = odoo.rows("stock.picking.type").find((t) => t.code === "incoming")!
      const back = odoo.seed("stock.picking", { name: "WH/IN/09999", picking_type_id: receipts.id, state: "done", location_id: deliveryA.location_dest_id, location_dest_id: deliveryA.location_id, sale_id: Number(a.saleId), date_done: "2026-12-01 10:00:00", write_date: "2099-01-01 00:00:00" })
      const soldMove = odoo.rows("stock.move").find((m) => m.picking_id === deliveryA.id)!
      odoo.seed("stock.move", { product_id: ids.mug, product_uom_qty: 1, quantity: 1, state: "done", picking_id: back, location_id: deliveryA.location_dest_id, location_dest_id: deliveryA.location_id, sale_line_id: soldMove.sale_line_id, origin_returned_move_id: soldMove.id })

      // A page of one transfer at a time, through every one validated since (the other cases' too).
      const pages = [await erp.listShipmentsDone({ changedSince: null, notBefore, after: null, limit: 1 })]
      while (pages.at(-1)!.next) pages.push(await erp.listShipmentsDone({ changedSince: null, notBefore, after: pages.at(-1)!.next, limit: 1 }))
      expect(pages.every((p) => p.shipments.length <= 1)).toBe(true)
      const ours = pages.flatMap((p) => p.shipments).filter((s) => [a.reference, b.reference, open.reference].includes(s.saleReference))
      expect(ours).toEqual([
        { externalId: String(deliveryA.id), number: deliveryA.name, saleReference: a.reference, doneAt: expect.any(String), trackingNumber: "JD014600006281230000", carrier: "DHL Express", lines: [{ sku: "MUG-RED", quantity: 2 }] },
        { externalId: expect.any(String), number: expect.stringMatching(/^WH\/OUT\//), saleReference: b.reference, doneAt: expect.any(String), trackingNumber: null, carrier: null, lines: [{ sku: "SHIRT-BLUE", quantity: 1 }] },
      ])
      expect(pages.map((p) => p.next).filter(Boolean)).toContain(String(deliveryA.id))
      expect(Number.isNaN(Date.parse(pages[0].cursor))).toBe(false)
    })
  })
}
