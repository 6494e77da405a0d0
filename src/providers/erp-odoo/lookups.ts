import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import type { ErpSalesOrderInput } from "../types"
import { OdooClient } from "./client"
import { PRODUCT_FIELDS, productSchema } from "./types"

/** What Odoo names once and the adapter reads once: products by internal reference, pricelists, taxes, the field names of its version. */
export class OdooLookups {
  private readonly pricelists = new Map<string, number>()
  private fields?: Promise<{ saleTax: string; paymentMemo: string }>

  constructor(private readonly client: OdooClient, private readonly connectionId: string) {}

  readProducts(skus: string[]): Promise<unknown[]> {
    const domain = [["default_code", "in", skus]]
    return this.client.call<unknown[]>("product.product", "search_read", { params: { domain, fields: PRODUCT_FIELDS } })
  }

  /** A service product the adapter books charges on (shipping, rounding), found by its internal reference. */
  async serviceProductId(sku: string, input: { orderNumber: string }, purpose: string): Promise<number> {
    const [product] = z.array(productSchema).parse(await this.readProducts([sku]))
    if (!product) {
      throw this.permanent(
        `Cannot sync order #${input.orderNumber} to ${this.connectionId}: Odoo has no service product with internal reference '${sku}' ${purpose}. Create it in Odoo (Sales › Products, type Service), then retry.`,
        "odoo_no_service_product"
      )
    }
    return product.id
  }

  /**
   * A pricelist in the order's currency: an Odoo sale is in its pricelist's currency, so without one in Medusa's
   * currency Odoo would book the amounts in its own. A miss is not remembered (staff may create it, then retry).
   */
  async pricelistId(input: ErpSalesOrderInput): Promise<number> {
    const code = input.currencyCode.toUpperCase()
    const known = this.pricelists.get(code)
    if (known !== undefined) return known
    const refuse = (message: string, code: string) => this.permanent(`Cannot sync order #${input.orderNumber} to ${this.connectionId}: ${message}`, code)
    const [currency] = await this.client.call<Array<{ id: number }>>("res.currency", "search_read", { params: { domain: [["name", "=", code]], fields: ["id"], limit: 1 } })
    if (!currency) throw refuse(`Odoo has no active currency ${code}. Activate it in Odoo (Accounting › Configuration › Currencies), then retry.`, "unknown_currency")
    const [pricelist] = await this.client.call<Array<{ id: number }>>("product.pricelist", "search_read", {
      params: { domain: [["currency_id", "=", currency.id]], fields: ["id"], limit: 1, order: "id asc" },
    })
    if (!pricelist) throw refuse(`Odoo has no pricelist in ${code} to sell in Medusa's currency. Create one in Odoo (Sales › Products › Pricelists), then retry.`, "odoo_no_pricelist")
    this.pricelists.set(code, pricelist.id)
    return pricelist.id
  }

  /** An Odoo sales tax by name (options.taxes may name taxes instead of giving their ids). */
  async taxId(name: string): Promise<number | null> {
    const domain = [["name", "=", name], ["type_tax_use", "=", "sale"]]
    const [row] = await this.client.call<Array<{ id: number }>>("account.tax", "search_read", { params: { domain, fields: ["id"], limit: 1, order: "id asc" } })
    return row?.id ?? null
  }

  /**
   * The names this Odoo gives two fields that were renamed: the sale line's taxes (`tax_id` up to 18, `tax_ids`
   * from 19) and the payment's memo (`ref` up to 17, `memo` from 18), asked once with `fields_get`.
   */
  fieldNames(): Promise<{ saleTax: string; paymentMemo: string }> {
    if (!this.fields) {
      const asked = (async () => {
        const line = await this.client.call<Record<string, unknown>>("sale.order.line", "fields_get", { params: { allfields: ["tax_id", "tax_ids"], attributes: ["type"] } })
        const payment = await this.client.call<Record<string, unknown>>("account.payment", "fields_get", { params: { allfields: ["memo", "ref"], attributes: ["type"] } })
        return { saleTax: "tax_ids" in line ? "tax_ids" : "tax_id", paymentMemo: "memo" in payment ? "memo" : "ref" }
      })()
      this.fields = asked
      asked.catch(() => {
        if (this.fields === asked) this.fields = undefined
      })
    }
    return this.fields
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
