import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import { buildProvider } from "../../src/testing/erp-contract"
import { trytonPeer } from "./tryton-env"

type Session = Awaited<ReturnType<typeof trytonPeer.session>>

/** On hand of each seeded product in the warehouse, by id. */
async function onHand(tryton: Session): Promise<Map<number, number>> {
  const [warehouse] = await tryton.model<number[]>("stock.location", "search", [["type", "=", "warehouse"]], 0, 1, [["id", "ASC"]])
  const rows = await tryton.modelWith<Array<{ id: number; quantity: number }>>({ locations: [warehouse] }, "product.product", "search_read", [["code", "!=", null]], 0, null, null, ["id", "quantity"])
  return new Map(rows.map((r) => [r.id, r.quantity]))
}

/** Moves `quantity` of a product into storage from the supplier, or back when negative (as a purchase or a count would). */
async function moveStock(tryton: Session, productId: number, quantity: number) {
  const [supplier] = await tryton.model<number[]>("stock.location", "search", [["type", "=", "supplier"]], 0, 1, null)
  const [storage] = await tryton.model<number[]>("stock.location", "search", [["code", "=", "STO"]], 0, 1, null)
  const [unit] = await tryton.model<number[]>("product.uom", "search", [["symbol", "=", "u"]], 0, 1, null)
  const [from, to] = quantity > 0 ? [supplier, storage] : [storage, supplier]
  const [move] = await tryton.model<number[]>("stock.move", "create", [{ product: productId, from_location: from, to_location: to, quantity: Math.abs(quantity), uom: unit, unit_price: { __class__: "Decimal", decimal: "1" }, currency: 1 }])
  await tryton.model("stock.move", "do", [move])
}

/**
 * Leaves the shared Tryton as the suite found it, for the suites after it (they read the seeded quantities): the
 * sales it made are cancelled (those shipped cannot be, and stay), its draft returns cancelled, and each product's
 * stock on hand put back by a move. Call at the top of a suite that ships, returns or keeps sales open.
 */
export function keepTrytonAsFound(): void {
  let before: Map<number, number>
  let since: { __class__: "datetime"; year: number; month: number; day: number; hour: number; minute: number; second: number; microsecond: number }
  beforeAll(async () => {
    const d = new Date(Date.now() - 1_000)
    since = { __class__: "datetime", year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), microsecond: 0 }
    before = await onHand(await trytonPeer.session())
  })
  afterAll(async () => {
    const tryton = await trytonPeer.session()
    const state = trytonPeer.readState()!
    const erp = buildProvider(TrytonErpProvider, { url: state.url, database: state.database, username: state.username, password: state.password }).provider
    const sales = await tryton.model<number[]>("sale.sale", "search", [["create_date", ">=", since], ["state", "in", ["draft", "quotation", "confirmed", "processing"]]], 0, null, null)
    for (const id of sales) await erp.cancelSalesOrder(String(id)).catch(() => undefined)
    const returns = await tryton.model<number[]>("stock.shipment.out.return", "search", [["create_date", ">=", since], ["state", "=", "draft"]], 0, null, null)
    if (returns.length) await tryton.model("stock.shipment.out.return", "cancel", returns)
    const after = await onHand(tryton)
    for (const [product, quantity] of before) {
      const now = after.get(product) ?? quantity
      if (now !== quantity) await moveStock(tryton, product, quantity - now)
    }
  })
}
