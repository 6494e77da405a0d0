import { IntegrationError } from "../lib/errors"
import { contractInputs, ErpContractSubject, failure } from "./erp-contract-fixtures"

/**
 * The order-edit cases of the ERP contract: the hub carries an edit by making the edited order's sale under a
 * replacement reference, then cancelling the old one (revise-erp-sale). Every ERP must take the second sale at the
 * edited total to the cent, and refuse, in words, to cancel a sale whose goods have left.
 */
export function describeEditCases(subject: ErpContractSubject): void {
  const { product } = subject
  const { saleInput } = contractInputs(subject)

  describe("order edits", () => {
    it("an edit's replacement sale, then the old one cancelled: one live sale, at the edited total to the cent, with the edited lines", async () => {
      const erp = subject.provider()
      const input = await saleInput(erp)
      const old = await erp.createSalesOrder(input)
      // Three units now, 10 % off the lot: a total with cents the ERP must reach exactly.
      const net = (Number(product.unitPrice) * 3 * 0.9).toFixed(2)
      const edited = { ...input, reference: `${input.reference}/replaces-${old.externalId}`, lines: [{ ...input.lines[0], quantity: 3, netAmount: net }], total: net }
      const replacement = await erp.createSalesOrder(edited)
      expect(replacement).toMatchObject({ created: true, reference: edited.reference })
      expect(await erp.cancelSalesOrder(old.externalId)).toMatchObject({ state: "cancelled" })
      expect(await erp.findSalesOrderByReference(input.reference)).toBeNull()
      expect(await erp.findSalesOrderByReference(edited.reference)).toMatchObject({ externalId: replacement.externalId })
      expect((await subject.readSale(replacement.externalId)).total).toBe(net)
      if (erp.getSalesOrder) expect((await erp.getSalesOrder(replacement.externalId))?.lines).toEqual([{ sku: product.sku, quantity: 3 }])
    })

    it("refuses to cancel a sale whose goods have left (so an edit cannot replace it): permanent, in words naming the sale; it stays live", async () => {
      const erp = subject.provider()
      if (!subject.deliver) return
      const input = await saleInput(erp)
      const sale = await erp.createSalesOrder(input)
      await subject.deliver(sale.externalId)
      const err = await failure(erp.cancelSalesOrder(sale.externalId))
      expect(err).toBeInstanceOf(IntegrationError)
      expect(err).toMatchObject({ retryable: false })
      expect((err as Error).message).toContain(sale.number ?? sale.externalId)
      expect(await erp.findSalesOrderByReference(input.reference)).toMatchObject({ externalId: sale.externalId })
    })
  })
}
