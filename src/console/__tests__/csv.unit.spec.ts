import { csvField, csvLine } from "../csv"

describe("csv", () => {
  it("quotes commas, quotes and line breaks, and keeps other text as it is", () => {
    expect(csvField("plain")).toBe("plain")
    expect(csvField('SKU "HAT-9", not a product')).toBe('"SKU ""HAT-9"", not a product"')
    expect(csvField("two\nlines")).toBe('"two\nlines"')
    expect(csvField(null)).toBe("")
    expect(csvField(3)).toBe("3")
    expect(csvField(new Date("2026-12-07T10:00:00Z"))).toBe("2026-12-07T10:00:00.000Z")
  })

  it("keeps a spreadsheet from running a value as a formula", () => {
    expect(csvField("=HYPERLINK(\"x\")")).toBe("\"'=HYPERLINK(\"\"x\"\")\"")
    expect(csvField("+1")).toBe("'+1")
    expect(csvField("@sum")).toBe("'@sum")
  })

  it("ends a line with CRLF", () => {
    expect(csvLine(["a", "b,c"])).toBe('a,"b,c"\r\n')
  })
})
