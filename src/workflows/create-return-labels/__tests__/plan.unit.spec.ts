import { OrderForReturnLabels, planReturnLabels, ReturnForLabels, ReturnLabel, returnLabelOf, StockLocation } from "../plan"

const CUSTOMER = { first_name: "Jane", last_name: "Doe", address_1: "12 Harbour Street", city: "Portland", province: "ME", postal_code: "04101", country_code: "us", phone: "+1 207 555 0134" }
const WAREHOUSE = { address_1: "1 Dock Rd", city: "Newark", province: "NJ", postal_code: "07114", phone: "+1 973 555 0100", country_code: "us" }
const RETURNS_DESK = { ...WAREHOUSE, address_1: "9 Returns Way", phone: "+1 973 555 0199" }
const locations: StockLocation[] = [
  { id: "sloc_main", name: "Main warehouse", address: WAREHOUSE },
  { id: "sloc_returns", name: "Returns desk", address: RETURNS_DESK },
]
const hub = (id: string, data: Record<string, unknown>, lines: string[], extra: Record<string, unknown> = {}) => ({
  id, provider_id: "integration-hub_carriers", data, location_id: "sloc_main", items: lines.map((line_item_id) => ({ line_item_id })), ...extra,
})
const requested = (id: string, items: Record<string, number>, extra: Partial<ReturnForLabels> = {}): ReturnForLabels => ({
  id, status: "requested", location_id: "sloc_returns", metadata: null, items: Object.entries(items).map(([item_id, quantity]) => ({ item_id, quantity })), ...extra,
})
const order = (returns: ReturnForLabels[], over: Partial<OrderForReturnLabels> = {}): OrderForReturnLabels => ({
  id: "order_1", display_id: 7, currency_code: "usd", shipping_address: CUSTOMER,
  items: [
    { id: "item_shirt", title: "Blue shirt", variant: { title: "M", weight: 250 } },
    { id: "item_mug", title: "Red mug", variant: { title: "One size", weight: 400 } },
  ],
  fulfillments: [hub("ful_1", { connection_id: "carrier", service_code: "standard", carrier: "sandbox-post", label: "bought" }, ["item_shirt", "item_mug"])],
  returns,
  ...over,
})
const kept = (extra: Partial<ReturnLabel> = {}): Record<string, unknown> => ({
  note: "staff's own",
  integration_hub: { return_label: { connection_id: "carrier", label_id: "sbx-ret-1", tracking_number: "SBR000000001", carrier: "sandbox-post", label_url: null, tracking_url: null, service_code: "standard", ...extra } },
})
const carrier = { connectionId: "carrier" }

