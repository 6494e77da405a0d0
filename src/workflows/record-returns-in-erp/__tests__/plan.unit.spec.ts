import { OrderForReturns, planErpReturns } from "../plan"

const ctx = { connectionId: "erp", timeZone: "America/New_York", now: new Date("2026-12-06T12:00:00Z") }
const order = (returns: OrderForReturns["returns"]): OrderForReturns => ({
  id: "order_1", display_id: 12,
  items: [
    { id: "item_shirt", title: "Blue shirt", variant_sku: "SHIRT-BLUE" },
    { id: "item_mug", title: "Red mug", variant_sku: "MUG-RED" },
    { id: "item_gift", title: "Gift card", variant_sku: null },
  ],
  returns,
})
const received = (id: string, items: Record<string, number>, at = "2026-12-06T03:00:00Z") => ({
  id, status: "received", created_at: "2026-12-05T10:00:00Z", received_at: at,
  items: Object.entries(items).map(([item_id, received_quantity]) => ({ item_id, received_quantity })),
})

describe("planErpReturns", () => {
  it("makes one ERP return per receipt, by the return's reference, dated in the store's zone", () => {
    expect(planErpReturns(order([received("ret_1", { item_shirt: 1, item_mug: 2 })]), {}, ctx)).toEqual({
      number: "12",
      returns: [{ return_id: "ret_1", reference: "medusa:ret_1", subject: { kind: "order" }, date: "2026-12-05", lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 2 }, { sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1 }], returned_after: { item_shirt: 1, item_mug: 2 } }],
      returned_after: { ret_1: { item_shirt: 1, item_mug: 2 } },
    })
  })

  it("sends nothing the ERP was told before, and only the rest of a return received in two parts, under a reference of its own", () => {
    const later = order([received("ret_1", { item_shirt: 2, item_mug: 2 })])
    const plan = planErpReturns(later, { ret_1: { item_shirt: 1, item_mug: 2 } }, ctx)
    expect(plan.returns).toEqual([expect.objectContaining({ reference: "medusa:ret_1/4", lines: [{ sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1 }] })])
    expect(planErpReturns(later, plan.returned_after, ctx).returns).toEqual([])
  })

  it("takes the items an exchange sent out back against the exchange's sale, as an ERP return of their own", () => {
    const withExchange = { ...order([received("ret_1", { item_mug: 1, item_shirt_out: 1 })]), items: [...order([]).items!, { id: "item_shirt_out", title: "Blue shirt", variant_sku: "SHIRT-BLUE" }] }
    const plan = planErpReturns(withExchange, {}, { ...ctx, sentOutBy: new Map([["item_shirt_out", "oexc_1"]]) })
    expect(plan.returns.map((r) => [r.reference, r.subject, r.lines.map((l) => `${l.sku} ×${l.quantity}`)])).toEqual([
      ["medusa:ret_1", { kind: "order" }, ["MUG-RED ×1"]],
      ["medusa:ret_1/oexc_1", { kind: "exchange", change_id: "oexc_1" }, ["SHIRT-BLUE ×1"]],
    ])
    expect(plan.returned_after).toEqual({ ret_1: { item_mug: 1, item_shirt_out: 1 } })
    expect(planErpReturns(withExchange, plan.returned_after, { ...ctx, sentOutBy: new Map([["item_shirt_out", "oexc_1"]]) }).returns).toEqual([])
  })

  it("leaves out returns not received yet (received 0) and keeps every return's baseline", () => {
    const plan = planErpReturns(order([{ ...received("ret_2", { item_mug: 0 }), status: "requested", received_at: null }]), { ret_1: { item_shirt: 1 } }, ctx)
    expect(plan.returns).toEqual([])
    expect(plan.returned_after).toEqual({ ret_1: { item_shirt: 1 } })
  })

  it("refuses an item without a SKU, naming the return, the order and the line", () => {
    expect(() => planErpReturns(order([received("ret_3", { item_gift: 1 })]), {}, ctx)).toThrow(
      "Cannot record return ret_3 of order #12 in erp: line item 'Gift card' has no SKU, so the ERP cannot tell which product came back. Give its variant a SKU in Medusa (as the ERP's product code), then retry."
    )
  })
})
