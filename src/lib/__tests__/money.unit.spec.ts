import { roundingDifference } from "../money"

describe("roundingDifference", () => {
  it.each<[string, string, number, number, string | null]>([
    // Medusa's total, the ERP's, currency digits, lines: the rounding line to book, or null when it is no rounding
    ["41.00", "41.00", 2, 2, "0.00"],
    ["22.20", "22.21", 2, 1, "-0.01"],
    ["22.20", "22.18", 2, 1, "0.02"],
    ["22.20", "22.17", 2, 1, null],
    ["41.00", "45.00", 2, 2, null],
    ["2750", "2749", 0, 1, "1"],
    ["2750", "2747", 0, 1, null],
    ["3.875", "3.874", 3, 2, "0.001"],
    ["3.875", "3.870", 3, 2, null],
  ])("Medusa %s, ERP %s (%i digits, %i lines) → %s", (medusa, tryton, digits, lines, expected) => {
    expect(roundingDifference(medusa, tryton, digits, lines)).toBe(expected)
  })
})
