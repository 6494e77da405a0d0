import { IntegrationError } from "../../src/lib/errors"
import type { ErpReturnInput, ErpReturnLine, ErpSalesOrderInput } from "../../src/providers/types"
import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import { buildProvider } from "../../src/testing/erp-contract"
import { describeWithTryton, trytonPeer } from "../helpers/tryton-env"
import { keepTrytonAsFound } from "../helpers/tryton-restore"

jest.setTimeout(60_000)

type Decimal = { decimal: string }
type SaleRow = {
  id: number; state: string; shipment_state: string; party: number; shipment_address: number; warehouse: number; currency: number
  moves: number[]; shipments: number[]; "party.": { customer_location: number }; "warehouse.": { input_location: number; storage_location: number }
  "lines.": Array<{ id: number; moves: number[]; unit_price: Decimal; "product.": { code: string } }>
}
type ReturnRow = {
  id: number; reference: string; state: string; customer: number; delivery_address: number; warehouse: number
  "incoming_moves.": Array<{ state: string; quantity: number; from_location: number; to_location: number; unit_price: Decimal; currency: number; origin: string; "product.": { code: string } }>
  "inventory_moves.": Array<{ state: string; quantity: number; to_location: number; "product.": { code: string } }>
}

describeWithTryton()("Tryton customer returns (real trytond)", () => {
  // Its cases ship and return goods: the suites after it read the seeded quantities.
  keepTrytonAsFound()
  const state = trytonPeer.readState()!
  const adapter = () => buildProvider(TrytonErpProvider, { url: state.url, database: state.database, username: state.username, password: state.password, invoiceMethod: "manual" })
  const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const address = { name: "Rita Mendes", street: "Rua do Ouro 7", city: "Lisboa", postalCode: "1100-060", countryCode: "PT" }

  /** A sale of 3 red mugs and 1 blue shirt, made through the adapter (confirmed and processed by Tryton). */
  async function sale(provider: TrytonErpProvider): Promise<{ input: ErpSalesOrderInput; id: string }> {
    const customer = await provider.upsertCustomer({ email: `rita-${unique()}@example.com`, name: "Rita Mendes", phone: null, shippingAddress: address, billingAddress: address })
    const input: ErpSalesOrderInput = {
      reference: `medusa:order_${unique()}`, orderNumber: "4711", customer, currencyCode: "USD", orderDate: new Date().toISOString().slice(0, 10),
      lines: [
        { sku: "MUG-RED", title: "Red mug", quantity: 3, unitPrice: "9.50", netAmount: "25.65", taxes: [] },
        { sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1, unitPrice: "20.00", netAmount: "20.00", taxes: [] },
      ],
      shipping: [], total: "45.65", checks: { stock: true, priceTolerancePercent: null },
    }
    const created = await provider.createSalesOrder(input)
    expect(created.state).toBe("processing")
    return { input, id: created.externalId }
  }
  const returnOf = (input: ErpSalesOrderInput, saleId: string, lines: ErpReturnLine[]): ErpReturnInput => ({
    saleExternalId: saleId, orderNumber: input.orderNumber, reference: `medusa:return_${unique()}`, lines, date: input.orderDate,
  })
  const mugs = (quantity: number): ErpReturnLine => ({ sku: "MUG-RED", title: "Red mug", quantity })

  async function readSale(id: string): Promise<SaleRow> {
    const tryton = await trytonPeer.session()
    const fields = ["state", "shipment_state", "party", "shipment_address", "warehouse", "currency", "moves", "shipments", "party.customer_location", "warehouse.input_location", "warehouse.storage_location", "lines.moves", "lines.unit_price", "lines.product.code"]
    return (await tryton.model<SaleRow[]>("sale.sale", "read", [Number(id)], fields))[0]
  }
  async function readReturn(id: string): Promise<ReturnRow> {
    const tryton = await trytonPeer.session()
    const moves = ["state", "quantity", "from_location", "to_location", "unit_price", "currency", "origin", "product.code"].map((f) => `incoming_moves.${f}`)
    const inventory = ["state", "quantity", "to_location", "product.code"].map((f) => `inventory_moves.${f}`)
    return (await tryton.model<ReturnRow[]>("stock.shipment.out.return", "read", [Number(id)], ["reference", "state", "customer", "delivery_address", "warehouse", ...moves, ...inventory]))[0]
  }
  /** Ships the sale's delivery in Tryton (forced assignment, picked, packed, done): the goods left the warehouse. */
  async function ship(saleId: string): Promise<void> {
    const tryton = await trytonPeer.session()
    const { shipments } = await readSale(saleId)
    for (const button of ["wait", "assign_force", "pick", "pack", "done"]) await tryton.model("stock.shipment.out", button, shipments)
  }
  const bySku = <T extends { "product.": { code: string } }>(rows: T[]) => Object.fromEntries(rows.map((r) => [r["product."].code, r]))
  const refusal = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as IntegrationError)

  it("makes a customer return shipment of the sale's customer, address and warehouse, priced as the sale; receiving it counts the units in stock and leaves the sale as it was", async () => {
    const { provider, logs } = adapter()
    const { input, id } = await sale(provider)
    await ship(id)
    const shipped = await readSale(id)
    expect({ state: shipped.state, shipment_state: shipped.shipment_state }).toEqual({ state: "done", shipment_state: "sent" })
    const before = await provider.getStockLevels(["MUG-RED", "SHIRT-BLUE"])
    const { cursor } = await provider.listStockLevels({ changedSince: null, after: null, limit: 1 })
    logs.length = 0

    const ret = returnOf(input, id, [mugs(2), { sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1 }])
    const made = await provider.createReturn(ret)
    expect(made).toMatchObject({ created: true, state: "draft", number: expect.any(String) })
    const draft = await readReturn(made.externalId)
    expect(draft).toMatchObject({ reference: ret.reference, state: "draft", customer: shipped.party, delivery_address: shipped.shipment_address, warehouse: shipped.warehouse })
    const lines = bySku(shipped["lines."])
    const deliveryOf = (sku: string) => `stock.move,${lines[sku].moves[0]}`
    const common = { state: "draft", from_location: shipped["party."].customer_location, to_location: shipped["warehouse."].input_location, currency: shipped.currency }
    expect(bySku(draft["incoming_moves."])).toEqual({
      "MUG-RED": { ...common, quantity: 2, unit_price: lines["MUG-RED"].unit_price, origin: deliveryOf("MUG-RED"), id: expect.any(Number), "product.": { code: "MUG-RED", id: expect.any(Number) } },
      "SHIRT-BLUE": { ...common, quantity: 1, unit_price: lines["SHIRT-BLUE"].unit_price, origin: deliveryOf("SHIRT-BLUE"), id: expect.any(Number), "product.": { code: "SHIRT-BLUE", id: expect.any(Number) } },
    })
    expect(lines["MUG-RED"].unit_price.decimal).toBe("8.5500")

    expect(await provider.receiveReturn(made.externalId, ret)).toEqual({ ...made, state: "done", created: false })
    const done = await readReturn(made.externalId)
    expect(done.state).toBe("done")
    expect(done["incoming_moves."].map((m) => m.state)).toEqual(["done", "done"])
    expect(bySku(done["inventory_moves."])).toMatchObject({
      "MUG-RED": { state: "done", quantity: 2, to_location: shipped["warehouse."].storage_location },
      "SHIRT-BLUE": { state: "done", quantity: 1, to_location: shipped["warehouse."].storage_location },
    })

    // Not the sale's moves: its shipped quantities and state stay (no shipment exception, nothing to ship again).
    const after = await readSale(id)
    expect({ state: after.state, shipment_state: after.shipment_state, moves: after.moves, shipments: after.shipments }).toEqual({ state: "done", shipment_state: "sent", moves: shipped.moves, shipments: shipped.shipments })

    const levels = await provider.getStockLevels(["MUG-RED", "SHIRT-BLUE"])
    expect(levels).toEqual({
      "MUG-RED": { onHand: before["MUG-RED"].onHand + 2, forecast: before["MUG-RED"].forecast + 2 },
      "SHIRT-BLUE": { onHand: before["SHIRT-BLUE"].onHand + 1, forecast: before["SHIRT-BLUE"].forecast + 1 },
    })
    const changed = await provider.listStockLevels({ changedSince: cursor, after: null, limit: 500 })
    expect(changed.levels.find((l) => l.sku === "MUG-RED")).toEqual({ sku: "MUG-RED", ...levels["MUG-RED"] })
    // Staff read every call in words in the log drawer.
    expect(logs.map((l) => l.operation).filter((o) => provider.describeCall(o) === null)).toEqual([])
  })

  it("finishes a return a run left received, and refuses to cancel it: Tryton's cancel would keep its goods in stock", async () => {
    const { provider } = adapter()
    const { input, id } = await sale(provider)
    const before = (await provider.getStockLevels(["MUG-RED"]))["MUG-RED"]
    const ret = returnOf(input, id, [mugs(1)])
    const made = await provider.createReturn(ret)
    const tryton = await trytonPeer.session()
    await tryton.model("stock.shipment.out.return", "receive", [Number(made.externalId)])
    expect((await readReturn(made.externalId)).state).toBe("received")
    expect((await provider.getStockLevels(["MUG-RED"]))["MUG-RED"].onHand).toBe(before.onHand + 1)

    const err = await refusal(provider.cancelReturn(made.externalId))
    expect(err).toMatchObject({ code: "return_done", retryable: false })
    expect(err.message).toContain(`Cannot cancel customer return #${made.number} (${ret.reference}) in Tryton: it is received, its goods are in the warehouse's input location`)
    expect(err.message).toContain("make an outgoing move in Tryton")
    expect(await provider.receiveReturn(made.externalId, ret)).toMatchObject({ state: "done" })
    expect((await provider.getStockLevels(["MUG-RED"]))["MUG-RED"]).toEqual({ onHand: before.onHand + 1, forecast: before.forecast + 1 })
    expect(await refusal(provider.cancelReturn(made.externalId))).toMatchObject({ code: "return_done" })
  })

  it("refuses, in words, a return against a cancelled sale and against a sale Tryton has not processed, a SKU not sold and more units than are left", async () => {
    const { provider } = adapter()
    const { input, id } = await sale(provider)
    const first = await provider.createReturn(returnOf(input, id, [mugs(2)]))
    const left = await refusal(provider.createReturn(returnOf(input, id, [mugs(2)])))
    expect(left).toMatchObject({ code: "return_exceeds_sold", retryable: false })
    expect(left.message).toMatch(/^Cannot record return medusa:return_\S+ of order #4711 in Tryton: line 'Red mug' \(SKU 'MUG-RED'\) takes back 2 unit\(s\), but sale #\S+ sold 3 and its other returns took back 2, so at most 1 can come back\. Correct the quantity/)
    const ghost = await refusal(provider.createReturn(returnOf(input, id, [{ sku: "HAT-GHOST", title: "Ghost hat", quantity: 1 }])))
    expect(ghost).toMatchObject({ code: "return_not_sold" })
    expect(ghost.message).toContain("of order #4711 in Tryton: line 'Ghost hat' (SKU 'HAT-GHOST') was not sold on sale #")
    // A cancelled return gives its units back.
    await provider.cancelReturn(first.externalId)
    expect(await provider.createReturn(returnOf(input, id, [mugs(3)]))).toMatchObject({ created: true })

    const other = await sale(provider)
    await provider.cancelSalesOrder(other.id)
    const cancelled = await refusal(provider.createReturn(returnOf(other.input, other.id, [mugs(1)])))
    expect(cancelled).toMatchObject({ code: "return_sale_cancelled", retryable: false })
    expect(cancelled.message).toContain("of order #4711 in Tryton: its sale #")

    const tryton = await trytonPeer.session()
    const customer = await provider.upsertCustomer({ email: `rita-${unique()}@example.com`, name: "Rita Mendes", phone: null, shippingAddress: address, billingAddress: address })
    const [mug] = await tryton.model<Array<{ id: number; default_uom: number }>>("product.product", "search_read", [["code", "=", "MUG-RED"]], 0, 1, null, ["default_uom"])
    const [draftId] = await tryton.model<number[]>("sale.sale", "create", [{
      party: Number(customer.externalId), invoice_address: Number(customer.billingAddressId), shipment_address: Number(customer.shippingAddressId),
      lines: [["create", [{ type: "line", product: mug.id, quantity: 1, unit: mug.default_uom, unit_price: { __class__: "Decimal", decimal: "9.50" } }]]],
    }])
    const unprocessed = await refusal(provider.createReturn(returnOf(input, String(draftId), [mugs(1)])))
    expect(unprocessed).toMatchObject({ code: "return_sale_unprocessed", retryable: false })
    expect(unprocessed.message).toContain("Tryton has not processed its sale id")
    expect(unprocessed.message).toContain("(state draft), so it has no delivery to take goods back against. Process the sale in Tryton")
  })

  it("replaces a draft found by reference with other lines, refuses a done one with other lines, and keeps one return when two runs make it at once", async () => {
    const { provider } = adapter()
    const { input, id } = await sale(provider)
    const ret = returnOf(input, id, [mugs(1)])
    const first = await provider.createReturn(ret)
    const second = await provider.createReturn({ ...ret, lines: [mugs(3)] })
    expect(second).toMatchObject({ created: true, state: "draft" })
    expect(second.externalId).not.toBe(first.externalId)
    expect((await readReturn(first.externalId)).state).toBe("cancelled")
    await provider.receiveReturn(second.externalId, ret)
    const mismatch = await refusal(provider.createReturn(ret))
    expect(mismatch).toMatchObject({ code: "tryton_return_mismatch", retryable: false })
    expect(mismatch.message).toContain(`its customer return #${second.number} is already done with other lines (MUG-RED × 3, not MUG-RED × 1)`)

    const again = await sale(provider)
    const both = returnOf(again.input, again.id, [mugs(1)])
    const [a, b] = await Promise.all([provider.createReturn(both), provider.createReturn(both)])
    expect(a.externalId).toBe(b.externalId)
    const tryton = await trytonPeer.session()
    expect(await tryton.model("stock.shipment.out.return", "search", [["reference", "=", both.reference], ["state", "!=", "cancelled"]], 0, null, null)).toEqual([Number(a.externalId)])
  })
})
