import { buildProvider } from "../../src/testing/erp-contract"
import { EXCHANGE_CREDIT_SKU, OdooErpProvider, ROUNDING_SKU, SHIPPING_SKU } from "../../src/providers/erp-odoo/service"
import type { ErpCreditLine, ErpSalesOrderInput } from "../../src/providers/types"
import { OdooTestServer, startOdooTestServer } from "./server"

jest.setTimeout(30_000)

const address = { name: "Mia Berg", street: "Storgatan 1", city: "Stockholm", postalCode: "111 22", countryCode: "PT" }
const vat = (code: string, rate: string) => [{ code, rate }]
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as Error & { code?: string; retryable?: boolean })
let seq = 0

/** The catalogue every case sells from; `credit`: with the service product an exchange's credit is booked on. */
function seedCatalog(odoo: OdooTestServer, opts: { credit: boolean }) {
  odoo.seed("product.product", { name: "Blue shirt", default_code: "SHIRT-BLUE", list_price: 20, qty_available: 100, virtual_available: 100 })
  odoo.seed("product.product", { name: "Red mug", default_code: "MUG-RED", list_price: 9.5, qty_available: 100, virtual_available: 100 })
  odoo.seed("product.product", { name: "Lamp", default_code: "LAMP", list_price: 100, qty_available: 100, virtual_available: 100 })
  odoo.seed("product.product", { name: "Shipping", default_code: SHIPPING_SKU, type: "service" })
  odoo.seed("product.product", { name: "Rounding", default_code: ROUNDING_SKU, type: "service" })
  if (opts.credit) odoo.seed("product.product", { name: "Exchange credit", default_code: EXCHANGE_CREDIT_SKU, type: "service" })
  odoo.seed("account.tax", { name: "20%", amount: 20, type_tax_use: "sale" })
  odoo.seed("account.tax", { name: "5%", amount: 5, type_tax_use: "sale" })
}

