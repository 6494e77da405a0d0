import { IntegrationError, SyncSkipped } from "../../../lib/errors"
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
    expect(mapOrderForErp(order(), "erp")).toEqual({
      reference: "medusa:order_01JD8Z3K",
      orderNumber: "1042",
      currencyCode: "USD",
      orderDate: "2026-11-22",
      customer: {
        email: "jane@example.com",
        name: "Jane Doe",
        phone: "+1 207 555 0100",
        shippingAddress: mappedShipping,
        billingAddress: mappedShipping,
      },
      lines: [
        { sku: "SHIRT-BLUE-M", title: "Blue shirt", quantity: 2, unitPrice: "19.90" },
        { sku: "SOCKS-3PK", title: "Socks", quantity: 3, unitPrice: "4.50" },
      ],
      shipping: { title: "Shipping: Standard", amount: "4.99" },
    })
  })

  it("uses orderReference for the idempotency key", () => {
    expect(orderReference("order_1")).toBe("medusa:order_1")
  })

  it("maps a separate billing address when it has a street", () => {
    const draft = mapOrderForErp(
      order({
        billing_address: { company: "Doe Trading", address_1: "1 Market Square", city: "Boston", postal_code: null, country_code: null },
      }),
      "erp"
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
    ["no shipping methods", { shipping_methods: null }, { shipping: null }],
    ["free shipping", { shipping_methods: [{ name: "Pickup", amount: 0 }] }, { shipping: null }],
    [
      "several shipping methods",
      { shipping_methods: [{ name: "Standard", amount: 5 }, null, { name: "Insurance", amount: "1.5" }] },
      { shipping: { title: "Shipping: Standard, Insurance", amount: "6.50" } },
    ],
    ["an unnamed shipping method", { shipping_methods: [{ amount: 5 }] }, { shipping: { title: "Shipping: Shipping", amount: "5.00" } }],
    ["the order id when there is no display_id", { display_id: null }, { orderNumber: "order_01JD8Z3K" }],
    ["a Date created_at", { created_at: new Date("2026-01-05T23:59:59.000Z") }, { orderDate: "2026-01-05" }],
    [
      "a zero-decimal currency",
      { currency_code: "jpy", items: [{ id: "i", title: "Tea", variant_sku: "TEA", quantity: 1, unit_price: 1500.5 }], shipping_methods: [{ name: "Post", amount: 800 }] },
      { currencyCode: "JPY", lines: [{ sku: "TEA", title: "Tea", quantity: 1, unitPrice: "1501" }], shipping: { title: "Shipping: Post", amount: "800" } },
    ],
  ])("takes %s", (_, overrides, expected) => {
    expect(mapOrderForErp(order(overrides), "erp")).toMatchObject(expected)
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
    ["zero quantity", { items: [{ ...item, quantity: 0 }] }, "Cannot sync order #1042 to erp: line item 'Blue shirt' has quantity 0"],
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
    const thrown = thrownBy(() => mapOrderForErp(order(overrides), "erp"))
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
      const thrown = thrownBy(() => mapOrderForErp(order(overrides), "erp"))
      expect(thrown).toBeInstanceOf(SyncSkipped)
      expect({ message: (thrown as SyncSkipped).message, skip: (thrown as SyncSkipped).skip }).toEqual({ message, skip: true })
    }
  })
})

describe("mapOrderForErp: quantities in Medusa's { value } form", () => {
  it("reads { value } quantities like numbers", () => {
    const base = order()
    const withValue = order({ items: [{ ...base.items![0]!, quantity: { value: "2" } }] })
    expect(mapOrderForErp(withValue, "erp").lines[0].quantity).toBe(2)
  })
})
