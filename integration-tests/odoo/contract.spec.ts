import { buildProvider, describeErpContract } from "../../src/testing/erp-contract"
import { EXCHANGE_CREDIT_SKU, OdooErpProvider, SHIPPING_SKU } from "../../src/providers/erp-odoo/service"
import { OdooTestServer, startOdooTestServer } from "./server"
import { deliver } from "./staff"

jest.setTimeout(30_000)

// Both protocols against the protocol-faithful server (integration-tests/odoo/server.ts), not a live Odoo: JSON-RPC
// as Odoo 17 names its fields, JSON-2 as Odoo 19 does.
for (const [protocol, version] of [["jsonrpc", 17], ["json2", 19]] as const) {
  describe(`Odoo ${version} over ${protocol} (protocol-faithful test server)`, () => {
    let odoo: OdooTestServer
    beforeAll(async () => {
      odoo = await startOdooTestServer({ version })
      odoo.seed("product.product", { name: "Red mug", default_code: "MUG-RED", list_price: 9.5, qty_available: 50, virtual_available: 50 })
      odoo.seed("product.product", { name: "Shipping", default_code: SHIPPING_SKU, type: "service" })
      odoo.seed("product.product", { name: "Exchange credit", default_code: EXCHANGE_CREDIT_SKU, type: "service" })
    })
    afterAll(() => odoo.close())
    const options = (overrides: Record<string, unknown> = {}) => ({
      url: odoo.url, database: odoo.database, apiKey: odoo.apiKey, protocol, ...(protocol === "jsonrpc" ? { username: odoo.login } : {}), ...overrides,
    })

    describeErpContract(`Odoo (${protocol})`, {
      provider: () => buildProvider(OdooErpProvider, options()).provider,
      providerAt: (url, timeoutMs) => buildProvider(OdooErpProvider, options({ url }), { timeoutMs }).provider,
      withBadCredentials: () => ({ provider: buildProvider(OdooErpProvider, options({ apiKey: "not-the-key" })).provider, option: "options.apiKey" }),
      product: { sku: "MUG-RED", title: "Red mug", unitPrice: "9.50", currencyCode: "USD" },
      readSale: async (id) => {
        const sale = odoo.rows("sale.order").find((s) => s.id === Number(id))!
        return { total: Number(sale.amount_total).toFixed(2), state: String(sale.state) }
      },
      payments: { provider: () => buildProvider(OdooErpProvider, options()).provider },
      // Odoo keeps a credit note's amounts positive; the contract reads them signed, as money back.
      readCreditNote: async (id) => ({ total: (-Number(odoo.rows("account.move").find((m) => m.id === Number(id))!.amount_total)).toFixed(2) }),
      // Odoo returns goods only against a done delivery: staff validate the sale's delivery first.
      deliver: (saleId) => deliver(odoo, saleId),
      // The company's on hand (qty_available): the contract's sales ship from Odoo's one warehouse.
      readStock: async (sku) => ({ onHand: Number(odoo.rows("product.product").find((p) => p.default_code === sku)!.qty_available) }),
    })
  })
}
