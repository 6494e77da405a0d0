import { IntegrationError, SyncSkipped } from "../../../lib/errors"
import { applyOrderCorrections } from "../corrections"
import { currencyDigits, formatAmount, mapOrderForErp, OrderForErp, orderReference } from "../order-mapper"

type Amount = Parameters<typeof formatAmount>[0]

function thrownBy(fn: () => unknown): unknown {
  try {
    fn()
  } catch (err) {
    return err
  }
  throw new Error("expected a throw")
}

describe("formatAmount", () => {
  it.each<[Amount, string, string]>([
    [19.9, "usd", "19.90"],
    ["19.905", "usd", "19.91"], // half-up, not banker's rounding
    ["19.904", "usd", "19.90"],
    [19.995, "usd", "20.00"],
    ["-1.005", "usd", "-1.01"],
    [0, "usd", "0.00"],
    [1500, "jpy", "1500"],
    [1500.5, "jpy", "1501"],
    [1.2345, "kwd", "1.235"],
    [{ value: "20" }, "usd", "20.00"],
    [{ value: 4.5 }, "EUR", "4.50"],
    ["7", "not-a-currency", "7.00"], // unknown currency: 2 digits
  ])("%j in %s → %s", (amount, currency, expected) => {
    expect(formatAmount(amount, currency)).toBe(expected)
  })

  it.each<[Amount]>([[null], [undefined], [""], [{ value: "" }]])("rejects a missing amount: %j", (amount) => {
    expect(() => formatAmount(amount, "usd")).toThrow(new Error("amount is missing"))
  })
})

describe("currencyDigits", () => {
  it.each([
    ["usd", 2],
    ["USD", 2],
    ["eur", 2],
    ["jpy", 0],
    ["kwd", 3],
    ["x", 2], // not a currency code at all
  ])("%s → %i", (currency, expected) => {
    expect(currencyDigits(currency)).toBe(expected)
  })
})

const shippingAddress = {
  first_name: "Jane",
  last_name: "Doe",
  company: null,
  address_1: "12 Harbour Street",
  address_2: "Apt 4",
  city: " Portland ",
  postal_code: " 04101 ",
  country_code: "us",
  phone: "+1 207 555 0100",
}

function order(overrides: Partial<OrderForErp> = {}): OrderForErp {
  return {
    id: "order_01JD8Z3K",
    display_id: 1042,
    status: "pending",
    email: "jane@example.com",
    currency_code: "usd",
    created_at: "2026-11-22T05:43:24.000Z",
    items: [
      { id: "item_1", title: "Blue shirt", variant_sku: " SHIRT-BLUE-M ", quantity: 2, unit_price: 19.9 },
      // query.graph without the detail selected: no `quantity`, the detail has it
      { id: "item_2", title: null, product_title: "Socks", variant_sku: "SOCKS-3PK", detail: { quantity: 3 }, unit_price: 4.5, raw_unit_price: { value: "4.495" } },
      null,
    ],
    shipping_address: shippingAddress,
    // a billing address without a street: the shipping address is used
    billing_address: { first_name: "Jane", last_name: "Doe", address_1: null, city: null },
    shipping_methods: [{ name: "Standard", amount: 5, raw_amount: { value: "4.99" } }],
    customer: { first_name: null, last_name: null, email: "other@example.com", phone: "+1 000" },
    total: 58.275,
    ...overrides,
  }
}

const mappedShipping = {
  name: "Jane Doe",
  street: "12 Harbour Street\nApt 4",
  city: "Portland",
  postalCode: "04101",
  countryCode: "US",
}

