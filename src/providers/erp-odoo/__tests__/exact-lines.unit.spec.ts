import { exactLines } from "../service"
import { OdooErpProvider } from "../service"

describe("exactLines: a net amount as Odoo lines with 2-digit unit prices that add up exactly", () => {
  it.each<[string, number, number, Array<{ quantity: number; unitPrice: string }>]>([
    ["36.00", 2, 2, [{ quantity: 2, unitPrice: "18.00" }]],
    ["18.50", 3, 2, [{ quantity: 2, unitPrice: "6.16" }, { quantity: 1, unitPrice: "6.18" }]],
    ["10.00", 3, 2, [{ quantity: 2, unitPrice: "3.33" }, { quantity: 1, unitPrice: "3.34" }]],
    ["9.99", 1, 2, [{ quantity: 1, unitPrice: "9.99" }]],
    ["2500", 3, 0, [{ quantity: 2, unitPrice: "833" }, { quantity: 1, unitPrice: "834" }]],
    ["3.375", 3, 3, [{ quantity: 3, unitPrice: "1.125" }]],
  ])("%s for %i (%i digits)", (net, quantity, digits, lines) => {
    expect(exactLines(net, quantity, digits)).toEqual(lines)
    const sum = lines.reduce((s, l) => s + l.quantity * Number(l.unitPrice), 0)
    expect(sum.toFixed(digits)).toBe(Number(net).toFixed(digits))
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