describe("planReturnLabels", () => {
  it("buys one return label for a requested return: from the customer to the return's location, the returned lines' weight, the service the order was shipped with", () => {
    const plan = planReturnLabels(order([requested("ret_1", { item_mug: 2 })]), locations, carrier)
    expect(plan).toEqual({
      number: "7",
      void: [],
      held: [],
      buy: [{
        return_id: "ret_1",
        service: { carrier_id: undefined, service_code: "standard", shipped_with: "ful_1" },
        request: {
          reference: "medusa:ret_1", subject: { orderId: "order_1", returnId: "ret_1" }, isReturn: true, carrierId: "", serviceCode: "standard",
          from: { name: "Jane Doe", company: null, phone: "+1 207 555 0134", street: "12 Harbour Street", city: "Portland", province: "ME", postalCode: "04101", countryCode: "US" },
          to: { name: "Returns desk", company: null, phone: "+1 973 555 0199", street: "9 Returns Way", city: "Newark", province: "NJ", postalCode: "07114", countryCode: "US" },
          parcels: [{ weightGrams: 800 }],
          currencyCode: "USD",
        },
      }],
    })
  })

  it.each<[string, Record<string, unknown>, ReturnForLabels["items"], number]>([
    ["in the store's weight unit", { connection_id: "carrier", weight_unit: "kg" }, [{ item_id: "item_shirt", quantity: 1 }], 250_000],
    ["of every returned line", { connection_id: "carrier" }, [{ item_id: "item_shirt", quantity: 3 }, { item_id: "item_mug", quantity: 1 }], 1150],
    ["with a quantity as Medusa's big number", { connection_id: "carrier" }, [{ item_id: "item_shirt", quantity: { value: "2" } }], 500],
  ])("weighs the parcel %s", (_, data, items, grams) => {
    const plan = planReturnLabels(order([requested("ret_1", {}, { items })], { fulfillments: [hub("ful_1", data, ["item_shirt", "item_mug"])] }), locations, carrier)
    expect(plan.buy[0].request.parcels).toEqual([{ weightGrams: grams }])
  })

  it.each([
    ["the outbound rate in full", { connection_id: "carrier", carrier_id: "se-1", service_code: "ups_ground" }, { carrierId: "se-1", serviceCode: "ups_ground" }],
    ["no rate chosen (the carrier's cheapest)", { connection_id: "carrier" }, { carrierId: "", serviceCode: "" }],
  ])("asks for %s", (_, data, rate) => {
    const plan = planReturnLabels(order([requested("ret_1", { item_mug: 1 })], { fulfillments: [hub("ful_1", data, ["item_mug"])] }), locations, carrier)
    expect(plan.buy[0].request).toMatchObject(rate)
  })

  it("sends the goods back to the location they were shipped from when the return names none", () => {
    const plan = planReturnLabels(order([requested("ret_1", { item_mug: 1 }, { location_id: null })]), locations, carrier)
    expect(plan.buy[0].request.to).toMatchObject({ name: "Main warehouse", street: "1 Dock Rd" })
  })

  it.each<[string, ReturnForLabels]>([
    ["open (not confirmed yet)", requested("ret_1", { item_mug: 1 }, { status: "open" })],
    ["received", requested("ret_1", { item_mug: 1 }, { status: "received" })],
    ["partially received", requested("ret_1", { item_mug: 1 }, { status: "partially_received" })],
    ["cancelled without a label", requested("ret_1", { item_mug: 1 }, { status: "canceled", canceled_at: "2026-12-06T10:00:00Z" })],
  ])("buys nothing for a return %s", (_, ret) => {
    expect(planReturnLabels(order([ret]), locations, carrier)).toEqual({ number: "7", buy: [], void: [], held: [] })
  })

  it("buys nothing twice: a return that has its label holds it, on this connection only", () => {
    const ret = requested("ret_1", { item_mug: 1 }, { metadata: kept() })
    expect(planReturnLabels(order([ret]), locations, carrier)).toEqual({ number: "7", buy: [], void: [], held: [{ return_id: "ret_1", tracking_number: "SBR000000001", voided: false }] })
    expect(planReturnLabels(order([ret]), locations, { connectionId: "other" })).toEqual({ number: "7", buy: [], void: [], held: [] })
  })

  it.each<[string, Partial<ReturnForLabels>]>([
    ["cancelled", { status: "canceled", canceled_at: "2026-12-06T10:00:00Z" }],
    ["marked cancelled only by its date", { canceled_at: "2026-12-06T10:00:00Z" }],
  ])("voids the label of a return %s, once", (_, cancel) => {
    const plan = planReturnLabels(order([requested("ret_1", { item_mug: 1 }, { metadata: kept(), ...cancel })]), locations, carrier)
    expect(plan.void).toEqual([{ return_id: "ret_1", label: returnLabelOf(kept()) }])
    const after = planReturnLabels(order([requested("ret_1", { item_mug: 1 }, { metadata: kept({ voided_at: "2026-12-06T10:01:00Z" }), ...cancel })]), locations, carrier)
    expect(after).toMatchObject({ void: [], held: [{ return_id: "ret_1", voided: true }] })
  })

  it("leaves a return to the connection that shipped its goods; an order shipped with no hub carrier gets no label", () => {
    const split = order([requested("ret_1", { item_mug: 1 })], {
      fulfillments: [
        hub("ful_1", { connection_id: "carrier" }, ["item_shirt"]),
        hub("ful_2", { connection_id: "carrier-heavy" }, ["item_mug"]),
        hub("ful_3", { connection_id: "carrier" }, ["item_mug"], { canceled_at: "2026-12-06T09:00:00Z" }),
      ],
    })
    expect(planReturnLabels(split, locations, carrier).buy).toEqual([])
    expect(planReturnLabels(split, locations, { connectionId: "carrier-heavy" }).buy).toEqual([expect.objectContaining({ return_id: "ret_1", service: expect.objectContaining({ shipped_with: "ful_2" }) })])
    const manual = order([requested("ret_1", { item_mug: 1 })], { fulfillments: [{ id: "ful_9", provider_id: "manual_manual", data: {}, items: [{ line_item_id: "item_mug" }] }] })
    expect(planReturnLabels(manual, locations, carrier).buy).toEqual([])
  })

  const refusals: Array<[string, Partial<OrderForReturnLabels>, string, string]> = [
    ["no customer address", { shipping_address: null }, "shipment_address_incomplete", "Cannot buy a return label for order #7 (return ret_1): it has no shipping address"],
    [
      "no customer phone", { shipping_address: { ...CUSTOMER, phone: " " } }, "shipment_address_incomplete",
      "Cannot buy a return label for order #7 (return ret_1): the customer's shipping address has no phone number (ship_from). Ask for a phone at checkout, or add it to the order's address, then retry.",
    ],
    [
      "no customer postal code", { shipping_address: { ...CUSTOMER, postal_code: null } }, "shipment_address_incomplete",
      "Cannot buy a return label for order #7 (return ret_1): the customer's shipping address has no postal code (ship_from). Add the postal code, then retry.",
    ],
    [
      "a variant without weight", { items: [{ id: "item_mug", title: "Red mug", variant: { title: "One size", weight: null } }] }, "shipment_no_weight",
      "Cannot buy a return label for order #7 (return ret_1): variant 'Red mug / One size' has no weight. Give it one in Medusa (in g), then retry.",
    ],
    ["an item the order no longer has", { items: [] }, "shipment_item_missing", "Cannot buy a return label for order #7 (return ret_1): it holds an item the order no longer has (item_mug)"],
  ]
  it.each(refusals)("refuses %s, naming the order and the return", (_, over, code, message) => {
    expect(() => planReturnLabels(order([requested("ret_1", { item_mug: 1 })], over), locations, carrier)).toThrow(expect.objectContaining({ code, message, retryable: false }))
  })

  it.each<[string, StockLocation[], string]>([
    ["no address", [{ id: "sloc_returns", name: "Returns desk", address: null }], "Cannot buy a return label for order #7 (return ret_1): its stock location has no address (Settings › Locations)"],
    [
      "no phone", [{ id: "sloc_returns", name: "Returns desk", address: { ...RETURNS_DESK, phone: null } }],
      "Cannot buy a return label for order #7 (return ret_1): the stock location's address has no phone number (ship_to). Add a phone to the stock location's address, then retry.",
    ],
    [
      "no province where carriers need one", [{ id: "sloc_returns", name: "Returns desk", address: { ...RETURNS_DESK, province: "" } }],
      "Cannot buy a return label for order #7 (return ret_1): the stock location's address has no state or province (ship_to). Carriers need it in US: add it, then retry.",
    ],
  ])("refuses a stock location with %s", (_, locs, message) => {
    expect(() => planReturnLabels(order([requested("ret_1", { item_mug: 1 })]), locs, carrier)).toThrow(expect.objectContaining({ code: "shipment_address_incomplete", message }))
  })
})

describe("returnLabelOf", () => {
  it.each<[string, Record<string, unknown> | null, boolean]>([
    ["no metadata", null, false],
    ["staff's metadata only", { note: "x" }, false],
    ["a label without its id", { integration_hub: { return_label: { connection_id: "carrier" } } }, false],
    ["the hub's label", kept(), true],
  ])("reads %s", (_, metadata, found) => {
    expect(returnLabelOf(metadata) !== null).toBe(found)
  })
})