describe("mapOrderForErp", () => {
  it("maps a placed order to an ERP draft", () => {
    expect(mapOrderForErp(order(), "erp", "UTC")).toEqual({
      reference: "medusa:order_01JD8Z3K",
      orderNumber: "1042",
      currencyCode: "USD",
      orderDate: "2026-11-22",
      placedAt: "2026-11-22T05:43:24.000Z",
      customer: {
        email: "jane@example.com",
        name: "Jane Doe",
        phone: "+1 207 555 0100",
        shippingAddress: mappedShipping,
        billingAddress: mappedShipping,
      },
      lines: [
        { sku: "SHIRT-BLUE-M", title: "Blue shirt", quantity: 2, unitPrice: "19.90", netAmount: "39.80", taxes: [] },
        { sku: "SOCKS-3PK", title: "Socks", quantity: 3, unitPrice: "4.50", netAmount: "13.49", taxes: [] },
      ],
      shipping: [{ title: "Shipping: Standard", netAmount: "4.99", taxes: [] }],
      total: "58.28",
      checks: { stock: true, priceTolerancePercent: 0 },
    })
  })

  it.each<[string, { stock: boolean; price: boolean; priceTolerancePercent: number }, { stock: boolean; priceTolerancePercent: number | null }]>([
    ["the default checks", { stock: true, price: true, priceTolerancePercent: 0 }, { stock: true, priceTolerancePercent: 0 }],
    ["a price tolerance", { stock: true, price: true, priceTolerancePercent: 2.5 }, { stock: true, priceTolerancePercent: 2.5 }],
    ["the price check off (its tolerance then unused)", { stock: true, price: false, priceTolerancePercent: 2.5 }, { stock: true, priceTolerancePercent: null }],
    ["the stock check off", { stock: false, price: true, priceTolerancePercent: 0 }, { stock: false, priceTolerancePercent: 0 }],
  ])("passes the connection's order checks to the ERP: %s", (_, orderChecks, checks) => {
    expect(mapOrderForErp(order(), "erp", "UTC", orderChecks).checks).toEqual(checks)
  })

  it("leaves out an item an order edit took out (quantity 0): the ERP sells what is left", () => {
    const edited = order()
    edited.items = [...(edited.items ?? []), { id: "item_9", title: "Cap", variant_sku: "CAP", quantity: 0, unit_price: 12, subtotal: 0 }]
    expect(mapOrderForErp(edited, "erp", "UTC").lines.map((l) => l.sku)).toEqual(["SHIRT-BLUE-M", "SOCKS-3PK"])
  })

  it("uses orderReference for the idempotency key", () => {
    expect(orderReference("order_1")).toBe("medusa:order_1")
  })

  it("maps a separate billing address when it has a street", () => {
    const draft = mapOrderForErp(
      order({
        billing_address: { company: "Doe Trading", address_1: "1 Market Square", city: "Boston", postal_code: null, country_code: null },
      }),
      "erp",
      "UTC"
    )
    expect(draft.customer.billingAddress).toEqual({
      name: "Doe Trading",
      street: "1 Market Square",
      city: "Boston",
      postalCode: null,
      countryCode: null,
    })
    expect(draft.customer.shippingAddress).toEqual(mappedShipping)
  })

  it.each<[string, Partial<OrderForErp>, Partial<ReturnType<typeof mapOrderForErp>>]>([
    [
      "the customer's name, and its phone when the shipping address has none",
      { customer: { first_name: "J.", last_name: "Doe", email: null, phone: "+1 999" }, shipping_address: { ...shippingAddress, phone: null } },
      { customer: { email: "jane@example.com", name: "J. Doe", phone: "+1 999", shippingAddress: mappedShipping, billingAddress: mappedShipping } },
    ],
    [
      "the customer's e-mail when the order has none",
      { email: null },
      { customer: { email: "other@example.com", name: "Jane Doe", phone: "+1 207 555 0100", shippingAddress: mappedShipping, billingAddress: mappedShipping } },
    ],
    [
      "the e-mail trimmed, in the case the customer wrote it",
      { email: " Jane@Example.com\t" },
      { customer: { email: "Jane@Example.com", name: "Jane Doe", phone: "+1 207 555 0100", shippingAddress: mappedShipping, billingAddress: mappedShipping } },
    ],
    [
      "the customer's e-mail when the order's is blank",
      { email: "  ", customer: { first_name: "Jane", last_name: "Doe", email: " other@example.com ", phone: null } },
      { customer: { email: "other@example.com", name: "Jane Doe", phone: "+1 207 555 0100", shippingAddress: mappedShipping, billingAddress: mappedShipping } },
    ],
    ["no shipping methods", { shipping_methods: null }, { shipping: [] }],
    ["free shipping", { shipping_methods: [{ name: "Pickup", amount: 0 }] }, { shipping: [] }],
    [
      "several shipping methods, each a line",
      { shipping_methods: [{ name: "Standard", amount: 5 }, null, { name: "Insurance", amount: "1.5" }] },
      { shipping: [{ title: "Shipping: Standard", netAmount: "5.00", taxes: [] }, { title: "Shipping: Insurance", netAmount: "1.50", taxes: [] }] },
    ],
    ["an unnamed shipping method", { shipping_methods: [{ amount: 5 }] }, { shipping: [{ title: "Shipping: Shipping", netAmount: "5.00", taxes: [] }] }],
    ["the order id when there is no display_id", { display_id: null }, { orderNumber: "order_01JD8Z3K" }],
    ["a Date created_at", { created_at: new Date("2026-01-05T23:59:59.000Z") }, { orderDate: "2026-01-05" }],
    [
      "a zero-decimal currency",
      { currency_code: "jpy", items: [{ id: "i", title: "Tea", variant_sku: "TEA", quantity: 1, unit_price: 1500.5 }], shipping_methods: [{ name: "Post", amount: 800 }], total: 2300.5 },
      {
        currencyCode: "JPY",
        lines: [{ sku: "TEA", title: "Tea", quantity: 1, unitPrice: "1501", netAmount: "1501", taxes: [] }],
        shipping: [{ title: "Shipping: Post", netAmount: "800", taxes: [] }],
        total: "2301",
      },
    ],
  ])("takes %s", (_, overrides, expected) => {
    expect(mapOrderForErp(order(overrides), "erp", "UTC")).toMatchObject(expected)
  })

  // Medusa's own totals, as the order module computes them (subtotal excludes tax; discount_subtotal is the line's
  // share of every promotion, excluding tax), and what the ERP is to receive.
  const shirt = { id: "i1", title: "Shirt", variant_sku: "SHIRT", quantity: 2, unit_price: 20 }
  const vat20 = [{ code: "VAT20", rate: 20 }]
  it.each<[string, Partial<OrderForErp>, Pick<ReturnType<typeof mapOrderForErp>, "lines" | "shipping" | "total">]>([
    [
      "USD: two $20 shirts, a 10 % coupon, $5 shipping (charged $41)",
      { items: [{ ...shirt, subtotal: 40, discount_subtotal: 4 }], shipping_methods: [{ name: "Standard", amount: 5, subtotal: 5 }], total: 41 },
      {
        lines: [{ sku: "SHIRT", title: "Shirt", quantity: 2, unitPrice: "20.00", netAmount: "36.00", taxes: [] }],
        shipping: [{ title: "Shipping: Standard", netAmount: "5.00", taxes: [] }],
        total: "41.00",
      },
    ],
    [
      "USD: an order-level $10 off spread over three mugs, 20 % VAT on top",
      { items: [{ id: "i2", title: "Mug", variant_sku: "MUG", quantity: 3, unit_price: 9.5, subtotal: 28.5, discount_subtotal: 10, tax_lines: vat20 }], shipping_methods: [], total: 22.2 },
      { lines: [{ sku: "MUG", title: "Mug", quantity: 3, unitPrice: "9.50", netAmount: "18.50", taxes: [{ code: "VAT20", rate: "20" }] }], shipping: [], total: "22.20" },
    ],
    [
      "USD: tax-inclusive prices (24.00 with 20 % VAT in it) and taxed shipping",
      {
        items: [{ ...shirt, unit_price: 24, is_tax_inclusive: true, subtotal: 40, discount_subtotal: 0, tax_lines: vat20 }],
        shipping_methods: [{ name: "Express", amount: 6, is_tax_inclusive: true, subtotal: 5, tax_lines: vat20 }],
        total: 54,
      },
      {
        lines: [{ sku: "SHIRT", title: "Shirt", quantity: 2, unitPrice: "20.00", netAmount: "40.00", taxes: [{ code: "VAT20", rate: "20" }] }],
        shipping: [{ title: "Shipping: Express", netAmount: "5.00", taxes: [{ code: "VAT20", rate: "20" }] }],
        total: "54.00",
      },
    ],
    [
      "USD: several tax lines on one item (state 6 % and city 2.5 %)",
      { items: [{ ...shirt, quantity: 1, subtotal: 20, tax_lines: [{ code: "US-STATE", rate: 6 }, { code: "US-CITY", rate: 2.5 }] }], shipping_methods: [], total: 21.7 },
      { lines: [{ sku: "SHIRT", title: "Shirt", quantity: 1, unitPrice: "20.00", netAmount: "20.00", taxes: [{ code: "US-STATE", rate: "6" }, { code: "US-CITY", rate: "2.5" }] }], shipping: [], total: "21.70" },
    ],
    [
      "USD: free shipping by promotion (the method's whole amount discounted) is no line",
      { items: [{ ...shirt, subtotal: 40 }], shipping_methods: [{ name: "Standard", amount: 5, subtotal: 5, discount_subtotal: 5 }], total: 40 },
      { lines: [{ sku: "SHIRT", title: "Shirt", quantity: 2, unitPrice: "20.00", netAmount: "40.00", taxes: [] }], shipping: [], total: "40.00" },
    ],
    [
      "USD: half-price shipping",
      { items: [{ ...shirt, subtotal: 40 }], shipping_methods: [{ name: "Standard", amount: 5, subtotal: 5, discount_subtotal: 2.5 }], total: 42.5 },
      { lines: [{ sku: "SHIRT", title: "Shirt", quantity: 2, unitPrice: "20.00", netAmount: "40.00", taxes: [] }], shipping: [{ title: "Shipping: Standard", netAmount: "2.50", taxes: [] }], total: "42.50" },
    ],
    [
      "JPY (0 decimals): three ¥1,000 cups with ¥500 off the order, 10 % consumption tax",
      { currency_code: "jpy", items: [{ id: "i3", title: "Cup", variant_sku: "CUP", quantity: 3, unit_price: 1000, subtotal: 3000, discount_subtotal: 500, tax_lines: [{ code: "JP10", rate: 10 }] }], shipping_methods: [], total: 2750 },
      { lines: [{ sku: "CUP", title: "Cup", quantity: 3, unitPrice: "1000", netAmount: "2500", taxes: [{ code: "JP10", rate: "10" }] }], shipping: [], total: "2750" },
    ],
    [
      "KWD (3 decimals): three 1.250 KWD items with 10 % off",
      { currency_code: "kwd", items: [{ id: "i4", title: "Dates", variant_sku: "DATES", quantity: 3, unit_price: 1.25, subtotal: 3.75, discount_subtotal: 0.375 }], shipping_methods: [{ name: "Courier", amount: 0.5, subtotal: 0.5 }], total: 3.875 },
      {
        lines: [{ sku: "DATES", title: "Dates", quantity: 3, unitPrice: "1.250", netAmount: "3.375", taxes: [] }],
        shipping: [{ title: "Shipping: Courier", netAmount: "0.500", taxes: [] }],
        total: "3.875",
      },
    ],
    [
      "KWD: a third off 1.000 leaves a net amount rounded half-up to the fils",
      { currency_code: "kwd", items: [{ id: "i5", title: "Tea", variant_sku: "TEA", quantity: 1, unit_price: 1, subtotal: 1, discount_subtotal: "0.3333333" }], shipping_methods: [], total: "0.6666667" },
      { lines: [{ sku: "TEA", title: "Tea", quantity: 1, unitPrice: "1.000", netAmount: "0.667", taxes: [] }], shipping: [], total: "0.667" },
    ],
  ])("money: %s", (_, overrides, expected) => {
    expect(mapOrderForErp(order(overrides), "erp", "UTC")).toMatchObject(expected)
  })

  it.each<[string, Partial<OrderForErp>, string]>([
    ["no order total", { total: undefined }, "Cannot sync order #1042 to erp: Medusa gave no order total (the sync reads `total`; is a field selection missing?)"],
    [
      "a tax-inclusive item without Medusa's subtotal (its net amount cannot be told)",
      { items: [{ ...shirt, is_tax_inclusive: true, tax_lines: vat20 }] },
      "Cannot sync order #1042 to erp: line item 'Shirt' has no amount (Medusa gave no subtotal)",
    ],
    [
      "a line discounted below zero",
      { items: [{ ...shirt, subtotal: 40, discount_subtotal: 41 }] },
      "Cannot sync order #1042 to erp: line item 'Shirt' comes to -1 after its discounts, which is below zero",
    ],
  ])("money: refuses %s", (_, overrides, message) => {
    expect(thrownBy(() => mapOrderForErp(order(overrides), "erp", "UTC"))).toMatchObject({ message, code: "invalid_order", retryable: false })
  })

  const item = { id: "item_1", title: "Blue shirt", variant_sku: "SHIRT-BLUE-M", quantity: 1, unit_price: 19.9 }

  it.each<[string, Partial<OrderForErp>, string]>([
    ["missing SKU", { items: [{ ...item, variant_sku: null }] }, "Cannot sync order #1042 to erp: line item 'Blue shirt' has no SKU"],
    ["blank SKU", { items: [{ ...item, variant_sku: "  " }] }, "Cannot sync order #1042 to erp: line item 'Blue shirt' has no SKU"],
    [
      "missing SKU on an untitled item",
      { items: [{ ...item, title: null, product_title: null, variant_sku: null }] },
      "Cannot sync order #1042 to erp: line item 'item_1' has no SKU",
    ],
    ["no items", { items: [] }, "Cannot sync order #1042 to erp: it has no line items"],
    ["items null", { items: null }, "Cannot sync order #1042 to erp: it has no line items"],
    ["only null items", { items: [null] }, "Cannot sync order #1042 to erp: it has no line items"],
    // An order edit that took out the only item leaves its row at 0: nothing is sold.
    ["zero quantity on the only item", { items: [{ ...item, quantity: 0 }] }, "Cannot sync order #1042 to erp: it has no line items"],
    ["negative quantity", { items: [{ ...item, quantity: -1 }] }, "Cannot sync order #1042 to erp: line item 'Blue shirt' has quantity -1"],
    [
      "no quantity anywhere",
      { items: [{ ...item, quantity: undefined, detail: null }] },
      "Cannot sync order #1042 to erp: line item 'Blue shirt' has no quantity",
    ],
    ["no e-mail", { email: null, customer: null }, "Cannot sync order #1042 to erp: it has no customer e-mail"],
    ["no shipping address", { shipping_address: null }, "Cannot sync order #1042 to erp: it has no shipping address"],
    [
      "shipping address without city",
      { shipping_address: { ...shippingAddress, city: null } },
      "Cannot sync order #1042 to erp: the shipping address has no city",
    ],
    [
      "shipping address with a blank city",
      { shipping_address: { ...shippingAddress, city: "   " } },
      "Cannot sync order #1042 to erp: the shipping address has no city",
    ],
    [
      "shipping address without street",
      { shipping_address: { ...shippingAddress, address_1: "", address_2: " " } },
      "Cannot sync order #1042 to erp: the shipping address has no street (address_1)",
    ],
    [
      "shipping address without a recipient",
      { shipping_address: { ...shippingAddress, first_name: null, last_name: null, company: null } },
      "Cannot sync order #1042 to erp: the shipping address has no recipient name (first_name/last_name or company)",
    ],
    [
      "billing address with a street but no city",
      { billing_address: { first_name: "Jane", address_1: "1 Market Square", city: "" } },
      "Cannot sync order #1042 to erp: the billing address has no city",
    ],
    [
      "no display_id",
      { display_id: undefined, items: [] },
      "Cannot sync order #order_01JD8Z3K to erp: it has no line items",
    ],
  ])("rejects %s as a permanent IntegrationError", (_, overrides, message) => {
    const thrown = thrownBy(() => mapOrderForErp(order(overrides), "erp", "UTC"))
    expect(thrown).toBeInstanceOf(IntegrationError)
    const err = thrown as IntegrationError
    expect({ message: err.message, retryable: err.retryable, code: err.code, connectionId: err.connectionId }).toEqual({
      message,
      retryable: false,
      code: "invalid_order",
      connectionId: "erp",
    })
  })

  it.each([
    ["canceled", "Order #1042 was canceled before it reached erp; nothing to send"],
    ["draft", "Order #1042 is a draft; it is sent when placed"],
  ])("skips a %s order", (status, message) => {
    for (const overrides of [{ status }, { status, items: [] }]) {
      // even an order that would fail validation is skipped, not failed
      const thrown = thrownBy(() => mapOrderForErp(order(overrides), "erp", "UTC"))
      expect(thrown).toBeInstanceOf(SyncSkipped)
      expect({ message: (thrown as SyncSkipped).message, skip: (thrown as SyncSkipped).skip }).toEqual({ message, skip: true })
    }
  })
})

