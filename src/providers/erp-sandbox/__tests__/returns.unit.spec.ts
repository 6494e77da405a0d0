import { IntegrationError } from "../../../lib/errors"
import { buildProvider, memoryStateStore } from "../../../testing/build-provider"
import type { ErpReturnInput } from "../../types"
import { SandboxErpProvider } from "../service"

/** A sandbox ERP with 10 shirts on hand and a sale of 2 shirts and 1 mug. */
async function soldShirts() {
  const { provider: erp } = buildProvider(SandboxErpProvider, { stock: { SHIRT: 10 } }, { state: memoryStateStore() })
  const address = { name: "Jane", street: "1 Way", city: "Porto", postalCode: null, countryCode: "PT" }
  const customer = await erp.upsertCustomer({ email: "jane@example.com", name: "Jane", phone: null, shippingAddress: address, billingAddress: address })
  const line = (sku: string, quantity: number) => ({ sku, title: sku === "SHIRT" ? "Blue shirt" : "Red mug", quantity, unitPrice: "10.00", netAmount: String(10 * quantity), taxes: [] })
  const sale = await erp.createSalesOrder({
    reference: "medusa:order_1", orderNumber: "12", customer, currencyCode: "EUR", orderDate: "2026-12-06", lines: [line("SHIRT", 2), line("MUG", 1)],
    shipping: [], checks: { stock: false, priceTolerancePercent: null }, total: "30.00",
  })
  const ret = (reference: string, lines: ErpReturnInput["lines"]): ErpReturnInput => ({ saleExternalId: sale.externalId, orderNumber: "12", reference, lines, date: "2026-12-06" })
  const onHand = async () => (await erp.getStockLevels(["SHIRT"])).SHIRT.onHand
  return { erp, ret, onHand }
}

describe("sandbox ERP returns", () => {
  it("makes one return per reference, takes its units into stock once when received, and refuses to cancel it then", async () => {
    const { erp, ret, onHand } = await soldShirts()
    const input = ret("medusa:ret_1", [{ sku: "SHIRT", title: "Blue shirt", quantity: 1 }])
    const made = await erp.createReturn(input)
    expect(made).toEqual({ externalId: "ret-1", number: "SBX-RET-00001", state: "draft", created: true })
    expect(await erp.createReturn(input)).toEqual({ ...made, created: false })
    expect(await onHand()).toBe(10)
    expect(await erp.receiveReturn(made.externalId)).toMatchObject({ state: "done" })
    expect(await erp.receiveReturn(made.externalId)).toMatchObject({ state: "done" })
    expect(await onHand()).toBe(11)
    await expect(erp.cancelReturn(made.externalId)).rejects.toThrow("Sandbox return SBX-RET-00001 is done: its goods are in stock and it cannot be cancelled")
  })

  it.each([
    ["a SKU the sale did not sell", [{ sku: "CAP", title: "Cap", quantity: 1 }], "Cannot record the return of order #12: line 'Cap' (SKU CAP) was not sold on sandbox sale SBX-00001. Check the return in Medusa."],
    ["more than the sale has left", [{ sku: "SHIRT", title: "Blue shirt", quantity: 2 }], "Cannot record the return of order #12: 2 of line 'Blue shirt' (SKU SHIRT) came back, but sandbox sale SBX-00001 sold 2 and 1 came back before. Check the return in Medusa."],
  ])("refuses %s, permanently, naming the order and the line", async (_, lines, message) => {
    const { erp, ret } = await soldShirts()
    await erp.createReturn(ret("medusa:ret_1", [{ sku: "SHIRT", title: "Blue shirt", quantity: 1 }]))
    const err = await erp.createReturn(ret("medusa:ret_2", lines)).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IntegrationError)
    expect(err).toMatchObject({ message, retryable: false })
  })

  it("cancels a draft (twice is a success); its units count as not returned again", async () => {
    const { erp, ret, onHand } = await soldShirts()
    const made = await erp.createReturn(ret("medusa:ret_1", [{ sku: "SHIRT", title: "Blue shirt", quantity: 2 }]))
    expect(await erp.cancelReturn(made.externalId)).toMatchObject({ state: "cancelled" })
    expect(await erp.cancelReturn(made.externalId)).toMatchObject({ state: "cancelled" })
    expect(await erp.createReturn(ret("medusa:ret_2", [{ sku: "SHIRT", title: "Blue shirt", quantity: 2 }]))).toMatchObject({ created: true })
    expect(await onHand()).toBe(10)
  })
})
