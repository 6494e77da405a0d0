import { buildProvider } from "../../src/testing/erp-contract"
import { OdooErpProvider } from "../../src/providers/erp-odoo/service"
import type { ErpReturnInput, ErpSalesOrderInput } from "../../src/providers/types"
import { FaultyHttpClient } from "../helpers/faulty-http"
import { OdooTestServer, startOdooTestServer } from "./server"
import * as Staff from "./staff"

jest.setTimeout(30_000)

const address = { name: "Mia Berg", street: "Storgatan 1", city: "Stockholm", postalCode: "111 22", countryCode: "PT" }
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as Error & { code?: string; retryable?: boolean })
let seq = 0

// Customer returns in the Odoo adapter, against the protocol-faithful server as Odoo 17 (JSON-RPC; the wizard's
// button is create_returns) and 19 (JSON-2; action_create_returns): the return picking of the sale's done delivery.
for (const [protocol, version] of [["jsonrpc", 17], ["json2", 19]] as const) {
  describe(`Odoo ${version} adapter (${protocol}): customer returns`, () => {
    let odoo: OdooTestServer
    const ids: Record<string, number> = {}
    beforeAll(async () => {
      odoo = await startOdooTestServer({ version })
      ids.mug = odoo.seed("product.product", { name: "Red mug", default_code: "MUG-RED", list_price: 9.5, qty_available: 20, virtual_available: 20 })
      ids.shirt = odoo.seed("product.product", { name: "Blue shirt", default_code: "SHIRT-BLUE", list_price: 20, qty_available: 20, virtual_available: 20 })
      ids.stock = odoo.seed("stock.location", { name: "WH/Stock", usage: "internal", location_id: odoo.seed("stock.location", { name: "WH", usage: "view" }) })
      odoo.seed("stock.warehouse", { name: "San Francisco", code: "WH", lot_stock_id: ids.stock })
      odoo.seed("stock.quant", { product_id: ids.mug, location_id: ids.stock, quantity: 20 })
    })
    afterAll(() => odoo.close())

    const provider = (opts: Parameters<typeof buildProvider>[2] = {}) =>
      buildProvider(OdooErpProvider, { url: odoo.url, database: odoo.database, apiKey: odoo.apiKey, protocol, ...(protocol === "jsonrpc" ? { username: odoo.login } : {}) }, opts)
    const button = version === 17 ? "create_returns" : "action_create_returns"

    async function sell(erp: OdooErpProvider, lines: Array<[string, string, number]>) {
      const customer = await erp.upsertCustomer({ email: `ret-${++seq}@example.com`, name: "Mia Berg", phone: null, shippingAddress: address, billingAddress: address })
      const input: ErpSalesOrderInput = {
        reference: `medusa:order_ret_${version}_${++seq}`, orderNumber: "81", customer, currencyCode: "USD", orderDate: "2026-11-22", shipping: [], checks: { stock: false, priceTolerancePercent: null },
        lines: lines.map(([sku, title, quantity]) => ({ sku, title, quantity, unitPrice: "10.00", netAmount: (10 * quantity).toFixed(2), taxes: [] })),
        total: lines.reduce((n, [, , q]) => n + 10 * q, 0).toFixed(2),
      }
      return (await erp.createSalesOrder(input)).externalId
    }
    const pickings = (saleId: string) => odoo.rows("stock.picking").filter((p) => p.sale_id === Number(saleId))
    const deliveryOf = (saleId: string) => Staff.deliveryOf(odoo, saleId)
    const deliver = (saleId: string) => Staff.deliver(odoo, saleId)
    const staff = (model: string, method: string, body: Record<string, unknown>) => Staff.staff(odoo, model, method, body)
    const product = (id: number) => odoo.rows("product.product").find((p) => p.id === id)!
    const quant = () => odoo.rows("stock.quant").find((q) => q.product_id === ids.mug && q.location_id === ids.stock)!.quantity
    const returnOf = (saleExternalId: string, lines: ErpReturnInput["lines"]): ErpReturnInput => ({ saleExternalId, orderNumber: "81", reference: `medusa:return_${version}_${++seq}`, lines, date: "2026-11-30" })
    const mugs = (quantity: number) => [{ sku: "MUG-RED", title: "Red mug", quantity }]
    const withReference = (reference: string) => odoo.rows("stock.picking").filter((p) => String(p.origin).endsWith(`[${reference}]`))

    it("a confirmed sale's delivery, validated, is returned once by reference: a receipt of the delivery's moves, received into stock as the stock import reads it", async () => {
      const { provider: erp, logs } = provider()
      const saleId = await sell(erp, [["MUG-RED", "Red mug", 3]])
      const delivery = deliveryOf(saleId)
      expect([delivery.name, delivery.state, product(ids.mug).virtual_available]).toEqual([expect.stringMatching(/^WH\/OUT\/\d{5}$/), "assigned", 17])
      await deliver(saleId)
      expect([deliveryOf(saleId).state, product(ids.mug).qty_available, quant()]).toEqual(["done", 17, 17])

      const ret = returnOf(saleId, mugs(2))
      const first = await erp.createReturn(ret)
      expect(first).toEqual({ externalId: expect.any(String), number: expect.stringMatching(/^WH\/IN\/\d{5}$/), state: "draft", created: true })
      expect(await erp.createReturn(ret)).toEqual({ ...first, created: false })
      const [picking] = withReference(ret.reference)
      expect(picking).toMatchObject({ id: Number(first.externalId), picking_type_code: "incoming", origin: `Return of ${delivery.name} [${ret.reference}]`, return_id: delivery.id, location_dest_id: ids.stock })
      const [deliveryMove] = odoo.rows("stock.move").filter((m) => m.picking_id === delivery.id)
      expect(odoo.rows("stock.move").filter((m) => m.picking_id === picking.id).map((m) => [m.product_id, m.product_uom_qty, m.origin_returned_move_id])).toEqual([[ids.mug, 2, deliveryMove.id]])
      // Planned to come back: the forecast counts it, on hand not yet.
      expect([product(ids.mug).qty_available, product(ids.mug).virtual_available]).toEqual([17, 19])

      const received = await erp.receiveReturn(first.externalId, ret)
      expect(received).toEqual({ ...first, state: "done", created: false })
      expect(await erp.receiveReturn(first.externalId, ret)).toEqual(received)
      expect(await erp.createReturn(ret)).toEqual(received)
      expect(await erp.getStockLevels(["MUG-RED"])).toEqual({ "MUG-RED": { onHand: 19, forecast: 19 } })
      expect(await erp.getStockLevels(["MUG-RED"], { warehouse: "WH" })).toEqual({ "MUG-RED": { onHand: 19, forecast: 19 } })
      expect(odoo.rows("sale.order.line").find((l) => l.order_id === Number(saleId))!.qty_delivered).toBe(1)
      expect(withReference(ret.reference)).toHaveLength(1)
      expect(logs.map((l) => l.operation)).toContain(`stock.return.picking.${button}`)
      expect(logs.filter((l) => !erp.describeCall(l.operation)).map((l) => l.operation)).toEqual([])
    })

    it("refuses, naming the order and the line, a SKU the sale did not deliver, more units than it delivered less earlier returns, a sale not delivered yet and a cancelled one; nothing is made", async () => {
      const { provider: erp, logs } = provider()
      const saleId = await sell(erp, [["MUG-RED", "Red mug", 3]])
      await deliver(saleId)
      const sale = odoo.rows("sale.order").find((s) => s.id === Number(saleId))!
      await erp.createReturn(returnOf(saleId, mugs(2)))
      const refused = async (input: ErpReturnInput, code: string, words: string) => {
        const before = logs.length
        const err = await failure(erp.createReturn(input))
        expect(err).toMatchObject({ code, retryable: false })
        expect(err.message).toBe(`Cannot record return ${input.reference} of order #81 in Odoo: ${words}`)
        expect(logs.slice(before).map((l) => l.operation).filter((op) => !/search_read$|\.read$/.test(op))).toEqual([])
        expect(withReference(input.reference)).toEqual([])
      }
      await refused(returnOf(saleId, [...mugs(1), { sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1 }]), "return_not_sold",
        `line 'Blue shirt' (SKU 'SHIRT-BLUE') was not delivered by sale order ${sale.name}: Odoo takes back only what the sale's delivery sent. Take the line out of the return in Medusa (only items of the order can come back), then retry.`)
      await refused(returnOf(saleId, mugs(2)), "return_exceeds_sold",
        `line 'Red mug' (SKU 'MUG-RED') takes back 2 unit(s), but sale order ${sale.name} delivered 3 and its other returns took back 2, so at most 1 can come back. Correct the quantity of the return in Medusa (or cancel a mistaken earlier return in Odoo), then retry.`)

      const pending = await sell(erp, [["MUG-RED", "Red mug", 1]])
      const [name, out] = [odoo.rows("sale.order").find((s) => s.id === Number(pending))!.name, deliveryOf(pending).name]
      await refused(returnOf(pending, mugs(1)), "return_not_delivered",
        `line 'Red mug' (SKU 'MUG-RED') has not been delivered yet: Odoo takes goods back only against a done delivery of sale order ${name}, and its delivery ${out} is not done. To record the return, validate ${out} in Odoo first (Inventory › Deliveries), then retry — or, if the goods never left, handle the return in Odoo and mark this return done.`)
      await erp.cancelSalesOrder(pending)
      expect(deliveryOf(pending).state).toBe("cancel")
      await refused(returnOf(pending, mugs(1)), "return_sale_cancelled",
        `its sale order ${name} is cancelled in Odoo, so it delivered nothing to take back. If the goods did arrive, receive them in Odoo by hand, then mark this return done.`)
    })

    it("cancels a draft return (its forecast with it), a second cancel is a success; a done one is refused in words", async () => {
      const { provider: erp } = provider()
      const saleId = await sell(erp, [["MUG-RED", "Red mug", 2]])
      await deliver(saleId)
      const forecast = product(ids.mug).virtual_available
      const draft = await erp.createReturn(returnOf(saleId, mugs(1)))
      expect(product(ids.mug).virtual_available).toBe(Number(forecast) + 1)
      expect(await erp.cancelReturn(draft.externalId)).toEqual({ ...draft, state: "cancelled", created: false })
      expect(await erp.cancelReturn(draft.externalId)).toMatchObject({ state: "cancelled" })
      expect(product(ids.mug).virtual_available).toBe(forecast)
      // The cancelled return took nothing back: both units can still come back.
      const ret = returnOf(saleId, mugs(2))
      const done = await erp.receiveReturn((await erp.createReturn(ret)).externalId, ret)
      const err = await failure(erp.cancelReturn(done.externalId))
      expect(err).toMatchObject({ code: "return_done", retryable: false })
      expect(err.message).toBe(`Cannot cancel return picking ${done.number} in Odoo: it is done, its goods are in the warehouse's stock. If they must leave again, return them in Odoo ("Return" on ${done.number}), then mark this cancellation done.`)
    })

    it.each<[string, "answer-lost" | "before-sending", string]>([
      ["the wizard's answer was lost", "answer-lost", `stock.return.picking.${button}`],
      ["labelling it never reached Odoo", "before-sending", "stock.picking.write"],
    ])("a return picking made but not labelled (%s) is taken on by the retry, not made twice nor counted against the return", async (_, moment, operation) => {
      let http: FaultyHttpClient | undefined
      const { provider: erp } = provider({ httpClient: (config) => (http = new FaultyHttpClient(config)) })
      const saleId = await sell(erp, [["MUG-RED", "Red mug", 2]])
      await deliver(saleId)
      const ret = returnOf(saleId, mugs(2))
      http!.failNext(operation, moment)
      await expect(erp.createReturn(ret)).rejects.toMatchObject({ code: "timeout" })
      const made = await erp.createReturn(ret)
      expect(made).toMatchObject({ created: true, state: "draft" })
      expect(pickings(saleId).filter((p) => p.picking_type_code === "incoming").map((p) => [p.id, p.state])).toEqual([[Number(made.externalId), "assigned"]])
      expect(withReference(ret.reference)).toHaveLength(1)
    })

    it("a return found by its reference with other lines is replaced while not done: the old one cancelled once the new lines pass", async () => {
      const { provider: erp } = provider()
      const saleId = await sell(erp, [["MUG-RED", "Red mug", 3]])
      await deliver(saleId)
      const ret = returnOf(saleId, mugs(1))
      const first = await erp.createReturn(ret)
      // The old return's unit does not count against its replacement: all 3 can come back.
      const second = await erp.createReturn({ ...ret, lines: mugs(3) })
      expect(second).toMatchObject({ created: true, state: "draft" })
      expect(odoo.rows("stock.picking").filter((p) => [first.externalId, second.externalId].includes(String(p.id))).map((p) => p.state)).toEqual(["cancel", "assigned"])
    })

    it("the server answers what Odoo answers: the wizard on a delivery not done, no quantity to return, the other version's button, cancelling a done transfer", async () => {
      const { provider: erp } = provider()
      const saleId = await sell(erp, [["MUG-RED", "Red mug", 1]])
      const context = { active_id: deliveryOf(saleId).id, active_ids: [deliveryOf(saleId).id], active_model: "stock.picking" }
      await expect(staff("stock.return.picking", "create", { vals_list: [{}], context })).rejects.toMatchObject({ name: "odoo.exceptions.UserError", message: "You may only return Done pickings." })
      await deliver(saleId)
      const [wizard] = (await staff("stock.return.picking", "create", { vals_list: [{}], context })) as number[]
      // Odoo 17 proposes what is left to return; 18 and later propose nothing.
      expect(odoo.rows("stock.return.picking.line").filter((l) => l.wizard_id === wizard).map((l) => l.quantity)).toEqual([version === 17 ? 1 : 0])
      const other = version === 17 ? "action_create_returns" : "create_returns"
      await expect(staff("stock.return.picking", other, { ids: [wizard] })).rejects.toMatchObject({ name: "AttributeError" })
      if (version === 19) await expect(staff("stock.return.picking", button, { ids: [wizard] })).rejects.toMatchObject({ message: "Please specify at least one non-zero quantity." })
      await expect(staff("stock.picking", "action_cancel", { ids: [deliveryOf(saleId).id] })).rejects.toMatchObject({
        message: "You cannot cancel a stock move that has been set to 'Done'. Create a return in order to reverse the moves which took place.",
      })
    })

    it("a sale order whose delivery is done is not cancelled (an edit's replacement, an order cancelled in Medusa): refused in words, nothing changed", async () => {
      const { provider: erp } = provider()
      const saleId = await sell(erp, [["SHIRT-BLUE", "Blue shirt", 1]])
      await deliver(saleId)
      const err = await failure(erp.cancelSalesOrder(saleId))
      expect(err).toMatchObject({ code: "odoo_already_delivered", retryable: false })
      expect(err.message).toMatch(/^Cannot cancel sale order S\d+ in Odoo: delivery WH\/OUT\/\d{5} is done, its goods have left the warehouse\. Handle it in Odoo/)
      expect(odoo.rows("sale.order").find((o) => o.id === Number(saleId))!.state).toBe("sale")
    })
  })
}