describe("mapOrderForErp: a line Medusa sold whatever the stock is a backorder", () => {
  type Variant = NonNullable<NonNullable<OrderForErp["items"]>[number]>["variant"]
  const shirt = { id: "item_1", title: "Blue shirt", variant_sku: "SHIRT-BLUE", quantity: 5, unit_price: 20 }
  it.each<[string, Variant, boolean | undefined]>([
    ["the variant allows backorders", { allow_backorder: true, manage_inventory: true }, true],
    ["Medusa does not manage the variant's inventory", { allow_backorder: false, manage_inventory: false }, true],
    ["both", { allow_backorder: true, manage_inventory: false }, true],
    ["an ordinary variant (no backorders, inventory managed)", { allow_backorder: false, manage_inventory: true }, undefined],
    ["a variant whose flags Medusa gave as null", { allow_backorder: null, manage_inventory: null }, undefined],
    ["a variant deleted since (the link gives null)", null, undefined],
    ["a variant not read at all", undefined, undefined],
  ])("%s → backorder %s", (_, variant, backorder) => {
    const [line] = mapOrderForErp(order({ items: [{ ...shirt, variant }] }), "erp", "UTC").lines
    expect(line.backorder).toBe(backorder)
    expect("backorder" in line).toBe(backorder !== undefined)
  })

  it("keeps each line's own flag: a backorder line next to an ordinary one", () => {
    const items = [{ ...shirt, variant: { allow_backorder: true, manage_inventory: true } }, { ...shirt, id: "item_2", title: "Red mug", variant_sku: "MUG-RED", variant: { allow_backorder: false, manage_inventory: true } }]
    expect(mapOrderForErp(order({ items }), "erp", "UTC").lines.map((l) => [l.sku, l.backorder])).toEqual([["SHIRT-BLUE", true], ["MUG-RED", undefined]])
  })

  it("keeps the flag of the variant sold when staff corrected the line's SKU", () => {
    const corrected = applyOrderCorrections(order({ items: [{ ...shirt, variant: { allow_backorder: true } }] }), { "items.item_1.variant_sku": "SHIRT-NAVY" })
    expect(mapOrderForErp(corrected, "erp", "UTC").lines.map((l) => [l.sku, l.backorder])).toEqual([["SHIRT-NAVY", true]])
  })
})

