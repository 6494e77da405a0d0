import type { ErpOrderDraft, OrderForErp } from "../../sync-order-to-erp/order-mapper"
import { customerKey, lineChanges, orderAsOf } from "../revision"

const address = { name: "Jane Doe", street: "12 Harbour Street", city: "Portland", postalCode: "04101", countryCode: "US" }
const draft = (over: Partial<ErpOrderDraft> = {}): ErpOrderDraft => ({
  reference: "medusa:order_1", orderNumber: "7", currencyCode: "EUR", orderDate: "2026-12-06", placedAt: "2026-12-06T10:00:00.000Z",
  customer: { email: "Jane@Example.com", name: "Jane Doe", phone: null, shippingAddress: address, billingAddress: address },
  lines: [
    { sku: "SHIRT", title: "Shirt", quantity: 2, unitPrice: "20.00", netAmount: "40.00", taxes: [] },
    { sku: "MUG", title: "Mug", quantity: 1, unitPrice: "9.50", netAmount: "9.50", taxes: [] },
  ],
  shipping: [], total: "49.50", checks: { stock: true, priceTolerancePercent: null },
  ...over,
})

describe("lineChanges: what an edit changed in what the sale sells", () => {
  it.each<[string, { total: string | null; lines: Array<{ sku: string; quantity: number }> }, string[]]>([
    ["nothing", { total: "49.50", lines: [{ sku: "SHIRT", quantity: 2 }, { sku: "MUG", quantity: 1 }] }, []],
    ["nothing, the ERP's total with fewer digits", { total: "49.5", lines: [{ sku: "MUG", quantity: 1 }, { sku: "SHIRT", quantity: 2 }] }, []],
    ["a quantity and the total", { total: "29.50", lines: [{ sku: "SHIRT", quantity: 1 }, { sku: "MUG", quantity: 1 }] }, ["total 29.50 → 49.50 EUR", "SHIRT ×1 → ×2"]],
    ["an item added", { total: "40.00", lines: [{ sku: "SHIRT", quantity: 2 }] }, ["total 40.00 → 49.50 EUR", "MUG added (×1)"]],
    ["an item taken out", { total: "49.50", lines: [{ sku: "SHIRT", quantity: 2 }, { sku: "MUG", quantity: 1 }, { sku: "CAP", quantity: 2 }] }, ["CAP removed (was ×2)"]],
    ["an ERP that gives no total: the lines alone", { total: null, lines: [{ sku: "SHIRT", quantity: 2 }, { sku: "MUG", quantity: 1 }] }, []],
  ])("%s", (_, sale, expected) => {
    expect(lineChanges(draft(), sale)).toEqual(expected)
  })

  it("sums the draft's lines of one SKU, as the ERP's read does", () => {
    const split = draft({ lines: [...draft().lines, { sku: "MUG", title: "Mug (gift)", quantity: 2, unitPrice: "9.50", netAmount: "19.00", taxes: [] }], total: "68.50" })
    expect(lineChanges(split, { total: "68.50", lines: [{ sku: "SHIRT", quantity: 2 }, { sku: "MUG", quantity: 3 }] })).toEqual([])
  })
})

describe("customerKey", () => {
  it("is the same for an e-mail in another case, and differs for another street", () => {
    const other = draft({ customer: { ...draft().customer, email: "jane@example.com" } })
    expect(customerKey(other)).toBe(customerKey(draft()))
    const moved = draft({ customer: { ...draft().customer, shippingAddress: { ...address, street: "7 Quay Lane" } } })
    expect(customerKey(moved)).not.toBe(customerKey(draft()))
    expect(customerKey(draft())).not.toContain("Harbour")
  })
})

describe("orderAsOf: the order's e-mail and addresses as they were when its sale was made", () => {
  const order = { id: "order_1", status: "pending", currency_code: "eur", created_at: "2026-12-06T10:00:00Z", email: "new@example.com", shipping_address: { address_1: "Now" } } as OrderForErp
  const madeAt = new Date("2026-12-06T10:05:00Z")

  it("takes the value before the first update after the sale was made", () => {
    const updates = [
      { created_at: "2026-12-06T10:10:00Z", type: "shipping_address", old: { address_1: "First" } },
      { created_at: "2026-12-06T10:20:00Z", type: "shipping_address", old: { address_1: "Second" } },
      { created_at: "2026-12-06T10:15:00Z", type: "email", old: "old@example.com" },
    ]
    expect(orderAsOf(order, updates, madeAt)).toMatchObject({ email: "old@example.com", shipping_address: { address_1: "First" } })
  })

  it("ignores updates made before the sale (the sale was made with them) and other kinds of update", () => {
    const updates = [
      { created_at: "2026-12-06T10:01:00Z", type: "shipping_address", old: { address_1: "Before" } },
      { created_at: "2026-12-06T10:30:00Z", type: "metadata", old: { a: 1 } },
    ]
    expect(orderAsOf(order, updates, madeAt)).toEqual(order)
  })
})
