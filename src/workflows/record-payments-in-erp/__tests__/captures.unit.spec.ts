import { capturesOf, moneyMovesOf, OrderForPayments } from "../index"

const order = (currency_code: string, captures: Array<{ id: string; amount: number | string; created_at: string } | null>, more: OrderForPayments["payment_collections"] = []): OrderForPayments => ({
  id: "order_1",
  currency_code,
  payment_collections: [{ payments: [{ id: "pay_1", captures }, null] }, null, ...(more ?? [])],
})

describe("capturesOf", () => {
  it("lists every capture of every payment, oldest first, each with its own reference", () => {
    expect(
      capturesOf(
        order("usd", [{ id: "capt_2", amount: 25, created_at: "2026-11-23T10:00:00Z" }, null, { id: "capt_1", amount: "20", created_at: "2026-11-22T09:00:00Z" }], [
          { payments: [{ id: "pay_2", captures: [{ id: "capt_3", amount: 1.5, created_at: "2026-11-24T00:00:00Z" }] }] },
        ]),
        "UTC"
      )
    ).toEqual([
      { reference: "medusa:capt_1", amount: "20.00", date: "2026-11-22" },
      { reference: "medusa:capt_2", amount: "25.00", date: "2026-11-23" },
      { reference: "medusa:capt_3", amount: "1.50", date: "2026-11-24" },
    ])
  })

  it.each<[string, number | string, string]>([
    ["jpy", 1500, "1500"],
    ["usd", "19.995", "20.00"],
    ["kwd", "3.3755", "3.376"],
  ])("formats a %s capture of %s as %s", (currency, amount, formatted) => {
    expect(capturesOf(order(currency, [{ id: "c", amount, created_at: "2026-11-22T00:00:00Z" }]), "UTC")[0].amount).toBe(formatted)
  })

  it("has none for an order without payments", () => {
    expect(capturesOf({ id: "o", currency_code: "usd", payment_collections: null }, "UTC")).toEqual([])
  })
})

describe("moneyMovesOf: the day of a capture or refund is the store's calendar date", () => {
  it.each<[string, string, string]>([
    ["2026-12-31T23:30:00-05:00", "America/New_York", "2026-12-31"],
    ["2026-12-31T23:30:00-05:00", "UTC", "2027-01-01"],
    ["2027-01-01T04:30:00Z", "America/New_York", "2026-12-31"],
    ["2026-10-25T22:30:00Z", "Europe/Berlin", "2026-10-25"],
    ["2026-12-31T15:30:00Z", "Asia/Tokyo", "2027-01-01"],
  ])("a move at %s in %s is dated %s", (created_at, timeZone, date) => {
    const o: OrderForPayments = { id: "order_1", currency_code: "usd", payment_collections: [{ payments: [{ id: "pay_1", captures: [{ id: "capt_1", amount: 10, created_at }], refunds: [{ id: "ref_1", amount: 4, created_at }] }] }] }
    expect(moneyMovesOf(o, "captures", timeZone)).toEqual([{ reference: "medusa:capt_1", amount: "10.00", date }])
    expect(moneyMovesOf(o, "refunds", timeZone)).toEqual([{ reference: "medusa:ref_1", amount: "4.00", date }])
  })
})
