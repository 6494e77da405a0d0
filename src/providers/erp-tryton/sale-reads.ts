import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { sumBySku } from "../order-checks"
import type { ErpSaleDetail, ErpTextSearch, ErpTextSearchPage, LegacyMatchField } from "../types"
import { likeLiteral } from "../text-match"
import type { TrytonClient } from "./client"
import { toErpOrder } from "./mappers"
import { productSchema, saleForReturnSchema, saleSchema, TrytonSale, TrytonSaleForReturn } from "./types"

const SALE_FIELDS = ["id", "number", "reference", "state", "shipments", "moves", "total_amount", "invoices"]
/** What a customer return needs of its sale besides SALE_FIELDS (dotted: Tryton reads the relations in the same call). */
const RETURN_FIELDS = [
  "company", "currency", "shipment_address", "warehouse", "party.customer_location", "shipment_party.customer_location", "warehouse.input_location",
  "lines.type", "lines.quantity", "lines.unit", "lines.unit_price", "lines.product.code", "lines.moves.state",
]

/** Sales as Tryton has them: by our reference, by id (one or a page), by a legacy integration's text; with their effective state. */
export class TrytonSaleReads {
  constructor(private readonly client: TrytonClient, private readonly connectionId: string) {}

  async findSalesOrdersByText(field: LegacyMatchField, text: string, page: ErpTextSearch): Promise<ErpTextSearchPage> {
    const pattern = page.exact ? likeLiteral(text) : `%${likeLiteral(text)}%`
    const after = page.after === null ? [] : [["id", ">", Number(page.after)]]
    const rows = await this.client.model<Array<Record<string, unknown>>>("sale.sale", "search_read", [
      [[field, "ilike", pattern], ["state", "!=", "cancelled"], ...after], 0, page.limit, [["id", "ASC"]], [...SALE_FIELDS, field],
    ])
    const sales = await this.withEffectiveStates(rows.map((row) => saleSchema.parse(row)))
    return {
      sales: sales.flatMap((sale, i) => (sale.state === "cancelled" ? [] : [{ ...toErpOrder(sale), matched: String(rows[i][field] ?? "") }])),
      next: rows.length === page.limit ? String(sales[sales.length - 1].id) : null,
    }
  }

  async getSalesOrder(externalId: string): Promise<ErpSaleDetail | null> {
    const rows = await this.client.model<Array<Record<string, unknown>>>("sale.sale", "search_read", [
      [["id", "=", Number(externalId)]], 0, 1, null, [...SALE_FIELDS, "currency"],
    ])
    if (!rows.length) return null
    const sale = await this.withEffectiveState(saleSchema.parse(rows[0]))
    const lines = z.array(z.object({ product: z.number().int().nullable(), quantity: z.number() })).parse(
      await this.client.model("sale.line", "search_read", [[["sale", "=", sale.id], ["type", "=", "line"], ["product", "!=", null]], 0, null, null, ["product", "quantity"]])
    )
    const productIds = [...new Set(lines.map((l) => l.product!))]
    const products = productIds.length ? z.array(productSchema.pick({ id: true, code: true })).parse(await this.client.model("product.product", "read", [productIds, ["code"]])) : []
    const skuOf = new Map(products.map((p) => [p.id, p.code ?? `product ${p.id}`]))
    const [currency] = z.array(z.object({ code: z.string() })).parse(await this.client.model("currency.currency", "read", [[Number(rows[0].currency)], ["code"]]))
    return { ...toErpOrder(sale), total: sale.total_amount?.decimal ?? "0", currencyCode: currency?.code ?? null, lines: sumBySku(lines.map((l) => ({ sku: skuOf.get(l.product!)!, quantity: l.quantity }))) }
  }

