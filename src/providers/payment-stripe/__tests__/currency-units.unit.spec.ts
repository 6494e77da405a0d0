import { defaultCurrencies } from "@medusajs/framework/utils"
import { stripeUnitsPerMajor, toMajor } from "../currency-units"

// Every currency whose unit in Stripe's API is not ISO 4217's that Medusa's table holds (VUV is not in that table,
// so Medusa's money helpers count it in hundredths). The second column is Medusa's decimal_digits, kept to show the
// disagreement: if Medusa's table changes, this table is read again.
const DISAGREEING: Array<[string, number | undefined, number, number, string]> = [
  ["AFN", 0, 100, 150000, "1500.00"],
  ["ALL", 0, 100, 250050, "2500.50"],
  ["AMD", 0, 100, 1000000, "10000.00"],
  ["COP", 0, 100, 500000, "5000.00"],
  ["CRC", 0, 100, 123456, "1234.56"],
  ["HUF", 0, 100, 990000, "9900.00"],
  ["IDR", 0, 100, 1500000, "15000.00"],
  ["IQD", 0, 100, 2500000, "25000.00"],
  ["IRR", 0, 100, 100, "1.00"],
  ["IRT", 0, 100, 100, "1.00"],
  ["ISK", 0, 100, 4000, "40.00"],
  ["LBP", 0, 100, 9000000, "90000.00"],
  ["LYD", 3, 100, 12345, "123.45"],
  ["MMK", 0, 100, 50000, "500.00"],
  ["MNT", 0, 100, 350000, "3500.00"],
  ["MUR", 0, 100, 4599, "45.99"],
  ["PKR", 0, 100, 280000, "2800.00"],
  ["RSD", 0, 100, 11750, "117.50"],
  ["SOS", 0, 100, 57000, "570.00"],
  ["SYP", 0, 100, 1300000, "13000.00"],
  ["TZS", 0, 100, 2500000, "25000.00"],
  ["UZS", 0, 100, 12500000, "125000.00"],
  ["YER", 0, 100, 25000, "250.00"],
  ["ZMK", 0, 100, 500, "5.00"],
  ["ZWL", 0, 100, 32200, "322.00"],
  ["VUV", undefined, 1, 1000, "1000"],
]

// Where the two agree, among them Stripe's other special cases (TWD two-decimal, UGX zero-decimal).
const AGREEING: Array<[string, number, number, number, string]> = [
  ["USD", 2, 100, 4500, "45.00"],
  ["JPY", 0, 1, 4500, "4500"],
  ["KWD", 3, 1000, 12340, "12.340"],
  ["BHD", 3, 1000, 1500, "1.500"],
  ["TWD", 2, 100, 30000, "300.00"],
  ["UGX", 0, 1, 5000, "5000"],
]

describe("Stripe's unit of each currency", () => {
  it.each([...DISAGREEING, ...AGREEING])("%s (Medusa: %p decimals): %i Stripe units make one, so %i is %s", (code, medusaDigits, units, minor, major) => {
    expect(defaultCurrencies[code]?.decimal_digits).toBe(medusaDigits)
    expect(stripeUnitsPerMajor(code)).toBe(units)
    expect(toMajor(minor, code.toLowerCase())).toBe(major)
  })

  it("lists every currency of Medusa's table that Stripe counts in another unit", () => {
    const differing = Object.values(defaultCurrencies).filter((c) => 10 ** c.decimal_digits !== stripeUnitsPerMajor(c.code)).map((c) => c.code)
    expect(differing.sort()).toEqual(DISAGREEING.map(([code]) => code).filter((code) => code in defaultCurrencies).sort())
  })
})
