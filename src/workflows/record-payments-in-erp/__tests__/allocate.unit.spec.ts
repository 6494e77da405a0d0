import { allocatePayments, PaymentToRecord, SaleToPay } from "../allocate"
import type { MoneyToRecord } from "../steps/record-erp-payments"

const capture = (id: string, amount: string, date = "2026-12-10"): MoneyToRecord => ({ reference: `medusa:${id}`, amount, date })
const paid = (id: string, amount: string, sale: string, date = "2026-12-10"): PaymentToRecord => ({ reference: id, amount, date, sale_external_id: sale })
/** The order's own sale (34.50) and its exchange's (10.50). */
const orderAndExchange: SaleToPay[] = [{ external_id: "SO-1", total: "34.50" }, { external_id: "SO-2", total: "10.50" }]

describe("allocatePayments", () => {
  it("puts every capture on the order's only sale as it is, whatever its sale's total", () => {
    const captures = [capture("capt_1", "20.00"), capture("capt_2", "25.00", "2026-12-11")]
    expect(allocatePayments(captures, [{ external_id: "SO-1", total: "34.50" }])).toEqual([
      paid("medusa:capt_1", "20.00", "SO-1"),
      paid("medusa:capt_2", "25.00", "SO-1", "2026-12-11"),
    ])
  })

  it("pays the order's sale first, then the exchange's: a capture of each sale's total lands on its own sale", () => {
    expect(allocatePayments([capture("capt_1", "34.50"), capture("capt_2", "10.50", "2026-12-12")], orderAndExchange)).toEqual([
      paid("medusa:capt_1", "34.50", "SO-1"),
      paid("medusa:capt_2", "10.50", "SO-2", "2026-12-12"),
    ])
  })

  it("splits a capture that pays both sales: the order's share under its reference, the rest on the exchange's under <reference>/2", () => {
    expect(allocatePayments([capture("capt_1", "45.00")], orderAndExchange)).toEqual([
      paid("medusa:capt_1", "34.50", "SO-1"),
      paid("medusa:capt_1/2", "10.50", "SO-2"),
    ])
  })

  it("numbers each further part of a capture that spans several sales", () => {
    const sales: SaleToPay[] = [...orderAndExchange, { external_id: "SO-3", total: "5.00" }]
    expect(allocatePayments([capture("capt_1", "10.00"), capture("capt_2", "40.00")], sales)).toEqual([
      paid("medusa:capt_1", "10.00", "SO-1"),
      paid("medusa:capt_2", "24.50", "SO-1"),
      paid("medusa:capt_2/2", "10.50", "SO-2"),
      paid("medusa:capt_2/3", "5.00", "SO-3"),
    ])
  })

  it("leaves what is paid beyond the last sale on the last sale (an overpayment the ERP shows)", () => {
    expect(allocatePayments([capture("capt_1", "40.00"), capture("capt_2", "10.00")], orderAndExchange)).toEqual([
      paid("medusa:capt_1", "34.50", "SO-1"),
      paid("medusa:capt_1/2", "5.50", "SO-2"),
      paid("medusa:capt_2", "10.00", "SO-2"),
    ])
  })

  it("skips a sale that comes to zero (an even exchange)", () => {
    const sales: SaleToPay[] = [{ external_id: "SO-1", total: "34.50" }, { external_id: "SO-2", total: "0.00" }, { external_id: "SO-3", total: "10.50" }]
    expect(allocatePayments([capture("capt_1", "45.00")], sales)).toEqual([
      paid("medusa:capt_1", "34.50", "SO-1"),
      paid("medusa:capt_1/2", "10.50", "SO-3"),
    ])
  })

  it.each<[string, string, SaleToPay[], string[]]>([
    ["jpy", "4500", [{ external_id: "SO-1", total: "3450" }, { external_id: "SO-2", total: "1050" }], ["3450", "1050"]],
    ["usd", "45.00", [{ external_id: "SO-1", total: "34.5" }, { external_id: "SO-2", total: "10.5" }], ["34.50", "10.50"]],
    ["kwd", "45.000", [{ external_id: "SO-1", total: "34.505" }, { external_id: "SO-2", total: "10.495" }], ["34.505", "10.495"]],
  ])("keeps the capture's decimals in each part (%s: %s)", (_, amount, sales, parts) => {
    expect(allocatePayments([capture("capt_1", amount)], sales).map((p) => p.amount)).toEqual(parts)
  })

  it("gives the same payments for the same captures and sales, so a repeated run registers nothing twice", () => {
    const captures = [capture("capt_1", "20.00"), capture("capt_2", "20.00"), capture("capt_3", "10.00")]
    const first = allocatePayments(captures, orderAndExchange)
    expect(allocatePayments(captures, orderAndExchange)).toEqual(first)
    expect(new Set(first.map((p) => p.reference)).size).toBe(first.length)
    expect(captures).toEqual([capture("capt_1", "20.00"), capture("capt_2", "20.00"), capture("capt_3", "10.00")])
    expect(orderAndExchange).toEqual([{ external_id: "SO-1", total: "34.50" }, { external_id: "SO-2", total: "10.50" }])
  })
})
