import { IntegrationError } from "../lib/errors"
import type { ErpProvider, ErpReturnInput, ErpReturnLine, ErpSalesOrderInput } from "../providers/types"
import { contractInputs, ErpContractSubject, failure, unique } from "./erp-contract-fixtures"

type ReturnsProvider = ErpProvider & Required<Pick<ErpProvider, "createReturn" | "receiveReturn" | "cancelReturn">>

/**
 * The return cases of the ERP contract: one return per Medusa return, received into stock, refused in words when it
 * takes back what the sale did not sell. Each case passes without checking anything for a provider without returns
 * (the hub skips returns for it, saying so on the order).
 */
export function describeReturnCases(subject: ErpContractSubject): void {
  const { product } = subject
  const { saleInput } = contractInputs(subject)
  const withReturns = (erp: ErpProvider): erp is ReturnsProvider => !!(erp.createReturn && erp.receiveReturn && erp.cancelReturn)
  /** A sale of two units of the product, made in the ERP and delivered (where the subject can deliver it). */
  const sold = async (erp: ErpProvider) => {
    const input = await saleInput(erp)
    const sale = await erp.createSalesOrder(input)
    await subject.deliver?.(sale.externalId)
    return { input, sale }
  }
  const returnOf = (input: ErpSalesOrderInput, saleExternalId: string, lines: ErpReturnLine[]): ErpReturnInput => ({
    saleExternalId, orderNumber: input.orderNumber, reference: `medusa:return_${unique()}`, lines, date: input.orderDate,
  })
  const units = (quantity: number): ErpReturnLine[] => [{ sku: product.sku, title: product.title, quantity }]
  const expectRefusal = (err: unknown, ...named: string[]) => {
    expect(err).toBeInstanceOf(IntegrationError)
    expect(err).toMatchObject({ retryable: false })
    for (const text of named) expect((err as Error).message).toContain(text)
  }

  describe("returns (when the provider makes them)", () => {
    it("makes one return per reference for part of a sale, found the second time; receiving it takes the units into stock, once", async () => {
      const erp = subject.provider()
      if (!withReturns(erp)) return
      const { input, sale } = await sold(erp)
      const onHand = async () => (subject.readStock ? (await subject.readStock(product.sku)).onHand : null)
      const before = await onHand()
      const ret = returnOf(input, sale.externalId, units(1))
      const first = await erp.createReturn(ret)
      expect(first).toMatchObject({ created: true, state: "draft" })
      expect(await erp.createReturn(ret)).toEqual({ ...first, created: false })

      const received = await erp.receiveReturn(first.externalId, ret)
      expect(received).toMatchObject({ externalId: first.externalId, state: "done", created: false })
      expect(await erp.receiveReturn(first.externalId, ret)).toEqual(received)
      expect(await erp.createReturn(ret)).toEqual(received)
      if (before !== null) expect(await onHand()).toBe(before + 1)
      // Its goods are in stock: cancelling it is refused, in words.
      expectRefusal(await failure(erp.cancelReturn(first.externalId)))
      if (before !== null) expect(await onHand()).toBe(before + 1)
    })

    it("refuses a return of more units than the sale has left after its other returns, naming the order and the line; what is left is taken", async () => {
      const erp = subject.provider()
      if (!withReturns(erp)) return
      const { input, sale } = await sold(erp)
      const first = await erp.createReturn(returnOf(input, sale.externalId, units(1)))
      expect(first.created).toBe(true)
      const tooMany = returnOf(input, sale.externalId, units(2))
      expectRefusal(await failure(erp.createReturn(tooMany)), input.orderNumber, product.title, product.sku)
      // Nothing was made under its reference: the unit that is left is a new return.
      expect(await erp.createReturn({ ...tooMany, lines: units(1) })).toMatchObject({ created: true, state: "draft" })
    })

    it("refuses a SKU the sale did not sell, naming it, and makes nothing", async () => {
      const erp = subject.provider()
      if (!withReturns(erp)) return
      const { input, sale } = await sold(erp)
      const sku = `NOT-SOLD-${unique().toUpperCase()}`
      const ret = returnOf(input, sale.externalId, [...units(1), { sku, title: "Ghost item", quantity: 1 }])
      expectRefusal(await failure(erp.createReturn(ret)), input.orderNumber, "Ghost item", sku)
      expect(await erp.createReturn({ ...ret, lines: units(1) })).toMatchObject({ created: true })
    })

    it("cancels a draft return; a second cancel is a success", async () => {
      const erp = subject.provider()
      if (!withReturns(erp)) return
      const { input, sale } = await sold(erp)
      const ret = await erp.createReturn(returnOf(input, sale.externalId, units(2)))
      expect(await erp.cancelReturn(ret.externalId)).toMatchObject({ externalId: ret.externalId, state: "cancelled" })
      expect(await erp.cancelReturn(ret.externalId)).toMatchObject({ externalId: ret.externalId, state: "cancelled" })
    })
  })
}
