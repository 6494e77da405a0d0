import type { ORDER_CHECK_DEFAULTS } from "../../../modules/integration-hub/options"
import { ExchangeSales, OrderChangeForErp, OrderForExchanges, planExchangeSales, ReturnForExchanges } from "../plan"

type Item = NonNullable<NonNullable<OrderForExchanges["items"]>[number]>
type Method = NonNullable<NonNullable<OrderForExchanges["shipping_methods"]>[number]>
type Amount = Item["unit_price"]

const ctx = { connectionId: "erp", timeZone: "America/New_York" }
const address = { first_name: "Jane", last_name: "Doe", address_1: "12 Harbour Street", city: "Portland", postal_code: "04101", country_code: "us" }
const vat = [{ code: "VAT", rate: 10 }]

const item = (id: string, title: string, sku: string, quantity: number, unit_price: Amount, subtotal: Amount, total: Amount, more: Partial<Item> = {}): Item => ({
  id, title, variant_sku: sku, quantity, detail: { quantity }, unit_price, subtotal, discount_subtotal: 0, tax_lines: [], total, ...more,
})
const method = (id: string, name: string, amount: number, total: number, tax_lines: Method["tax_lines"] = []): Method => ({ id, name, amount, subtotal: amount, discount_subtotal: 0, tax_lines, total })

/** Sold with the order: 2 shirts at 20 (10 off, 10% VAT), 3 caps at 4 (no tax). Sent out by exchanges: a green shirt, socks. */
const shirt = item("item_shirt", "Blue shirt", "SHIRT-BLUE", 2, 20, 40, 33, { discount_subtotal: 10, tax_lines: vat })
const cap = item("item_cap", "Grey cap", "CAP-GREY", 3, 4, 12, 12)
const greenShirt = item("item_green", "Green shirt", "SHIRT-GREEN", 1, 25, 25, 27.5, { tax_lines: vat })
const socks = item("item_socks", "Socks", "SOCKS", 1, 10, 10, 11, { tax_lines: vat })

const order = (more: Partial<OrderForExchanges> = {}): OrderForExchanges => ({
  id: "order_1",
  display_id: 12,
  status: "pending",
  email: "jane@example.com",
  currency_code: "usd",
  created_at: "2026-12-01T10:00:00Z",
  total: 100,
  shipping_address: address,
  billing_address: address,
  items: [shirt, cap, greenShirt, socks],
  shipping_methods: [method("ship_order", "Standard", 5, 5), method("ship_exchange", "Express", 8, 8.8, vat)],
  ...more,
})
const exchange = (more: Partial<OrderChangeForErp> = {}): OrderChangeForErp => ({
  kind: "exchange",
  id: "exch_1",
  display_id: 1,
  created_at: "2026-12-10T15:00:00Z",
  return_id: "ret_1",
  additional_items: [{ item_id: "item_green", quantity: 1 }],
  shipping_methods: [{ id: "ship_exchange" }],
  ...more,
})
const takesBack = (items: Record<string, number>, more: Partial<ReturnForExchanges> = {}): ReturnForExchanges => ({
  id: "ret_1",
  exchange_id: "exch_1",
  items: Object.entries(items).map(([item_id, quantity]) => ({ item_id, quantity })),
  ...more,
})
const janeDoe = { name: "Jane Doe", street: "12 Harbour Street", city: "Portland", postalCode: "04101", countryCode: "US" }
const sale = (more: Partial<ExchangeSales[string]> = {}): ExchangeSales => ({ exch_1: { external_id: "SO-7", number: "SO-7", total: "11.80", ...more } })

const draftOf = (...args: Parameters<typeof planExchangeSales>) => {
  const plan = planExchangeSales(...args)
  expect(plan.create).toHaveLength(1)
  return plan.create[0].draft
}