// The sale of an exchange or a claim in the Odoo adapter, against the protocol-faithful server as Odoo 17 (JSON-RPC)
// and 19 (JSON-2): what it sends out as product lines, what it takes back credited on the service product
// MEDUSA-EXCHANGE-CREDIT at a negative price (no stock moves for it), Odoo's total Medusa's.
for (const [protocol, version] of [["jsonrpc", 17], ["json2", 19]] as const) {
  describe(`Odoo ${version} adapter (${protocol}): exchanges' and claims' sales`, () => {
    let odoo: OdooTestServer
    beforeAll(async () => {
      odoo = await startOdooTestServer({ version })
      seedCatalog(odoo, { credit: true })
    })
    afterAll(() => odoo.close())

    const provider = (server: OdooTestServer = odoo) =>
      buildProvider(OdooErpProvider, {
        url: server.url, database: server.database, apiKey: server.apiKey, protocol, taxes: { VAT20: "20%", VAT5: "5%" }, ...(protocol === "jsonrpc" ? { username: server.login } : {}),
      })
    async function exchange(erp: OdooErpProvider, total: string, lines: ErpSalesOrderInput["lines"], credits: ErpCreditLine[]): Promise<ErpSalesOrderInput> {
      const customer = await erp.upsertCustomer({ email: `swap-${++seq}@example.com`, name: "Mia Berg", phone: null, shippingAddress: address, billingAddress: address })
      return {
        reference: `medusa:exchange_${version}_${++seq}`, orderNumber: "81", customer, currencyCode: "USD", orderDate: "2026-11-22",
        lines, shipping: [], credits, total, checks: { stock: true, priceTolerancePercent: 0 },
      }
    }
    const shirt = (taxes: ErpSalesOrderInput["lines"][number]["taxes"] = []) => [{ sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 1, unitPrice: "20.00", netAmount: "20.00", taxes }]
    const saleOf = (server: OdooTestServer, id: string) => server.rows("sale.order").find((s) => s.id === Number(id))!
    const productId = (server: OdooTestServer, sku: string) => server.rows("product.product").find((p) => p.default_code === sku)!.id
    /** The sale's lines as Odoo holds them: product's internal reference, description, quantity, unit price, taxes. */
    const linesOf = (server: OdooTestServer, id: string) =>
      server.rows("sale.order.line").filter((l) => l.order_id === Number(id)).map((l) => [
        server.rows("product.product").find((p) => p.id === l.product_id)!.default_code, l.name, l.product_uom_qty, l.price_unit, (l[version === 19 ? "tax_ids" : "tax_id"] as number[]).length,
      ])

    it("a $20 shirt sent out, a $9.50 mug taken back: the credit a MEDUSA-EXCHANGE-CREDIT line at -9.50, Odoo's total 10.50, no stock moved for it, read back without it, paid in full", async () => {
      const { provider: erp } = provider()
      const input = await exchange(erp, "10.50", shirt(), [{ title: "Returned in exchange #1: Red mug ×1", netAmount: "9.50", taxes: [] }])
      const sale = await erp.createSalesOrder(input)
      expect(sale).toMatchObject({ created: true, state: "processing", reference: input.reference })
      expect(linesOf(odoo, sale.externalId)).toEqual([["SHIRT-BLUE", "Blue shirt", 1, 20, 0], [EXCHANGE_CREDIT_SKU, "Returned in exchange #1: Red mug ×1", 1, -9.5, 0]])
      expect(saleOf(odoo, sale.externalId)).toMatchObject({ amount_untaxed: 10.5, amount_tax: 0, amount_total: 10.5, state: "sale" })
      // The delivery ships the shirt only: a service line moves no stock (the mug comes back by the return).
      const delivery = odoo.rows("stock.picking").find((p) => p.sale_id === Number(sale.externalId))!
      expect(odoo.rows("stock.move").filter((m) => m.picking_id === delivery.id).map((m) => [m.product_id, m.product_uom_qty])).toEqual([[productId(odoo, "SHIRT-BLUE"), 1]])
      expect(await erp.getSalesOrder(sale.externalId)).toEqual({
        ...(await erp.findSalesOrderByReference(input.reference)), total: "10.5", currencyCode: "USD", lines: [{ sku: "SHIRT-BLUE", quantity: 1 }],
      })
      // The same sale again is found, not made twice.
      expect(await erp.createSalesOrder(input)).toMatchObject({ externalId: sale.externalId, created: false })
      // Paid against its own invoice, which carries the credit too.
      const paid = await erp.recordPayment({ saleExternalId: sale.externalId, orderNumber: "81", reference: `medusa:capt_${++seq}`, amount: "10.50", currencyCode: "USD", date: "2026-11-23" })
      expect(paid).toMatchObject({ created: true, amountDue: "0.00" })
      expect(odoo.rows("account.move").find((m) => m.id === Number(paid.invoiceExternalId))).toMatchObject({ amount_total: 10.5, payment_state: "paid" })
      expect(odoo.rows("account.move.line").filter((l) => l.move_id === Number(paid.invoiceExternalId)).map((l) => [l.name, l.price_unit])).toEqual([["Blue shirt", 20], ["Returned in exchange #1: Red mug ×1", -9.5]])
    })

    it("refuses the sale, permanently and creating nothing, while Odoo has no MEDUSA-EXCHANGE-CREDIT product, telling staff to create it; books it once they have", async () => {
      const bare = await startOdooTestServer({ version })
      try {
        seedCatalog(bare, { credit: false })
        const { provider: erp, logs } = provider(bare)
        const input = await exchange(erp, "10.50", shirt(), [{ title: "Returned in exchange #1: Red mug ×1", netAmount: "9.50", taxes: [] }])
        const err = await failure(erp.createSalesOrder(input))
        expect(err).toMatchObject({ code: "odoo_no_service_product", retryable: false })
        expect(err.message).toBe(
          `Cannot sync order #81 to erp: Odoo has no service product with internal reference 'MEDUSA-EXCHANGE-CREDIT' to credit the goods an exchange or claim takes back. Create it in Odoo (Sales › Products, type Service), then retry.`
        )
        expect(logs.map((l) => l.operation)).not.toContain("sale.order.create")
        expect(bare.rows("sale.order")).toEqual([])
        bare.seed("product.product", { name: "Exchange credit", default_code: EXCHANGE_CREDIT_SKU, type: "service" })
        const sale = await erp.createSalesOrder(input)
        expect([sale.created, sale.state, saleOf(bare, sale.externalId).amount_total]).toEqual([true, "processing", 10.5])
      } finally {
        await bare.close()
      }
    })

    it("a credit bringing the sale to exactly 0.00 (a $20 shirt for a $20 shirt, 20 % VAT on both) is booked and confirmed, without a rounding line", async () => {
      const { provider: erp } = provider()
      const input = await exchange(erp, "0.00", shirt(vat("VAT20", "20")), [{ title: "Returned in exchange #2: Blue shirt ×1", netAmount: "20.00", taxes: vat("VAT20", "20") }])
      const sale = await erp.createSalesOrder(input)
      expect(sale).toMatchObject({ created: true, state: "processing" })
      expect(saleOf(odoo, sale.externalId)).toMatchObject({ amount_untaxed: 0, amount_tax: 0, amount_total: 0, state: "sale" })
      expect(linesOf(odoo, sale.externalId)).toEqual([["SHIRT-BLUE", "Blue shirt", 1, 20, 1], [EXCHANGE_CREDIT_SKU, "Returned in exchange #2: Blue shirt ×1", 1, -20, 1]])
      expect(await erp.getSalesOrder(sale.externalId)).toMatchObject({ total: "0", lines: [{ sku: "SHIRT-BLUE", quantity: 1 }] })
    })

    it("a credit's tax is mapped as a line's is: taxed at the Odoo tax its code maps to, refused in words when its code is not mapped", async () => {
      const { provider: erp } = provider()
      const book = [{ title: "Returned in exchange #4: Book ×1", netAmount: "10.00", taxes: vat("VAT5", "5") }]
      const sale = await erp.createSalesOrder(await exchange(erp, "13.50", shirt(vat("VAT20", "20")), book))
      expect(linesOf(odoo, sale.externalId)[1]).toEqual([EXCHANGE_CREDIT_SKU, "Returned in exchange #4: Book ×1", 1, -10, 1])
      expect(saleOf(odoo, sale.externalId)).toMatchObject({ amount_total: 13.5 })

      const { provider: unmapped, logs } = buildProvider(OdooErpProvider, {
        url: odoo.url, database: odoo.database, apiKey: odoo.apiKey, protocol, taxes: { VAT20: "20%" }, ...(protocol === "jsonrpc" ? { username: odoo.login } : {}),
      })
      const err = await failure(unmapped.createSalesOrder(await exchange(unmapped, "13.50", shirt(vat("VAT20", "20")), book)))
      expect(err).toMatchObject({ code: "unmapped_tax", retryable: false })
      expect(err.message).toContain("'Returned in exchange #4: Book ×1' is taxed at 5 % by Medusa tax rate 'VAT5'")
      expect(logs.map((l) => l.operation)).not.toContain("sale.order.create")
    })

    it("a taxed credit's tax is negative and rounded per line away from zero as Odoo does (-2.505 → -2.51); a rounding line makes Odoo's total Medusa's", async () => {
      const { provider: erp } = provider()
      // A $100 lamp out at 5 % (5.00), a $50.10 credit back at 5 % (-2.505, Odoo: -2.51): Odoo 52.39, Medusa rounds 52.395 once to 52.40.
      const lamp = [{ sku: "LAMP", title: "Lamp", quantity: 1, unitPrice: "100.00", netAmount: "100.00", taxes: vat("VAT5", "5") }]
      const input = await exchange(erp, "52.40", lamp, [{ title: "Returned in claim #3: Lamp ×1 (partly credited)", netAmount: "50.10", taxes: vat("VAT5", "5") }])
      const sale = await erp.createSalesOrder(input)
      expect(sale).toMatchObject({ created: true, state: "processing" })
      expect(odoo.rows("sale.order.line").filter((l) => l.order_id === Number(sale.externalId)).map((l) => [l.price_subtotal, l.price_tax])).toEqual([[100, 5], [-50.1, -2.51], [0.01, 0]])
      expect(linesOf(odoo, sale.externalId)[2]).toEqual([ROUNDING_SKU, "Rounding difference (Medusa rounds the order total once)", 1, 0.01, 0])
      expect(saleOf(odoo, sale.externalId)).toMatchObject({ amount_tax: 2.49, amount_total: 52.4 })
      expect(await erp.getSalesOrder(sale.externalId)).toMatchObject({ total: "52.4", lines: [{ sku: "LAMP", quantity: 1 }] })
    })
  })
}
