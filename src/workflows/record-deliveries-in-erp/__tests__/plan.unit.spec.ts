import { IntegrationError } from "../../../lib/errors"
import { sentOutBy } from "../../sync-exchanges-to-erp/sent-out"
import { OrderForDeliveries, planErpDeliveries } from "../plan"

const ctx = { connectionId: "erp", timeZone: "America/New_York", sentOutBy: new Map<string, string>() }
const items = [
  { id: "item_shirt", title: "Blue shirt", variant_sku: "SHIRT-BLUE" },
  { id: "item_mug", title: "Red mug", variant_sku: "MUG-RED" },
  { id: "item_shirt_out", title: "Blue shirt", variant_sku: "SHIRT-BLUE" },
]
const fulfillment = (id: string, shippedAt: string | null, lines: Array<[string, number | string]>, extra: Record<string, unknown> = {}) => ({
  id, shipped_at: shippedAt, canceled_at: null, items: lines.map(([line_item_id, quantity]) => ({ line_item_id, quantity })), ...extra,
})
const order = (fulfillments: OrderForDeliveries["fulfillments"]): OrderForDeliveries => ({ id: "order_1", display_id: 1042, items, fulfillments })

describe("planErpDeliveries: which goods left, once per fulfillment Medusa marked shipped", () => {
  it("plans one delivery per shipped fulfillment, oldest first, lines by SKU, dated on the store's calendar", () => {
    const plan = planErpDeliveries(order([
      fulfillment("ful_b", "2027-01-01T03:00:00Z", [["item_shirt", 1], ["item_mug", "2"]]),
      fulfillment("ful_a", "2026-12-31T12:00:00Z", [["item_shirt", 1]]),
    ]), [], ctx)
    expect(plan).toEqual({
      number: "1042",
      deliveries: [
        { fulfillment_id: "ful_a", reference: "medusa:ful_a", subject: { kind: "order" }, lines: [{ sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1 }], date: "2026-12-31" },
        // 03:00 UTC on 1 January is still 31 December in New York.
        { fulfillment_id: "ful_b", reference: "medusa:ful_b", subject: { kind: "order" }, lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 2 }, { sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1 }], date: "2026-12-31" },
      ],
      delivered_after: ["medusa:ful_a", "medusa:ful_b"],
    })
  })

  it("leaves out what the ERP was told, what is not shipped yet, what was cancelled, and what this ERP shipped itself", () => {
    const plan = planErpDeliveries(order([
      fulfillment("ful_told", "2026-12-01T10:00:00Z", [["item_shirt", 1]]),
      fulfillment("ful_packed", null, [["item_mug", 1]]),
      { ...fulfillment("ful_cancelled", "2026-12-01T10:00:00Z", [["item_mug", 1]]), canceled_at: "2026-12-01T11:00:00Z" },
      fulfillment("ful_from_erp", "2026-12-01T10:00:00Z", [["item_mug", 1]], { metadata: { integration_hub: { erp_shipment: "erp:17" } } }),
      fulfillment("ful_from_other_erp", "2026-12-01T10:00:00Z", [["item_mug", 1]], { metadata: { integration_hub: { erp_shipment: "erp2:17" } } }),
    ]), ["medusa:ful_told"], ctx)
    expect(plan.deliveries.map((d) => d.reference)).toEqual(["medusa:ful_from_other_erp"])
    expect(plan.delivered_after).toEqual(["medusa:ful_told", "medusa:ful_from_other_erp"])
  })

  it("puts the items an exchange or claim sent out on that exchange's sale, under a reference of their own", () => {
    const sent = sentOutBy([{ id: "oexc_1", additional_items: [{ item_id: "item_shirt_out" }, null] }])
    const plan = planErpDeliveries(order([fulfillment("ful_1", "2026-12-01T10:00:00Z", [["item_mug", 1], ["item_shirt_out", 1]])]), [], { ...ctx, sentOutBy: sent })
    expect(plan.deliveries.map((d) => [d.reference, d.subject, d.lines.map((l) => `${l.sku} ×${l.quantity}`)])).toEqual([
      ["medusa:ful_1", { kind: "order" }, ["MUG-RED ×1"]],
      ["medusa:ful_1/oexc_1", { kind: "exchange", change_id: "oexc_1" }, ["SHIRT-BLUE ×1"]],
    ])
    // Told of the exchange's part only: the order's part is still to send.
    expect(planErpDeliveries(order([fulfillment("ful_1", "2026-12-01T10:00:00Z", [["item_mug", 1], ["item_shirt_out", 1]])]), ["medusa:ful_1/oexc_1"], { ...ctx, sentOutBy: sent }).deliveries.map((d) => d.reference)).toEqual(["medusa:ful_1"])
  })

  it("refuses an item without a SKU, naming the fulfillment, the order and the line", () => {
    const noSku = { ...order([fulfillment("ful_1", "2026-12-01T10:00:00Z", [["item_gift", 1]])]), items: [{ id: "item_gift", title: "Gift wrap", variant_sku: " " }] }
    expect(() => planErpDeliveries(noSku, [], ctx)).toThrow(IntegrationError)
    expect(() => planErpDeliveries(noSku, [], ctx)).toThrow("Cannot record fulfillment ful_1 of order #1042 in erp: line item 'Gift wrap' has no SKU")
  })

  it("plans nothing when nothing was shipped, and nothing again once the ERP has every parcel", () => {
    expect(planErpDeliveries(order([fulfillment("ful_1", null, [["item_mug", 1]])]), [], ctx).deliveries).toEqual([])
    expect(planErpDeliveries(order([fulfillment("ful_1", "2026-12-01T10:00:00Z", [["item_mug", 1]])]), ["medusa:ful_1"], ctx).deliveries).toEqual([])
  })
})
