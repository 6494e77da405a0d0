import { dealOf, OrderForCrm } from "../deal"

/** Two $20 shirts and $5 shipping: $45, or less once returns took units back (Medusa's total leaves them out). */
const order = (more: Partial<OrderForCrm> = {}, refunds: number[] = []): OrderForCrm => ({
  id: "order_1",
  display_id: 7,
  currency_code: "usd",
  status: "pending",
  created_at: "2026-12-01T10:00:00Z",
  total: 45,
  items: [{ title: "Blue shirt", variant_sku: "SHIRT-BLUE", quantity: 2, unit_price: 20 }],
  payment_collections: [{ payments: [{ refunds: refunds.map((amount) => ({ amount })) }] }],
  ...more,
})
const deal = (o: OrderForCrm) => {
  const { amount, state } = dealOf(o, "contact_1", null)
  return { amount, state }
}

describe("dealOf", () => {
  it.each<[string, OrderForCrm, { amount: string; state: string }]>([
    ["an order as placed", order(), { amount: "45.00", state: "placed" }],
    ["a goodwill refund lowers the deal", order({}, [5]), { amount: "40.00", state: "placed" }],
    ["a returned shirt refunded lowers it once (Medusa's total already leaves the shirt out)", order({ total: 25, return_received_total: 20 }, [20]), { amount: "25.00", state: "placed" }],
    ["a refund before the return is received lowers it once too", order({}, [20]), { amount: "25.00", state: "placed" }],
    ["a returned shirt refunded with $5 on top for the trouble", order({ total: 25, return_received_total: 20 }, [25]), { amount: "20.00", state: "placed" }],
    ["a returned shirt not refunded yet", order({ total: 25, return_received_total: 20 }), { amount: "25.00", state: "placed" }],
    ["a dismissed return (damaged on arrival) counts as returned", order({ total: 25, return_dismissed_total: 20 }, [20]), { amount: "25.00", state: "placed" }],
    ["everything refunded", order({}, [45]), { amount: "0.00", state: "refunded" }],
    ["everything returned and refunded, shipping too", order({ total: 5, return_received_total: 40 }, [45]), { amount: "0.00", state: "refunded" }],
    ["a canceled order", order({ status: "canceled" }), { amount: "45.00", state: "canceled" }],
  ])("%s", (_, o, expected) => {
    expect(deal(o)).toEqual(expected)
  })
})
