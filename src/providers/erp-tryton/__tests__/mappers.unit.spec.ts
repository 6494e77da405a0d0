import type { ErpAddress } from "../../types"
import { isSameAddress, netUnitPrice, toTrytonAddress, toTrytonDate, toTrytonDecimal } from "../mappers"
import type { TrytonAddress } from "../types"

describe("toTrytonDecimal", () => {
  it.each(["19.90", "0", "1500", "-5", "-0.01", "0.125"])("wraps %s as a Tryton Decimal", (amount) => {
    expect(toTrytonDecimal(amount)).toEqual({ __class__: "Decimal", decimal: amount })
  })

  it.each(["1e5", "12,50", "", " 1.00", "1.", ".5", "+1", "NaN", "Infinity", "1 000", "0x10"])(
    "rejects %j",
    (amount) => {
      expect(() => toTrytonDecimal(amount)).toThrow(new Error(`"${amount}" is not a decimal amount`))
    }
  )
})

describe("toTrytonDate", () => {
  it.each([
    ["2026-11-22", { __class__: "date", year: 2026, month: 11, day: 22 }],
    ["2026-01-05", { __class__: "date", year: 2026, month: 1, day: 5 }],
    ["1999-12-31", { __class__: "date", year: 1999, month: 12, day: 31 }],
  ])("%s → %j", (iso, expected) => {
    expect(toTrytonDate(iso)).toEqual(expected)
  })

  it.each(["2026-11-22T05:43:24.000Z", "22/11/2026", "2026-1-5", "", "20261122"])("rejects %j", (iso) => {
    expect(() => toTrytonDate(iso)).toThrow(new Error(`"${iso}" is not an ISO date (YYYY-MM-DD)`))
  })
})

const wanted: ErpAddress = {
  name: "Jane Doe",
  street: "12 Harbour Street\nApt 4",
  city: "Portland",
  postalCode: "04101",
  countryCode: "US",
}

const existing = (overrides: Partial<TrytonAddress> = {}): TrytonAddress => ({
  id: 7,
  name: "Jane Doe",
  street: "12 Harbour Street\nApt 4",
  city: "Portland",
  postal_code: "04101",
  country: 42,
  ...overrides,
})

describe("isSameAddress", () => {
  it.each<[string, TrytonAddress, ErpAddress, boolean]>([
    ["identical", existing(), wanted, true],
    ["different case", existing({ street: "12 HARBOUR STREET\napt 4", city: "PORTLAND" }), wanted, true],
    ["different spacing and line breaks", existing({ street: "  12  Harbour Street Apt 4 ", city: " Portland" }), wanted, true],
    ["different recipient name", existing({ name: "J. Doe" }), wanted, true],
    ["different country (not compared)", existing({ country: null }), wanted, true],
    ["no postal code on either side", existing({ postal_code: null }), { ...wanted, postalCode: null }, true],
    ["null vs empty postal code", existing({ postal_code: "" }), { ...wanted, postalCode: null }, true],
    ["different postal code", existing({ postal_code: "04102" }), wanted, false],
    ["postal code missing on one side", existing({ postal_code: null }), wanted, false],
    ["different street", existing({ street: "14 Harbour Street\nApt 4" }), wanted, false],
    ["different apartment", existing({ street: "12 Harbour Street\nApt 5" }), wanted, false],
    ["different city", existing({ city: "South Portland" }), wanted, false],
    ["street missing in Tryton", existing({ street: null }), wanted, false],
  ])("%s → %s", (_, a, b, expected) => {
    expect(isSameAddress(a, b)).toBe(expected)
  })
})

describe("toTrytonAddress", () => {
  it.each<[ErpAddress, number | null, Record<string, unknown>]>([
    [wanted, 42, { name: "Jane Doe", street: "12 Harbour Street\nApt 4", postal_code: "04101", city: "Portland", country: 42 }],
    [
      { name: "Doe Trading", street: "1 Market Square", city: "Boston", postalCode: null, countryCode: null },
      null,
      { name: "Doe Trading", street: "1 Market Square", postal_code: null, city: "Boston", country: null },
    ],
  ])("maps %j with country %j", (address, country, expected) => {
    expect(toTrytonAddress(address, country)).toEqual(expected)
  })
})

describe("netUnitPrice", () => {
  it.each<[string, number, string]>([
    ["36.00", 2, "18.0000"],
    ["18.50", 3, "6.1667"],
    ["2500", 3, "833.3333"],
    ["3.375", 3, "1.1250"],
    ["0.667", 1, "0.6670"],
  ])("%s over %i units → %s (Tryton's 4 price digits)", (net, quantity, unit) => {
    expect(netUnitPrice(net, quantity)).toBe(unit)
  })
})
