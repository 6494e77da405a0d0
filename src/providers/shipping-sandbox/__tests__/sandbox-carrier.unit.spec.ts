import { buildProvider } from "../../../testing/erp-contract"
import type { LabelRequest } from "../../types"
import { SandboxCarrierProvider } from "../service"

const address = { name: "Jane Doe", company: null, phone: "+1 207 555 0134", street: "12 Harbour Street", city: "Portland", province: "ME", postalCode: "04101", countryCode: "US" }
const request = (reference: string): LabelRequest => ({
  from: { ...address, name: "Main warehouse" }, to: address, parcels: [{ weightGrams: 1500 }], currencyCode: "USD",
  reference, subject: { orderId: "order_1", fulfillmentId: "ful_1" }, carrierId: "se-sandbox-post", serviceCode: "standard",
})

describe("sandbox carrier", () => {
  it("rates by started kilogram, cheapest first", async () => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    const rates = await provider.getRates(request("x"))
    expect(rates.map((r) => [r.serviceCode, r.amount, r.deliveryDays])).toEqual([["standard", "6.90", 4], ["express", "14.90", 1]])
  })

  it("buys one label per reference, voids it until it is scanned, and refuses an address a carrier cannot use", async () => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    const first = await provider.createLabel(request("medusa:ful_1"))
    expect(await provider.createLabel(request("medusa:ful_1"))).toEqual({ ...first, created: false })
    expect(await provider.getTracking(first.labelId)).toMatchObject({ trackingNumber: first.trackingNumber, status: "pending" })
    expect(await provider.voidLabel(first.labelId)).toEqual({ voided: true, summary: `label ${first.labelId} voided` })
    const second = await provider.createLabel(request("medusa:ful_1"))
    expect(second).toMatchObject({ created: true })
    expect(second.labelId).not.toBe(first.labelId)
    await expect(provider.getRates({ ...request("y"), to: { ...address, phone: null } })).rejects.toThrow("Cannot ship with the sandbox carrier: the customer's shipping address has no phone number (ship_to)")
  })
})