describe("mapOrderForErp: quantities in Medusa's { value } form", () => {
  it("reads { value } quantities like numbers", () => {
    const base = order()
    const withValue = order({ items: [{ ...base.items![0]!, quantity: { value: "2" } }] })
    expect(mapOrderForErp(withValue, "erp", "UTC").lines[0].quantity).toBe(2)
  })
})

describe("mapOrderForErp: the order date is the store's calendar date", () => {
  it.each<[string | Date, string, string, string]>([
    ["2026-12-31T23:30:00-05:00", "America/New_York", "2026-12-31", "2027-01-01T04:30:00.000Z"],
    ["2026-12-31T23:30:00-05:00", "UTC", "2027-01-01", "2027-01-01T04:30:00.000Z"],
    ["2027-01-01T04:30:00Z", "America/New_York", "2026-12-31", "2027-01-01T04:30:00.000Z"],
    ["2026-03-31T23:30:00-04:00", "America/New_York", "2026-03-31", "2026-04-01T03:30:00.000Z"],
    ["2026-03-08T04:30:00Z", "America/New_York", "2026-03-07", "2026-03-08T04:30:00.000Z"],
    ["2026-03-29T22:30:00Z", "Europe/Berlin", "2026-03-30", "2026-03-29T22:30:00.000Z"],
    ["2026-12-31T15:30:00Z", "Asia/Tokyo", "2027-01-01", "2026-12-31T15:30:00.000Z"],
    ["2026-12-31T10:00:00Z", "Pacific/Kiritimati", "2027-01-01", "2026-12-31T10:00:00.000Z"],
    [new Date("2026-11-22T03:00:00Z"), "America/New_York", "2026-11-21", "2026-11-22T03:00:00.000Z"],
  ])("an order placed at %s in %s is dated %s (placed at %s)", (created_at, timeZone, orderDate, placedAt) => {
    expect(mapOrderForErp(order({ created_at }), "erp", timeZone)).toMatchObject({ orderDate, placedAt })
  })
})
