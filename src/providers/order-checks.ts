import { MathBN } from "@medusajs/framework/utils"
import { IntegrationError } from "../lib/errors"
import { currencyDigits } from "../lib/money"
import type { ErpSalesOrderInput } from "./types"

/** What an ERP says of one product, for the checks before a sale: its forecast and its list price (excluding tax). */
export type CheckedProduct = { forecast: number | null; listPrice: string | number | null }

/** How the ERP names things in the messages: "Tryton", "forecast in the warehouse", "list price". */
export type CheckWords = { erp: string; forecast: string; listPrice: string }

/**
 * The connection's order checks (`input.checks`) on the products an ERP read: refuses, with the order, the SKU and
 * the figures, a quantity above the forecast and, when `comparePrices`, a unit price off the list price beyond
 * the tolerance. Every ERP adapter calls this before it creates anything.
 */
export function checkOrderAgainstProducts(
  input: ErpSalesOrderInput,
  products: Map<string, CheckedProduct>,
  opts: { connectionId: string; words: CheckWords; comparePrices: boolean }
): void {
  const { connectionId, words } = opts
  const refuse = (message: string, code: string) =>
    new IntegrationError(`Cannot sync order #${input.orderNumber} to ${connectionId}: ${message}`, { connectionId, code, retryable: false })
  if (input.checks.stock) {
    const wanted = new Map<string, number>()
    for (const line of input.lines) wanted.set(line.sku, (wanted.get(line.sku) ?? 0) + line.quantity)
    for (const [sku, quantity] of wanted) {
      const forecast = products.get(sku)?.forecast ?? 0
      if (forecast >= quantity) continue
      throw refuse(
        `it wants ${quantity} of SKU '${sku}', but ${words.erp} can ship ${Math.max(0, forecast)} (${words.forecast}). ` +
          `Receive stock in ${words.erp}, or turn off orderChecks.stock for this connection, then retry.`,
        "insufficient_stock"
      )
    }
  }
  const tolerance = input.checks.priceTolerancePercent
  if (tolerance === null || !opts.comparePrices) return
  for (const line of input.lines) {
    const list = products.get(line.sku)?.listPrice
    if (!list || MathBN.eq(list, 0)) continue
    const off = MathBN.convert(line.unitPrice).minus(list).abs().div(list).times(100)
    if (MathBN.lte(off, tolerance)) continue
    throw refuse(
      `line item '${line.title}' (SKU '${line.sku}') is priced ${line.unitPrice} ${input.currencyCode} in Medusa, ` +
        `but its ${words.listPrice} in ${words.erp} is ${MathBN.convert(list).toFixed(currencyDigits(input.currencyCode))} (${off.toFixed(1)} % apart; orderChecks.priceTolerancePercent allows ${tolerance} %). ` +
        `Correct the price in one of them, or widen the tolerance, then retry.`,
      "price_mismatch"
    )
  }
}
