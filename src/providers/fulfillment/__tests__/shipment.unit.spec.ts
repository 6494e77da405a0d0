import { shipmentFrom, WeightUnit } from "../shipment"

const to = { first_name: "Jane", last_name: "Doe", address_1: "12 Harbour Street", address_2: "Apt 3", city: "Portland", province: "ME", postal_code: "04101", country_code: "us", phone: "+1 207 555 0134" }
const from = { name: "Main warehouse", address_1: "1 Dock Rd", city: "Newark", province: "NJ", postal_code: "07114", country_code: "us", phone: "+1 973 555 0100" }
const base = { what: "Cannot buy a label for order #7", connectionId: "carrier", to, from, currencyCode: "usd" }

describe("shipmentFrom: a cart or an order as one parcel a carrier can price", () => {
  it.each<[WeightUnit, number, number]>([
    ["g", 250, 500],
    ["kg", 0.25, 500],
    ["lb", 1, 908],
    ["oz", 8, 454],
  ])("weights in %s: two of %d come to %d g", (weightUnit, weight, grams) => {
    const shipment = shipmentFrom({ ...base, weightUnit, lines: [{ title: "Blue shirt", quantity: 2, variant: { title: "M", weight } }] })
    expect(shipment.parcels).toEqual([{ weightGrams: grams }])
  })

  it("maps both addresses: names, the second street line, the upper-case country", () => {
    const shipment = shipmentFrom({ ...base, weightUnit: "g", lines: [{ title: "Red mug", quantity: 1, variant: { weight: 400 } }] })
    expect(shipment.to).toEqual({ name: "Jane Doe", company: null, phone: "+1 207 555 0134", street: "12 Harbour Street\nApt 3", city: "Portland", province: "ME", postalCode: "04101", countryCode: "US" })
    expect(shipment.from).toMatchObject({ name: "Main warehouse", countryCode: "US" })
    expect(shipment.currencyCode).toBe("USD")
  })

  it.each<[string, Parameters<typeof shipmentFrom>[0]["lines"], string]>([
    ["no weight", [{ title: "Blue shirt", quantity: 1, variant: { title: "M", weight: null } }], "variant 'Blue shirt / M' has no weight. Give it one in Medusa (in g), then retry."],
    ["a zero weight", [{ title: "Red mug", quantity: 1, variant: { title: "Red mug", weight: 0 } }], "variant 'Red mug' has no weight. Give it one in Medusa (in g), then retry."],
  ])("refuses a line with %s, naming the order and the variant", (_, lines, words) => {
    expect(() => shipmentFrom({ ...base, weightUnit: "g", lines })).toThrow(`Cannot buy a label for order #7: ${words}`)
  })

  it("refuses an order without shipping address and a location without address", () => {
    const lines = [{ title: "Red mug", quantity: 1, variant: { weight: 400 } }]
    expect(() => shipmentFrom({ ...base, to: null, weightUnit: "g", lines })).toThrow("Cannot buy a label for order #7: it has no shipping address")
    expect(() => shipmentFrom({ ...base, from: null, weightUnit: "g", lines })).toThrow("its stock location has no address (Settings › Locations)")
  })
})