  /**
   * Many sales, each as getSalesOrder reads it, in four calls whatever their number: the sales, all their product
   * lines, the lines' products, the sales' currencies (and a fifth for the moves of sales Tryton closed as done).
   */
  async getSalesOrders(externalIds: string[]): Promise<Map<string, ErpSaleDetail>> {
    const ids = [...new Set(externalIds.map(Number))]
    if (!ids.length) return new Map()
    const sales = z.array(saleSchema.extend({ currency: z.number().int() })).parse(
      await this.client.model("sale.sale", "search_read", [[["id", "in", ids]], 0, null, [["id", "ASC"]], [...SALE_FIELDS, "currency"]])
    )
    if (!sales.length) return new Map()
    const closedMoves = sales.flatMap((s) => (s.state === "done" ? s.moves ?? [] : []))
    const moveState = new Map(
      closedMoves.length
        ? z.array(z.object({ id: z.number().int(), state: z.string() })).parse(await this.client.model("stock.move", "read", [closedMoves, ["state"]])).map((m) => [m.id, m.state])
        : []
    )
    const lines = z.array(z.object({ sale: z.number().int(), product: z.number().int().nullable(), quantity: z.number() })).parse(
      await this.client.model("sale.line", "search_read", [[["sale", "in", sales.map((s) => s.id)], ["type", "=", "line"], ["product", "!=", null]], 0, null, null, ["sale", "product", "quantity"]])
    )
    const productIds = [...new Set(lines.map((l) => l.product!))]
    const products = productIds.length ? z.array(productSchema.pick({ id: true, code: true })).parse(await this.client.model("product.product", "read", [productIds, ["code"]])) : []
    const skuOf = new Map(products.map((p) => [p.id, p.code ?? `product ${p.id}`]))
    const currencies = z.array(z.object({ id: z.number().int(), code: z.string() })).parse(
      await this.client.model("currency.currency", "read", [[...new Set(sales.map((s) => s.currency))], ["code"]])
    )
    const codeOf = new Map(currencies.map((c) => [c.id, c.code]))
    const linesOf = new Map<number, Array<{ sku: string; quantity: number }>>()
    for (const l of lines) linesOf.set(l.sale, [...(linesOf.get(l.sale) ?? []), { sku: skuOf.get(l.product!)!, quantity: l.quantity }])
    return new Map(sales.map((sale) => {
      // As withEffectiveState: a sale closed as done with every move cancelled shipped nothing, so it is cancelled.
      const cancelled = sale.state === "done" && !!sale.moves?.length && sale.moves.every((m) => moveState.get(m) === "cancelled")
      const detail: ErpSaleDetail = {
        ...toErpOrder(cancelled ? { ...sale, state: "cancelled" } : sale),
        total: sale.total_amount?.decimal ?? "0", currencyCode: codeOf.get(sale.currency) ?? null, lines: sumBySku(linesOf.get(sale.id) ?? []),
      }
      return [String(sale.id), detail]
    }))
  }

  /**
   * The live sale carrying `reference`, as Tryton has it (with its total), or null. When a late commit left more
   * than one, the oldest: the one `oneSaleFor` keeps.
   */
  async findLiveSale(reference: string): Promise<TrytonSale | null> {
    return (await this.liveSales(reference))[0] ?? null
  }

  /** Every sale carrying `reference` that is not cancelled (also not in effect), oldest first. */
  async liveSales(reference: string): Promise<TrytonSale[]> {
    const rows = await this.client.model<unknown[]>("sale.sale", "search_read", [
      [["reference", "=", reference], ["state", "!=", "cancelled"]], 0, null, [["id", "ASC"]], SALE_FIELDS,
    ])
    const live: TrytonSale[] = []
    for (const row of z.array(saleSchema).parse(rows)) {
      const sale = await this.withEffectiveState(row)
      if (sale.state !== "cancelled") live.push(sale)
    }
    return live
  }

  async readSale(id: number): Promise<TrytonSale> {
    const rows = await this.client.model<unknown[]>("sale.sale", "read", [[id], SALE_FIELDS])
    if (!rows.length) throw this.permanent(`Tryton has no sale with id ${id}`, "tryton_not_found")
    return this.withEffectiveState(saleSchema.parse(rows[0]))
  }

  /** The sale with its effective state, its customer, warehouse and product lines (with their moves), for a customer return. */
  async readSaleForReturn(id: number): Promise<TrytonSaleForReturn> {
    const rows = await this.client.model<unknown[]>("sale.sale", "read", [[id], [...SALE_FIELDS, ...RETURN_FIELDS]])
    if (!rows.length) throw this.permanent(`Tryton has no sale with id ${id}`, "tryton_not_found")
    return this.withEffectiveState(saleForReturnSchema.parse(rows[0]))
  }

  /**
   * Tryton cannot cancel a sale it has processed; it closes it as "done" once every move is cancelled.
   * Such a sale shipped nothing and is reported as cancelled, so it is neither found as live nor cancelled twice.
   */
  private async withEffectiveState<S extends TrytonSale>(sale: S): Promise<S> {
    if (sale.state !== "done" || !sale.moves?.length) return sale
    const moves = await this.client.model<Array<{ state: string }>>("stock.move", "read", [sale.moves, ["state"]])
    return moves.every((m) => m.state === "cancelled") ? { ...sale, state: "cancelled" } : sale
  }

  /** withEffectiveState for many sales, with one read of all their moves. */
  private async withEffectiveStates(sales: TrytonSale[]): Promise<TrytonSale[]> {
    const moves = sales.flatMap((s) => (s.state === "done" ? s.moves ?? [] : []))
    if (!moves.length) return sales
    const stateOf = new Map(
      z.array(z.object({ id: z.number().int(), state: z.string() })).parse(await this.client.model("stock.move", "read", [moves, ["state"]])).map((m) => [m.id, m.state])
    )
    return sales.map((s) => (s.state === "done" && !!s.moves?.length && s.moves.every((m) => stateOf.get(m) === "cancelled") ? { ...s, state: "cancelled" } : s))
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}
