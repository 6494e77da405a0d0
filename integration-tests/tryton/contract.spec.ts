import { buildProvider, describeErpContract } from "../../src/testing/erp-contract"
import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import { describeWithTryton, trytonPeer } from "../helpers/tryton-env"
import { keepTrytonAsFound } from "../helpers/tryton-restore"

jest.setTimeout(60_000)

describeWithTryton()("Tryton (real trytond)", () => {
  // Its cases ship and return goods: the suites after it read the seeded quantities.
  keepTrytonAsFound()
  const state = trytonPeer.readState()!
  const options = (overrides: Record<string, unknown> = {}) => ({
    url: state.url, database: state.database, username: state.username, password: state.password, invoiceMethod: "manual", ...overrides,
  })
  const mug = state.products.find((p) => p.sku === "MUG-RED")!

  describeErpContract("Tryton", {
    provider: () => buildProvider(TrytonErpProvider, options()).provider,
    providerAt: (url, timeoutMs) => buildProvider(TrytonErpProvider, options({ url }), { timeoutMs }).provider,
    withBadCredentials: () => ({ provider: buildProvider(TrytonErpProvider, options({ password: "not-the-password" })).provider, option: "options.password" }),
    product: { sku: mug.sku, title: mug.name, unitPrice: mug.price, currencyCode: "USD" },
    payments: { provider: () => buildProvider(TrytonErpProvider, options({ invoiceMethod: "order" })).provider },
    readCreditNote: async (id) => {
      const tryton = await trytonPeer.session()
      const [note] = await tryton.model<Array<{ total_amount: { decimal: string } }>>("account.invoice", "read", [Number(id)], ["total_amount"])
      return { total: note.total_amount.decimal }
    },
    readStock: async (sku) => {
      const tryton = await trytonPeer.session()
      const [warehouse] = await tryton.model<number[]>("stock.location", "search", [["type", "=", "warehouse"]], 0, 1, [["id", "ASC"]])
      const [row] = await tryton.modelWith<Array<{ quantity: number }>>({ locations: [warehouse] }, "product.product", "search_read", [["code", "=", sku]], 0, 1, null, ["quantity"])
      return { onHand: row.quantity }
    },
    deliver: async (id) => {
      const tryton = await trytonPeer.session()
      const [{ shipments }] = await tryton.model<Array<{ shipments: number[] }>>("sale.sale", "read", [Number(id)], ["shipments"])
      for (const button of ["wait", "assign_force", "pick", "pack", "done"]) await tryton.model("stock.shipment.out", button, shipments)
    },
    readSale: async (id) => {
      const tryton = await trytonPeer.session()
      const [sale] = await tryton.model<Array<{ total_amount: { decimal: string }; state: string }>>("sale.sale", "read", [Number(id)], ["total_amount", "state"])
      return { total: sale.total_amount.decimal, state: sale.state }
    },
  })
})
