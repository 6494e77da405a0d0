import { IntegrationError } from "../lib/errors"
import type { ErpDeliveryInput, ErpProvider } from "../providers/types"
import { contractInputs, ErpContractSubject, failure, unique } from "./erp-contract-fixtures"

type DeliveriesProvider = ErpProvider & Required<Pick<ErpProvider, "recordDelivery">>

/**
 * The delivery cases of the ERP contract: the lines of each parcel Medusa shipped leave through the sale's shipment,
 * once per reference, the rest left for the next parcel; more than the sale holds is refused in words. Each case
 * passes without checking anything for a provider without deliveries (the hub skips them, saying so on the order).
 */
export function describeDeliveryCases(subject: ErpContractSubject): void {
  const { product } = subject
  const { saleInput } = contractInputs(subject)
  const withDeliveries = (erp: ErpProvider): erp is DeliveriesProvider => !!erp.recordDelivery
  const parcel = (saleExternalId: string, orderNumber: string, quantity: number): ErpDeliveryInput => ({
    saleExternalId, orderNumber, reference: `medusa:ful_${unique()}`, date: new Date().toISOString().slice(0, 10),
    lines: [{ sku: product.sku, title: product.title, quantity }],
  })

  describe("deliveries (when the provider records them)", () => {
    it("ships a sale's two units in two parcels: each once per reference, found the second time; a third unit is refused, naming the order and the SKU", async () => {
      const erp = subject.provider()
      if (!withDeliveries(erp)) return
      const input = await saleInput(erp)
      expect(input.lines.find((l) => l.sku === product.sku)?.quantity).toBe(2)
      const sale = await erp.createSalesOrder(input)
      const onHand = async () => (subject.readStock ? (await subject.readStock(product.sku)).onHand : null)
      const before = await onHand()

      const first = parcel(sale.externalId, input.orderNumber, 1)
      const shipped = await erp.recordDelivery(first)
      expect(shipped.created).toBe(true)
      expect(shipped.shipments.length).toBeGreaterThan(0)
      expect(await erp.recordDelivery(first)).toEqual({ ...shipped, created: false })
      if (before !== null) expect(await onHand()).toBe(before - 1)

      const second = await erp.recordDelivery(parcel(sale.externalId, input.orderNumber, 1))
      expect(second.created).toBe(true)
      expect(second.shipments.map((s) => s.externalId)).not.toEqual(shipped.shipments.map((s) => s.externalId))
      if (before !== null) expect(await onHand()).toBe(before - 2)

      const err = await failure(erp.recordDelivery(parcel(sale.externalId, input.orderNumber, 1)))
      expect(err).toBeInstanceOf(IntegrationError)
      expect(err).toMatchObject({ retryable: false })
      for (const text of [`order #${input.orderNumber}`, product.sku]) expect((err as Error).message).toContain(text)
      if (before !== null) expect(await onHand()).toBe(before - 2)
    })
  })
}
