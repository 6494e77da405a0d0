import { IntegrationError } from "../../src/lib/errors"
import type { ErpDeliveryInput, ErpSalesOrderInput } from "../../src/providers/types"
import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import { buildProvider } from "../../src/testing/erp-contract"
import { describeWithTryton, trytonPeer } from "../helpers/tryton-env"
import { keepTrytonAsFound } from "../helpers/tryton-restore"
import { shipmentsOfSale as shipmentsOf } from "../helpers/tryton-sales"

jest.setTimeout(60_000)

describeWithTryton()("Tryton deliveries: the lines Medusa shipped leave through the sale's shipment (real trytond)", () => {
  // Its cases ship goods: the suites after it read the seeded quantities.
  keepTrytonAsFound()
  const state = trytonPeer.readState()!
  const adapter = () => buildProvider(TrytonErpProvider, { url: state.url, database: state.database, username: state.username, password: state.password, invoiceMethod: "manual" }).provider
  const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`
  const address = { name: "Ana Lima", street: "Rua Augusta 3", city: "Lisboa", postalCode: "1100-048", countryCode: "PT" }

  /** A sale of 3 red mugs and 1 blue shirt, processed by Tryton: one waiting shipment of both. */
  async function sale(provider: TrytonErpProvider): Promise<string> {
    const customer = await provider.upsertCustomer({ email: `ana-${unique()}@example.com`, name: "Ana Lima", phone: null, shippingAddress: address, billingAddress: address })
    const input: ErpSalesOrderInput = {
      reference: `medusa:order_${unique()}`, orderNumber: "5150", customer, currencyCode: "USD", orderDate: new Date().toISOString().slice(0, 10),
      lines: [
        { sku: "MUG-RED", title: "Red mug", quantity: 3, unitPrice: "9.50", netAmount: "28.50", taxes: [] },
        { sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1, unitPrice: "20.00", netAmount: "20.00", taxes: [] },
      ],
      shipping: [], total: "48.50", checks: { stock: true, priceTolerancePercent: null },
    }
    return (await provider.createSalesOrder(input)).externalId
  }
  const delivery = (saleId: string, lines: Array<[string, number]>): ErpDeliveryInput => ({
    saleExternalId: saleId, orderNumber: "5150", reference: `medusa:ful_${unique()}`, date: new Date().toISOString().slice(0, 10),
    lines: lines.map(([sku, quantity]) => ({ sku, title: sku, quantity })),
  })
  const onHand = async (provider: TrytonErpProvider) => Object.fromEntries(Object.entries(await provider.getStockLevels(["MUG-RED", "SHIRT-BLUE"])).map(([sku, l]) => [sku, l.onHand]))

  it("ships one mug of three: that shipment is done with our reference, Tryton waits with the rest; the same fulfillment again moves nothing; the second parcel ships the rest", async () => {
    const provider = adapter()
    const saleId = await sale(provider)
    const before = await onHand(provider)
    const first = delivery(saleId, [["MUG-RED", 1]])

    const shipped = await provider.recordDelivery(first)
    expect(shipped).toMatchObject({ created: true, shipments: [{ externalId: expect.any(String) }] })
    expect(await shipmentsOf(saleId)).toEqual([
      { state: "done", reference: first.reference, moves: { "MUG-RED": 1 } },
      { state: "waiting", reference: null, moves: { "MUG-RED": 2, "SHIRT-BLUE": 1 } },
    ])
    expect(await onHand(provider)).toEqual({ "MUG-RED": before["MUG-RED"] - 1, "SHIRT-BLUE": before["SHIRT-BLUE"] })

    expect(await provider.recordDelivery(first)).toEqual({ created: false, shipments: shipped.shipments })
    expect(await shipmentsOf(saleId)).toHaveLength(2)

    const second = delivery(saleId, [["SHIRT-BLUE", 1], ["MUG-RED", 2]])
    await provider.recordDelivery(second)
    expect((await shipmentsOf(saleId)).map((s) => [s.state, s.reference, s.moves])).toEqual([
      ["done", first.reference, { "MUG-RED": 1 }],
      ["done", second.reference, { "MUG-RED": 2, "SHIRT-BLUE": 1 }],
    ])
    const tryton = await trytonPeer.session()
    const [row] = await tryton.model<Array<{ shipment_state: string }>>("sale.sale", "read", [Number(saleId)], ["shipment_state"])
    expect(row.shipment_state).toBe("sent")
    expect(await onHand(provider)).toEqual({ "MUG-RED": before["MUG-RED"] - 3, "SHIRT-BLUE": before["SHIRT-BLUE"] - 1 })
  })

  it("a shipment Tryton already assigned is taken back to waiting and ships only the lines Medusa shipped", async () => {
    const provider = adapter()
    const saleId = await sale(provider)
    const tryton = await trytonPeer.session()
    const [{ shipments }] = await tryton.model<Array<{ shipments: number[] }>>("sale.sale", "read", [Number(saleId)], ["shipments"])
    await tryton.model("stock.shipment.out", "assign_force", shipments)
    const parcel = delivery(saleId, [["SHIRT-BLUE", 1]])
    await provider.recordDelivery(parcel)
    expect(await shipmentsOf(saleId)).toEqual([
      { state: "done", reference: parcel.reference, moves: { "SHIRT-BLUE": 1 } },
      { state: "waiting", reference: null, moves: { "MUG-RED": 3 } },
    ])
  })

  it("more than the sale's waiting shipments hold is refused, naming the order and the SKU, and nothing moves", async () => {
    const provider = adapter()
    const saleId = await sale(provider)
    const before = await shipmentsOf(saleId)
    const err = await provider.recordDelivery(delivery(saleId, [["MUG-RED", 4]])).then(() => null, (e: unknown) => e as IntegrationError)
    expect(err).toBeInstanceOf(IntegrationError)
    expect(err).toMatchObject({ retryable: false, code: "tryton_delivery_mismatch" })
    expect(err!.message).toMatch(/^Cannot record fulfillment medusa:ful_\w+ of order #5150 in Tryton: it shipped MUG-RED ×4, but the waiting shipments of sale #?\S+ hold only 3 \(the rest was shipped or cancelled in Tryton\)\./)
    expect(await shipmentsOf(saleId)).toEqual(before)
  })
})
