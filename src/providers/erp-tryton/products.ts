import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { TtlCache } from "../../lib/ttl-cache"
import { checkOrderAgainstProducts } from "../order-checks"
import type { ErpSalesOrderInput } from "../types"
import type { TrytonClient } from "./client"
import type { TrytonLookups } from "./lookups"
import { productSchema, TrytonProduct } from "./types"

/** How the order checks name Tryton's figures. */
const TRYTON_WORDS = { erp: "Tryton", forecast: "forecast in the warehouse", listPrice: "list price" }

/** How long a product read for a sale without the stock check is used again for the next sales. */
const PRODUCT_TTL_MS = 60_000

/** The products a sale is made of, checked against the order before anything is created. */
export class TrytonProducts {
  /** Products by SKU without their forecast, for sales made without the stock check (`read`). */
  private readonly cache = new TtlCache<TrytonProduct>(PRODUCT_TTL_MS)

  constructor(private readonly client: TrytonClient, private readonly lookups: TrytonLookups, private readonly connectionId: string) {}

  /**
   * The products of the order's SKUs, read with their list price and forecast in the warehouse (one call), and the
   * connection's order checks made on them: a line is refused, before anything is created, when its SKU is not a
   * product, when Tryton cannot ship the quantity (unless Medusa sold it on backorder: then said in `backordered`),
   * or when its price is not the list price (within the tolerance).
   */
  async forSale(input: ErpSalesOrderInput) {
    const bySku = await this.read([...new Set(input.lines.map((l) => l.sku))], input.checks.stock)
    const missing = input.lines.find((l) => !bySku.has(l.sku))
    if (missing) {
      throw new IntegrationError(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: line item '${missing.title}' has SKU '${missing.sku}', which is not a product in Tryton. Create a product with code '${missing.sku}' in Tryton or correct the SKU in Medusa, then retry.`,
        { connectionId: this.connectionId, code: "unknown_sku", retryable: false }
      )
    }
    const checked = new Map([...bySku].map(([sku, p]) => [sku, { forecast: p.forecast_quantity ?? null, listPrice: p.list_price?.decimal ?? null }]))
    const comparePrices = input.checks.priceTolerancePercent !== null && input.currencyCode === (await this.lookups.companyCurrencyCode())
    const backordered = checkOrderAgainstProducts(input, checked, { connectionId: this.connectionId, words: TRYTON_WORDS, comparePrices })
    return { products: bySku, backordered }
  }

  /** Takes these SKUs off the cache: a failure may have named them (a product archived, its unit changed). */
  forget(skus: string[]): void {
    for (const sku of skus) this.cache.delete(sku)
  }

  /**
   * The products of these SKUs, one call for those not cached. With the stock check, every one is read with its
   * forecast in the warehouse (a forecast is never cached); without it, a product read within PRODUCT_TTL_MS is
   * taken as it was (its list price then is at most that old).
   */
  private async read(skus: string[], withForecast: boolean): Promise<Map<string, TrytonProduct>> {
    const bySku = new Map<string, TrytonProduct>()
    if (!withForecast) for (const sku of skus) {
      const cached = this.cache.get(sku)
      if (cached) bySku.set(sku, cached)
    }
    const wanted = skus.filter((sku) => !bySku.has(sku))
    if (!wanted.length) return bySku
    const context = withForecast ? { locations: [await this.lookups.warehouseId()] } : {}
    const rows = await this.client.model<unknown[]>(
      "product.product",
      "search_read",
      [[["code", "in", wanted]], 0, null, null, ["id", "code", "sale_uom", "default_uom", "list_price", ...(withForecast ? ["forecast_quantity"] : [])]],
      context
    )
    for (const product of z.array(productSchema).parse(rows)) {
      bySku.set(product.code ?? "", product)
      if (product.code) this.cache.set(product.code, { ...product, forecast_quantity: undefined })
    }
    return bySku
  }
}