describe("planExchangeSales", () => {
  it("credits what one unit came to even once a receipt took units back (Medusa's subtotal and discount are then of the units left)", () => {
    // 1 of the 2 shirts received back: Medusa's figures are of the one left (20 − 5 off).
    const received = item("item_shirt", "Blue shirt", "SHIRT-BLUE", 2, 20, 20, 16.5, { discount_subtotal: 5, tax_lines: vat, detail: { quantity: 2, return_received_quantity: 1 } })
    const draft = draftOf(order({ items: [received, cap, greenShirt, socks] }), [exchange()], [takesBack({ item_shirt: 1 })], {}, ctx)
    expect(draft.credits).toEqual([{ title: "Returned in exchange #1: Blue shirt ×1", netAmount: "15.00", taxes: [{ code: "VAT", rate: "10" }] }])
    // Every unit back already: its price (the discount is no longer in Medusa's figures).
    const allBack = item("item_shirt", "Blue shirt", "SHIRT-BLUE", 2, 20, 0, 0, { tax_lines: vat, detail: { quantity: 2, return_received_quantity: 2 } })
    expect(draftOf(order({ items: [allBack, cap, greenShirt, socks] }), [exchange()], [takesBack({ item_shirt: 1 })], {}, ctx).credits?.[0].netAmount).toBe("20.00")
  })

  it("plans one sale of what an exchange sends out, crediting each item its return takes back at what the customer paid, taxes included", () => {
    expect(planExchangeSales(order(), [exchange()], [takesBack({ item_shirt: 1, item_cap: 2 })], {}, ctx)).toEqual({
      number: "12",
      create: [
        {
          change_id: "exch_1",
          kind: "exchange",
          label: "exchange #1",
          draft: {
            reference: "medusa:exch_1",
            orderNumber: "12 (exchange #1)",
            currencyCode: "USD",
            orderDate: "2026-12-10",
            placedAt: "2026-12-10T15:00:00.000Z",
            customer: { email: "jane@example.com", name: "Jane Doe", phone: null, shippingAddress: janeDoe, billingAddress: janeDoe },
            lines: [{ sku: "SHIRT-GREEN", title: "Green shirt", quantity: 1, unitPrice: "25.00", netAmount: "25.00", taxes: [{ code: "VAT", rate: "10" }] }],
            shipping: [{ title: "Shipping: Express", netAmount: "8.00", taxes: [{ code: "VAT", rate: "10" }] }],
            // By item id; each at its net unit value (after discounts, excluding tax) × the units taken back.
            credits: [
              { title: "Returned in exchange #1: Grey cap ×2", netAmount: "8.00", taxes: [] },
              { title: "Returned in exchange #1: Blue shirt ×1", netAmount: "15.00", taxes: [{ code: "VAT", rate: "10" }] },
            ],
            // Sent out 27.50 + 8.80 shipping, less 8.00 + 16.50 taken back.
            total: "11.80",
            checks: { stock: true, priceTolerancePercent: null },
          },
        },
      ],
      cancel: [],
      sales: {},
    })
  })

  it("scales the credits down together when the goods taken back are worth more than what is sent out, so the sale comes to exactly zero", () => {
    const draft = draftOf(order(), [exchange({ additional_items: [{ item_id: "item_socks", quantity: 1 }], shipping_methods: [] })], [takesBack({ item_shirt: 1, item_cap: 2 })], {}, ctx)
    // 11.00 sent out against 24.50 taken back: each credit × 11 / 24.5.
    expect(draft.credits).toEqual([
      { title: "Returned in exchange #1: Grey cap ×2", netAmount: "3.59", taxes: [] },
      { title: "Returned in exchange #1: Blue shirt ×1", netAmount: "6.73", taxes: [{ code: "VAT", rate: "10" }] },
    ])
    expect(draft.total).toBe("0.00")
  })

  it.each<[string, string]>([
    ["usd", "0.00"],
    ["jpy", "0"],
    ["kwd", "0.000"],
  ])("a cheaper item sent out in %s leaves a total of exactly %s", (currency_code, zero) => {
    const draft = draftOf(order({ currency_code }), [exchange({ additional_items: [{ item_id: "item_socks", quantity: 1 }], shipping_methods: [] })], [takesBack({ item_shirt: 2 })], {}, ctx)
    expect(draft.total).toBe(zero)
  })

  it.each<[string, Amount, Amount, string, string, string]>([
    // currency, unit price of what is sent out, subtotal of the 3 units sold of what comes back (1 returned), unit price, credit, total
    ["usd", 12.5, 10, "12.50", "3.33", "9.17"],
    ["jpy", 1500, 1000, "1500", "333", "1167"],
    ["kwd", "12.345", "10.000", "12.345", "3.333", "9.012"],
  ])("rounds a %s sale to the currency's precision: line %s, credit and total", (currency_code, price, soldSubtotal, unitPrice, credit, total) => {
    const o = order({ currency_code, shipping_methods: [], items: [item("item_tea", "Tea set", "TEA", 3, 0, soldSubtotal, soldSubtotal), item("item_pot", "Tea pot", "POT", 1, price, price, price)] })
    const draft = draftOf(o, [exchange({ additional_items: [{ item_id: "item_pot", quantity: 1 }], shipping_methods: [] })], [takesBack({ item_tea: 1 })], {}, ctx)
    expect(draft.lines).toEqual([{ sku: "POT", title: "Tea pot", quantity: 1, unitPrice, netAmount: unitPrice, taxes: [] }])
    expect(draft.credits).toEqual([{ title: "Returned in exchange #1: Tea set ×1", netAmount: credit, taxes: [] }])
    expect(draft.total).toBe(total)
  })

  it("credits nothing for a claim that only writes its items off (no return): the sale is of the replacement, at its value", () => {
    const claim = exchange({ kind: "claim", id: "claim_1", display_id: 2, return_id: null, additional_items: [{ item_id: "item_socks", quantity: 1 }], shipping_methods: [] })
    const plan = planExchangeSales(order(), [claim], [], {}, ctx)
    expect(plan.create).toEqual([expect.objectContaining({ change_id: "claim_1", kind: "claim", label: "claim #2" })])
    expect(plan.create[0].draft).not.toHaveProperty("credits")
    expect(plan.create[0].draft).toEqual(expect.objectContaining({ reference: "medusa:claim_1", orderNumber: "12 (claim #2)", total: "11.00" }))
    expect(plan.create[0].draft.lines).toEqual([expect.objectContaining({ sku: "SOCKS" })])
  })

  it("credits only the change's own returns: neither a cancelled one nor a return of the order itself", () => {
    const returns = [
      takesBack({ item_shirt: 1 }, { id: "ret_1", canceled_at: "2026-12-11T00:00:00Z" }),
      takesBack({ item_cap: 1 }, { id: "ret_plain", exchange_id: null }),
      takesBack({ item_cap: 2 }, { id: "ret_other", exchange_id: "exch_other" }),
    ]
    const draft = draftOf(order(), [exchange()], returns, {}, ctx)
    expect(draft).not.toHaveProperty("credits")
    expect(draft.total).toBe("36.30")
  })

  it("finds the change's return by its return_id as well as by the return's exchange or claim id", () => {
    const claim = exchange({ kind: "claim", id: "claim_1", display_id: 2, return_id: null })
    const plan = planExchangeSales(order(), [exchange({ created_at: "2026-12-09T00:00:00Z" }), claim], [takesBack({ item_cap: 1 }, { exchange_id: null }), takesBack({ item_cap: 2 }, { id: "ret_2", exchange_id: null, claim_id: "claim_1" })], {}, ctx)
    expect(plan.create.map((c) => c.draft.credits)).toEqual([
      [{ title: "Returned in exchange #1: Grey cap ×1", netAmount: "4.00", taxes: [] }],
      [{ title: "Returned in claim #2: Grey cap ×2", netAmount: "8.00", taxes: [] }],
    ])
  })

  it.each<[string, OrderChangeForErp["additional_items"]]>([
    ["no additional items", []],
    ["additional items null", null],
    ["only an item of quantity 0", [{ item_id: "item_socks", quantity: 0 }]],
    ["only a null item", [null]],
  ])("plans nothing for a claim with %s", (_, additional_items) => {
    const claim = exchange({ kind: "claim", id: "claim_1", display_id: 2, additional_items })
    expect(planExchangeSales(order(), [claim], [takesBack({ item_shirt: 1 }, { claim_id: "claim_1" })], {}, ctx)).toEqual({ number: "12", create: [], cancel: [], sales: {} })
  })

  it("plans nothing for an exchange the ERP already has a sale of, and hands the baseline back", () => {
    const sales = sale()
    const plan = planExchangeSales(order(), [exchange()], [takesBack({ item_shirt: 1 })], sales, ctx)
    expect(plan).toEqual({ number: "12", create: [], cancel: [], sales })
    expect(plan.sales).toBe(sales)
  })

  it.each<[string, ExchangeSales, Array<{ change_id: string; label: string; external_id: string }>]>([
    ["whose sale is live", sale(), [{ change_id: "exch_1", label: "exchange #1", external_id: "SO-7" }]],
    ["whose sale is live (cancelled: false)", sale({ cancelled: false }), [{ change_id: "exch_1", label: "exchange #1", external_id: "SO-7" }]],
    ["whose sale is cancelled already", sale({ cancelled: true }), []],
    ["that has no sale", {}, []],
  ])("a cancelled exchange %s: cancels what is live, creates nothing", (_, sales, cancel) => {
    const plan = planExchangeSales(order(), [exchange({ canceled_at: "2026-12-12T00:00:00Z" })], [takesBack({ item_shirt: 1 })], sales, ctx)
    expect(plan.cancel).toEqual(cancel)
    expect(plan.create).toEqual([])
  })

  it.each<[string, typeof ORDER_CHECK_DEFAULTS | undefined, { stock: boolean; priceTolerancePercent: null }]>([
    ["the defaults", undefined, { stock: true, priceTolerancePercent: null }],
    ["stock and price checked", { stock: true, price: true, priceTolerancePercent: 5 }, { stock: true, priceTolerancePercent: null }],
    ["stock not checked", { stock: false, price: true, priceTolerancePercent: 5 }, { stock: false, priceTolerancePercent: null }],
    ["price not checked", { stock: true, price: false, priceTolerancePercent: 0 }, { stock: true, priceTolerancePercent: null }],
  ])("never checks the price of what staff send out, and checks the stock as the connection does (%s)", (_, checks, expected) => {
    expect(draftOf(order(), [exchange()], [], {}, { ...ctx, checks }).checks).toEqual(expected)
  })

  it("charges the exchange's own shipping methods only, not the order's others nor ids the order does not have", () => {
    const draft = draftOf(order(), [exchange({ shipping_methods: [{ id: "ship_exchange" }, null, { id: "ship_gone" }] })], [], {}, ctx)
    expect(draft.shipping).toEqual([{ title: "Shipping: Express", netAmount: "8.00", taxes: [{ code: "VAT", rate: "10" }] }])
    expect(draft.total).toBe("36.30")
    const unshipped = draftOf(order(), [exchange({ shipping_methods: null })], [], {}, ctx)
    expect(unshipped.shipping).toEqual([])
    expect(unshipped.total).toBe("27.50")
  })

  it.each<[string, string, string]>([
    ["2027-01-01T03:00:00Z", "America/New_York", "2026-12-31"],
    ["2027-01-01T03:00:00Z", "UTC", "2027-01-01"],
    ["2026-12-31T15:30:00Z", "Asia/Tokyo", "2027-01-01"],
  ])("dates an exchange made at %s in %s on %s, whenever the order was placed", (created_at, timeZone, orderDate) => {
    const draft = draftOf(order(), [exchange({ created_at })], [], {}, { ...ctx, timeZone })
    expect(draft.orderDate).toBe(orderDate)
    expect(draft.placedAt).toBe(new Date(created_at).toISOString())
  })

  it("plans each exchange and claim oldest first, naming one without a display id by its id", () => {
    const later = exchange({ kind: "claim", id: "claim_1", display_id: null, created_at: "2026-12-11T00:00:00Z", return_id: null, additional_items: [{ item_id: "item_socks", quantity: 1 }] })
    const plan = planExchangeSales(order(), [later, exchange()], [], {}, ctx)
    expect(plan.create.map((c) => [c.label, c.draft.orderNumber])).toEqual([
      ["exchange #1", "12 (exchange #1)"],
      ["claim #claim_1", "12 (claim #claim_1)"],
    ])
  })

  it("refuses an exchange that sends out an item the order does not have, naming the order, the item and the exchange", () => {
    expect(() => planExchangeSales(order(), [exchange({ additional_items: [{ item_id: "item_gone", quantity: 1 }] })], [], {}, ctx)).toThrow(
      new Error("order #12 has no item item_gone that exchange #1 sends out")
    )
  })

  it("refuses a return that takes back an item the order does not have", () => {
    expect(() => planExchangeSales(order(), [exchange()], [takesBack({ item_gone: 1 })], {}, ctx)).toThrow(
      new Error("exchange #1 takes back item item_gone, which the order does not have")
    )
  })
})
