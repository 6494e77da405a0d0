import { exactLines } from "../service"
import { OdooErpProvider } from "../service"

type Line = { quantity: number; unitPrice: string }

/** What Odoo totals for `lines`, in exact integer minor units (no floating point), written with `digits` decimals. */
function total(lines: Line[], digits: number): string {
  const minor = lines.reduce((sum, { quantity, unitPrice }) => {
    const [whole, fraction = ""] = unitPrice.split(".")
    expect(fraction.length).toBe(digits)
    return sum + BigInt(quantity) * BigInt(`${whole}${fraction}`)
  }, 0n)
  const text = minor.toString().padStart(digits + 1, "0")
  return digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text
}

describe("exactLines: a net amount as Odoo lines with 2-digit unit prices that add up exactly", () => {
  // The lines and their total are worked out by hand; the total is the net, to the last digit.
  it.each<[string, number, number, Line[], string]>([
    ["36.00", 2, 2, [{ quantity: 2, unitPrice: "18.00" }], "36.00"],
    ["18.50", 3, 2, [{ quantity: 2, unitPrice: "6.16" }, { quantity: 1, unitPrice: "6.18" }], "18.50"],
    ["10.00", 3, 2, [{ quantity: 2, unitPrice: "3.33" }, { quantity: 1, unitPrice: "3.34" }], "10.00"],
    ["0.10", 3, 2, [{ quantity: 2, unitPrice: "0.03" }, { quantity: 1, unitPrice: "0.04" }], "0.10"],
    ["100.00", 7, 2, [{ quantity: 6, unitPrice: "14.28" }, { quantity: 1, unitPrice: "14.32" }], "100.00"],
    ["9.99", 1, 2, [{ quantity: 1, unitPrice: "9.99" }], "9.99"],
    ["2500", 3, 0, [{ quantity: 2, unitPrice: "833" }, { quantity: 1, unitPrice: "834" }], "2500"],
    ["3.375", 3, 3, [{ quantity: 3, unitPrice: "1.125" }], "3.375"],
  ])("%s for %i (%i digits)", (net, quantity, digits, expected, expectedTotal) => {
    const lines = exactLines(net, quantity, digits)
    expect(lines).toEqual(expected)
    expect(total(lines, digits)).toBe(expectedTotal)
  })
})

describe("OdooErpProvider.validateOptions", () => {
  it.each<[string, Record<string, unknown>, RegExp | null]>([
    ["JSON-RPC with a login", { url: "https://odoo.example.com", database: "shop", username: "bot", apiKey: "k" }, null],
    ["JSON-2 without a login", { url: "https://odoo.example.com", database: "shop", apiKey: "k", protocol: "json2" }, null],
    ["JSON-RPC without a login", { url: "https://odoo.example.com", database: "shop", apiKey: "k" }, /username: is required with protocol "jsonrpc"/],
    ["no API key", { url: "https://odoo.example.com", database: "shop", username: "bot" }, /apiKey/],
    ["an unknown protocol", { url: "https://odoo.example.com", database: "shop", apiKey: "k", protocol: "xmlrpc" }, /protocol/],
  ])("%s", (_, options, problem) => {
    const run = () => OdooErpProvider.validateOptions(options)
    if (problem) expect(run).toThrow(problem)
    else expect(run).not.toThrow()
  })
})
