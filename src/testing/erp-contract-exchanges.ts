import { MathBN } from "@medusajs/framework/utils"
import { contractInputs, ErpContractSubject } from "./erp-contract-fixtures"

/**
 * The exchange cases of the ERP contract: the sale of an exchange or a claim carries what it takes back as credits
 * (`ErpSalesOrderInput.credits`), lines without stock at a negative amount, so its total is what the customer owes
 * for the exchange; read back, its lines are its products only.
 */
export function describeExchangeCases(subject: ErpContractSubject): void {
  const { product } = subject
  const { saleInput } = contractInputs(subject)

  describe("exchanges' sales", () => {
    it("books a credit for goods taken back: the sale comes to Medusa's total, its lines read back without the credit", async () => {
      const erp = subject.provider()
      const input = await saleInput(erp)
      const credit = MathBN.div(input.lines[0].netAmount, 2).toFixed(input.total.split(".")[1]?.length ?? 0)
      const exchange = { ...input, credits: [{ title: `Returned in exchange #1: ${product.title} ×1`, netAmount: credit, taxes: [] }], total: MathBN.sub(input.total, credit).toFixed(input.total.split(".")[1]?.length ?? 0) }
      const sale = await erp.createSalesOrder(exchange)
      expect(sale).toMatchObject({ created: true, reference: input.reference })
      expect((await subject.readSale(sale.externalId)).total).toBe(exchange.total)
      if (erp.getSalesOrder) expect((await erp.getSalesOrder(sale.externalId))?.lines).toEqual([{ sku: product.sku, quantity: 2 }])
      expect(await erp.createSalesOrder(exchange)).toMatchObject({ created: false, externalId: sale.externalId })
    })

    it("books a credit that brings the sale to exactly nothing owed", async () => {
      const erp = subject.provider()
      const input = await saleInput(erp)
      const exchange = { ...input, credits: [{ title: `Returned in exchange #2: ${product.title} ×2`, netAmount: input.lines[0].netAmount, taxes: [] }], total: MathBN.convert(0).toFixed(input.total.split(".")[1]?.length ?? 0) }
      const sale = await erp.createSalesOrder(exchange)
      expect(MathBN.eq((await subject.readSale(sale.externalId)).total, 0)).toBe(true)
    })
  })
}
