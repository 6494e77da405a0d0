import { IntegrationError } from "../../lib/errors"
import { checkOrderAgainstProducts, CheckedProduct, CheckWords } from "../order-checks"
import type { ErpSalesOrderInput, ErpSalesOrderLine } from "../types"

const TRYTON: CheckWords = { erp: "Tryton", forecast: "forecast in the warehouse", listPrice: "list price" }
const ODOO: CheckWords = { erp: "Odoo", forecast: "forecasted quantity", listPrice: "sales price" }

/** A line of `quantity` at the list price; `backorder` as the mapper sets it (present only when true). */
const line = (sku: string, quantity: number, backorder = false, unitPrice = "20.00"): ErpSalesOrderLine => ({
  sku, title: sku, quantity, unitPrice, netAmount: String(quantity * Number(unitPrice)), taxes: [], ...(backorder ? { backorder: true } : {}),
})

function input(lines: ErpSalesOrderLine[], checks: ErpSalesOrderInput["checks"] = { stock: true, priceTolerancePercent: 0 }): ErpSalesOrderInput {
  return {
    reference: "medusa:order_1", orderNumber: "1042", currencyCode: "USD", orderDate: "2026-12-06", lines, shipping: [], total: "0", checks,
    customer: { externalId: "1", shippingAddressId: "1", billingAddressId: "1", created: false },
  }
}

/** What the ERP read: forecasts by SKU, every list price 20. */
const products = (forecasts: Record<string, number | null>) =>
  new Map<string, CheckedProduct>(Object.entries(forecasts).map(([sku, forecast]) => [sku, { forecast, listPrice: "20" }]))

const check = (lines: ErpSalesOrderLine[], forecasts: Record<string, number | null>, words = TRYTON, checks?: ErpSalesOrderInput["checks"]) =>
  checkOrderAgainstProducts(input(lines, checks), products(forecasts), { connectionId: "erp", words, comparePrices: true })

function refusal(fn: () => unknown): IntegrationError {
  try {
    fn()
  } catch (err) {
    if (err instanceof IntegrationError) return err
    throw err
  }
  throw new Error("expected a refusal")
}

describe("checkOrderAgainstProducts: stock and backorders", () => {
  it.each<[string, ErpSalesOrderLine[], Record<string, number | null>, CheckWords, string | null]>([
    ["an ordinary line within the forecast", [line("SHIRT-BLUE", 5)], { "SHIRT-BLUE": 5 }, TRYTON, null],
    ["a backorder line within the forecast (nothing waits)", [line("SHIRT-BLUE", 5, true)], { "SHIRT-BLUE": 100 }, TRYTON, null],
    ["a backorder line beyond the forecast", [line("SHIRT-BLUE", 5, true)], { "SHIRT-BLUE": 2 }, TRYTON, "SHIRT-BLUE ×5 backordered: Tryton can ship 2 (forecast in the warehouse)."],
    ["the same in Odoo's words", [line("SHIRT-BLUE", 5, true)], { "SHIRT-BLUE": 2 }, ODOO, "SHIRT-BLUE ×5 backordered: Odoo can ship 2 (forecasted quantity)."],
    ["a forecast below zero (other backorders) as nothing to ship", [line("MUG-RED", 3, true)], { "MUG-RED": -4 }, TRYTON, "MUG-RED ×3 backordered: Tryton can ship 0 (forecast in the warehouse)."],
    ["a product without a forecast as none", [line("MUG-RED", 1, true)], { "MUG-RED": null }, TRYTON, "MUG-RED ×1 backordered: Tryton can ship 0 (forecast in the warehouse)."],
    [
      "two SKUs backordered, in the order's order, next to an ordinary line in stock",
      [line("SHIRT-BLUE", 5, true), line("CAP", 1), line("MUG-RED", 8, true)],
      { "SHIRT-BLUE": 2, CAP: 1, "MUG-RED": 0 },
      TRYTON,
      "SHIRT-BLUE ×5 backordered: Tryton can ship 2 (forecast in the warehouse); MUG-RED ×8 backordered: Tryton can ship 0 (forecast in the warehouse).",
    ],
    [
      "one SKU on two lines, one from stock (which the forecast covers) and one on backorder: the SKU's whole quantity",
      [line("SHIRT-BLUE", 2), line("SHIRT-BLUE", 3, true)],
      { "SHIRT-BLUE": 3 },
      TRYTON,
      "SHIRT-BLUE ×5 backordered: Tryton can ship 3 (forecast in the warehouse).",
    ],
  ])("passes %s", (_, lines, forecasts, words, backordered) => {
    expect(check(lines, forecasts, words)).toBe(backordered)
  })

  it.each<[string, ErpSalesOrderLine[], Record<string, number | null>, string]>([
    [
      "an ordinary line beyond the forecast",
      [line("SHIRT-BLUE", 5)],
      { "SHIRT-BLUE": 2 },
      "Cannot sync order #1042 to erp: it wants 5 of SKU 'SHIRT-BLUE', but Tryton can ship 2 (forecast in the warehouse). Receive stock in Tryton, or turn off orderChecks.stock for this connection, then retry.",
    ],
    [
      "an ordinary line beyond the forecast, whatever a backorder line of another SKU",
      [line("SHIRT-BLUE", 5, true), line("MUG-RED", 3)],
      { "SHIRT-BLUE": 0, "MUG-RED": 1 },
      "Cannot sync order #1042 to erp: it wants 3 of SKU 'MUG-RED', but Tryton can ship 1 (forecast in the warehouse). Receive stock in Tryton, or turn off orderChecks.stock for this connection, then retry.",
    ],
    [
      "the part of a SKU sold from stock beyond the forecast, next to a backorder line of it",
      [line("SHIRT-BLUE", 4), line("SHIRT-BLUE", 1, true)],
      { "SHIRT-BLUE": 3 },
      "Cannot sync order #1042 to erp: it wants 4 of SKU 'SHIRT-BLUE' from stock (and 1 more on backorder), but Tryton can ship 3 (forecast in the warehouse). Receive stock in Tryton, or turn off orderChecks.stock for this connection, then retry.",
    ],
  ])("refuses %s, permanently and in words", (_, lines, forecasts, message) => {
    expect(refusal(() => check(lines, forecasts))).toMatchObject({ message, code: "insufficient_stock", retryable: false, connectionId: "erp" })
  })

  it("says nothing of backorders when the stock check is off (the forecast was not read)", () => {
    expect(check([line("SHIRT-BLUE", 5, true), line("MUG-RED", 9)], { "SHIRT-BLUE": null, "MUG-RED": null }, TRYTON, { stock: false, priceTolerancePercent: 0 })).toBeNull()
  })

  it("still checks a backorder line's price", () => {
    const err = refusal(() => check([line("SHIRT-BLUE", 5, true, "25.00")], { "SHIRT-BLUE": 2 }))
    expect(err).toMatchObject({ code: "price_mismatch", retryable: false })
    expect(err.message).toBe(
      "Cannot sync order #1042 to erp: line item 'SHIRT-BLUE' (SKU 'SHIRT-BLUE') is priced 25.00 USD in Medusa, but its list price in Tryton is 20.00 (25.0 % apart; orderChecks.priceTolerancePercent allows 0 %). Correct the price in one of them, or widen the tolerance, then retry."
    )
  })
})
