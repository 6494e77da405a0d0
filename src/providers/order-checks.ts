import { MathBN } from "@medusajs/framework/utils"
import { IntegrationError } from "../lib/errors"
import { currencyDigits } from "../lib/money"
import type { ErpSalesOrderInput, ErpSalesOrderLine, ErpTaxLine } from "./types"

/** What an ERP says of one product, for the checks before a sale: its forecast and its list price (excluding tax). */
export type CheckedProduct = { forecast: number | null; listPrice: string | number | null }

/** How the ERP names things in the messages: "Tryton", "forecast in the warehouse", "list price". */
export type CheckWords = { erp: string; forecast: string; listPrice: string }

/**
 * The connection's order checks (`input.checks`) on the products an ERP read: refuses, with the order, the SKU and
 * the figures, a quantity above the forecast and, when `comparePrices`, a unit price off the list price beyond
 * the tolerance. Every ERP adapter calls this before it creates anything.
 * A backorder line (`line.backorder`: Medusa sold it whatever the stock) is not refused for stock: the ERP takes the
 * sale and its delivery waits. Returns what was backordered beyond the forecast, in words with the ERP's figure
 * (for the sale's `backordered`), or null when nothing was.
 */
export function checkOrderAgainstProducts(
  input: ErpSalesOrderInput,
  products: Map<string, CheckedProduct>,
  opts: { connectionId: string; words: CheckWords; comparePrices: boolean }
): string | null {
  const { connectionId, words } = opts
  const refuse = (message: string, code: string) =>
    new IntegrationError(`Cannot sync order #${input.orderNumber} to ${connectionId}: ${message}`, { connectionId, code, retryable: false })
  const backordered: string[] = []
  if (input.checks.stock) {
    for (const [sku, { quantity, onBackorder }] of wantedBySku(input.lines)) {
      const forecast = products.get(sku)?.forecast ?? 0
      if (forecast >= quantity) continue
      const canShip = `${words.erp} can ship ${Math.max(0, forecast)} (${words.forecast})`
      // The stock there is for the lines Medusa sold from stock; only the rest may wait.
      const fromStock = quantity - onBackorder
      if (fromStock > Math.max(0, forecast)) {
        throw refuse(
          `it wants ${fromStock} of SKU '${sku}'${onBackorder ? ` from stock (and ${onBackorder} more on backorder)` : ""}, but ${canShip}. ` +
            `Receive stock in ${words.erp}, or turn off orderChecks.stock for this connection, then retry.`,
          "insufficient_stock"
        )
      }
      backordered.push(`${sku} ×${quantity} backordered: ${canShip}`)
    }
  }
  const tolerance = input.checks.priceTolerancePercent
  if (tolerance !== null && opts.comparePrices) {
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
  return backordered.length ? `${backordered.join("; ")}.` : null
}

/** The quantity wanted per SKU, in the order's SKU order, and how much of it is on backorder lines. */
function wantedBySku(lines: ErpSalesOrderLine[]): Map<string, { quantity: number; onBackorder: number }> {
  const wanted = new Map<string, { quantity: number; onBackorder: number }>()
  for (const line of lines) {
    const sku = wanted.get(line.sku) ?? { quantity: 0, onBackorder: 0 }
    wanted.set(line.sku, { quantity: sku.quantity + line.quantity, onBackorder: sku.onBackorder + (line.backorder ? line.quantity : 0) })
  }
  return wanted
}

/**
 * The ERP's tax ids for the Medusa tax lines on an order, through the connection's `options.taxes` (Medusa tax
 * rate code → the ERP tax's id, or its name, found with `findByName`). Refuses, naming the line and the code, a
 * taxed line whose code is not mapped or maps to a name the ERP does not have. Tax lines of rate 0 need none.
 * Returns the ids for one line's tax lines.
 */
export async function mapOrderTaxes(
  input: ErpSalesOrderInput,
  opts: { connectionId: string; erp: string; mapping: Record<string, number | string>; findByName: (name: string) => Promise<number | null> }
): Promise<(taxes: ErpTaxLine[]) => number[]> {
  const { connectionId, erp, mapping } = opts
  const refuse = (message: string, code: string) =>
    new IntegrationError(`Cannot sync order #${input.orderNumber} to ${connectionId}: ${message}`, { connectionId, code, retryable: false })
  const ids = new Map<string, number>()
  const all = [...input.lines.map((l) => ({ what: `line item '${l.title}'`, taxes: l.taxes })), ...input.shipping.map((s) => ({ what: `'${s.title}'`, taxes: s.taxes })), ...(input.credits ?? []).map((c) => ({ what: `'${c.title}'`, taxes: c.taxes }))]
  for (const { what, taxes } of all) {
    for (const tax of taxes) {
      if (MathBN.eq(tax.rate, 0) || ids.has(tax.code)) continue
      const mapped = tax.code ? mapping[tax.code] : undefined
      if (mapped === undefined) {
        throw refuse(
          `${what} is taxed at ${tax.rate} % by Medusa tax rate ${tax.code ? `'${tax.code}'` : "without a code"}, which options.taxes does not map to a ${erp} tax. ` +
            `${tax.code ? `Add "${tax.code}": <${erp} tax id or name> to options.taxes` : "Give the tax rate a code in Medusa and map it in options.taxes"}, then retry.`,
          "unmapped_tax"
        )
      }
      const id = typeof mapped === "number" ? mapped : await opts.findByName(mapped)
      if (id === null) {
        throw refuse(`options.taxes maps Medusa tax rate '${tax.code}' to "${mapped}", which is not a tax in ${erp}. Correct the name (or give the tax's id), then retry.`, "unknown_tax")
      }
      ids.set(tax.code, id)
    }
  }
  return (taxes) => taxes.filter((t) => !MathBN.eq(t.rate, 0)).map((t) => ids.get(t.code)!)
}

/** Sale lines as reconciliation compares them: one per SKU, quantities summed, in SKU order. */
export function sumBySku(lines: Array<{ sku: string; quantity: number }>): Array<{ sku: string; quantity: number }> {
  const bySku = new Map<string, number>()
  for (const l of lines) bySku.set(l.sku, (bySku.get(l.sku) ?? 0) + l.quantity)
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity })).sort((a, b) => a.sku.localeCompare(b.sku))
}
