import { buildProvider } from "../../src/testing/erp-contract"
import { OdooErpProvider, ROUNDING_SKU, SHIPPING_SKU } from "../../src/providers/erp-odoo/service"
import { validatePluginOptions } from "../../src/modules/integration-hub/connections"
import type { ErpSalesOrderInput, LegacyMatchField } from "../../src/providers/types"
import { findLegacySale } from "../../src/sync/legacy-match"
import { FaultyHttpClient } from "../helpers/faulty-http"
import { OdooTestServer, startOdooTestServer } from "./server"

jest.setTimeout(30_000)

const address = { name: "Mia Berg", street: "Storgatan 1", city: "Stockholm", postalCode: "111 22", countryCode: "PT" }
const vat = (code: string, rate: string) => [{ code, rate }]
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as Error & { code?: string; retryable?: boolean })
let seq = 0

// The money side of the Odoo adapter, against the protocol-faithful server as Odoo 17 (JSON-RPC) and 19 (JSON-2)
// name their fields: taxes, rounding, invoicing, payments, credit notes and cancelling invoiced sales.
for (const [protocol, version] of [["jsonrpc", 17], ["json2", 19]] as const) {
  describe(`Odoo ${version} adapter (${protocol}): totals, invoices and payments`, () => {
    let odoo: OdooTestServer
    const taxes = { VAT20: "20%", VAT10: 0 }
    beforeAll(async () => {
      odoo = await startOdooTestServer({ version })
      odoo.seed("product.product", { name: "Blue shirt", default_code: "SHIRT-BLUE", list_price: 20, qty_available: 100, virtual_available: 100 })
      odoo.seed("product.product", { name: "Red mug", default_code: "MUG-RED", list_price: 9.5, qty_available: 100, virtual_available: 100 })
      odoo.seed("product.product", { name: "Sticker", default_code: "STICKER", list_price: 0.1, qty_available: 100, virtual_available: 100 })
      odoo.seed("product.product", { name: "Desk", default_code: "DESK", list_price: 100, qty_available: 5, virtual_available: 5, invoice_policy: "delivery" })
      odoo.seed("product.product", { name: "Shipping", default_code: SHIPPING_SKU, type: "service" })
      odoo.seed("account.tax", { name: "20%", amount: 20, type_tax_use: "sale" })
      taxes.VAT10 = odoo.seed("account.tax", { name: "10%", amount: 10, type_tax_use: "sale" })
      odoo.seed("account.tax", { name: "5%", amount: 5, type_tax_use: "sale" })
      for (const code of ["JPY", "KWD"]) odoo.seed("product.pricelist", { name: `Shop ${code}`, currency_id: currencyId(code) })
    })
    const currencyId = (code: string) => odoo.rows("res.currency").find((c) => c.name === code)!.id
    afterAll(() => odoo.close())

    const provider = (overrides: Record<string, unknown> = {}, opts: Parameters<typeof buildProvider>[2] = {}) =>
      buildProvider(OdooErpProvider, {
        url: odoo.url, database: odoo.database, apiKey: odoo.apiKey, protocol, taxes, ...(protocol === "jsonrpc" ? { username: odoo.login } : {}), ...overrides,
      }, opts)
    /** The adapter with an HTTP client that can fail a chosen call once. */
    const faulty = () => {
      let http: FaultyHttpClient | undefined
      const { provider: erp } = provider({}, { httpClient: (config) => (http = new FaultyHttpClient(config)) })
      return { erp, http: http! }
    }
    async function order(erp: OdooErpProvider, total: string, lines: ErpSalesOrderInput["lines"], shipping: ErpSalesOrderInput["shipping"] = []): Promise<ErpSalesOrderInput> {
      const customer = await erp.upsertCustomer({ email: `mia-${++seq}@example.com`, name: "Mia Berg", phone: null, shippingAddress: address, billingAddress: address })
      return { reference: `medusa:order_${version}_${++seq}`, orderNumber: "81", customer, currencyCode: "USD", orderDate: "2026-11-22", lines, shipping, total, checks: { stock: true, priceTolerancePercent: 0 } }
    }
    const saleOf = (id: string) => odoo.rows("sale.order").find((s) => s.id === Number(id))!
    const linesOf = (id: string) =>
      odoo.rows("sale.order.line").filter((l) => l.order_id === Number(id)).map((l) => [l.name, l.product_uom_qty, l.price_unit, (l[version === 19 ? "tax_ids" : "tax_id"] as number[]).length])
    const move = (id: string) => odoo.rows("account.move").find((m) => m.id === Number(id))!
    const taxedOrder = (erp: OdooErpProvider) =>
      order(erp, "49.20", [{ sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 2, unitPrice: "20.00", netAmount: "36.00", taxes: vat("VAT20", "20") }], [{ title: "Shipping: Standard", netAmount: "5.00", taxes: vat("VAT20", "20") }])
    const capture = (saleExternalId: string, reference: string, amount: string) => ({ saleExternalId, orderNumber: "81", reference, amount, currencyCode: "USD", date: "2026-11-23" })

    it("two $20 shirts with 10 % off and $5 shipping, 20 % VAT on both: the discount in the unit price, VAT as Odoo's tax, Medusa's total", async () => {
      const { provider: erp } = provider()
      const sale = await erp.createSalesOrder(await taxedOrder(erp))
      expect(sale).toMatchObject({ created: true, state: "processing" })
      expect(saleOf(sale.externalId)).toMatchObject({ amount_untaxed: 41, amount_tax: 8.2, amount_total: 49.2 })
      expect(linesOf(sale.externalId)).toEqual([["Blue shirt", 2, 18, 1], ["Shipping: Standard", 1, 5, 1]])
    })

    it.each<[string, string, string, ErpSalesOrderInput["lines"]]>([
      // Two stickers at 0.10 with 5 %: Odoo rounds each line's 0.005 up, Medusa rounds the order once.
      ["USD", "0.21", "-0.01", [1, 2].map((n) => ({ sku: "STICKER", title: `Sticker ${n}`, quantity: 1, unitPrice: "0.10", netAmount: "0.10", taxes: vat("VAT5", "5") }))],
      // Yen: 3 mugs for 2500 split 833 × 2 + 834 (no cents in JPY), 10 % tax per line.
      ["JPY", "2750", "0", [{ sku: "MUG-RED", title: "Red mug", quantity: 3, unitPrice: "950", netAmount: "2500", taxes: vat("VAT10", "10") }]],
      // Dinars keep 3 decimals: 10 % of 3.500 is 0.350, not rounded to cents.
      ["KWD", "3.850", "0", [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "3.500", netAmount: "3.500", taxes: vat("VAT10", "10") }]],
    ])("%s: Medusa's total %s to the minor unit (rounding line %s)", async (currencyCode, total, rounding, lines) => {
      odoo.seed("product.product", { name: "Rounding", default_code: ROUNDING_SKU, type: "service" })
      const { provider: erp } = provider({ taxes: { ...taxes, VAT5: "5%" } })
      const input = { ...(await order(erp, total, lines)), currencyCode, checks: { stock: true, priceTolerancePercent: null } }
      const sale = await erp.createSalesOrder(input)
      expect(saleOf(sale.externalId)).toMatchObject({ amount_total: Number(total), currency_id: currencyId(currencyCode) })
      const roundingLines = linesOf(sale.externalId).filter(([name]) => String(name).startsWith("Rounding"))
      expect(roundingLines).toEqual(rounding === "0" ? [] : [["Rounding difference (Medusa rounds the order total once)", 1, Number(rounding), 0]])
    })

    it("reads a sale back for reconciliation: Odoo's total, its product lines by SKU without shipping, null once deleted", async () => {
      const { provider: erp } = provider()
      const input = await order(erp, "60.60", [
        { sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 2, unitPrice: "20.00", netAmount: "36.00", taxes: vat("VAT20", "20") },
        { sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "9.50", netAmount: "9.50", taxes: vat("VAT20", "20") },
      ], [{ title: "Shipping: Standard", netAmount: "5.00", taxes: vat("VAT20", "20") }])
      const sale = await erp.createSalesOrder(input)
      expect(await erp.getSalesOrder(sale.externalId)).toEqual({
        ...(await erp.findSalesOrderByReference(input.reference)),
        total: String(saleOf(sale.externalId).amount_total),
        currencyCode: "USD",
        lines: [{ sku: "MUG-RED", quantity: 1 }, { sku: "SHIRT-BLUE", quantity: 2 }],
      })
      expect(await erp.getSalesOrder("999999")).toBeNull()
    })

    it("finds the sales a legacy integration wrote by their customer reference or source document, any case, live ones only", async () => {
      const { provider: erp } = provider()
      const { customer } = await order(erp, "0", [])
      const legacy = (client_order_ref: string | false, origin: string | false, state = "sale") =>
        odoo.seed("sale.order", { name: `S-LEG-${++seq}`, client_order_ref, origin, state, partner_id: Number(customer.externalId) })
      const byRef = legacy(`WEB-${version}-77`, false)
      const byOrigin = legacy(false, `Shop order web-${version}-77 (paid)`)
      legacy(`WEB-${version}-77`, false, "cancel")
      expect((await erp.findSalesOrdersByText("reference", `WEB-${version}-77`, { exact: false, after: null, limit: 20 })).sales.map((s) => [s.externalId, s.matched])).toEqual([[String(byRef), `WEB-${version}-77`]])
      expect((await erp.findSalesOrdersByText("description", `WEB-${version}-77`, { exact: false, after: null, limit: 20 })).sales.map((s) => [s.externalId, s.matched])).toEqual([[String(byOrigin), `Shop order web-${version}-77 (paid)`]])
    })

    it.each<[LegacyMatchField, (prefix: string) => string]>([
      ["reference", (prefix) => `${prefix}-12`],
      ["description", (prefix) => `Shop order ${prefix}-12 (paid)`],
    ])("links the sale whose %s the legacy integration wrote after 25 sales whose field only contains the text (\"…-120\" to \"…-1224\")", async (field, written) => {
      const { provider: erp } = provider()
      const { customer } = await order(erp, "0", [])
      const prefix = `LEG${version}X${++seq}`
      const name = field === "reference" ? "client_order_ref" : "origin"
      const seed = (value: string) => odoo.seed("sale.order", { name: `S-LEG-${++seq}`, [name]: value, state: "sale", partner_id: Number(customer.externalId) })
      for (let i = 0; i < 25; i++) seed(field === "reference" ? `${prefix}-12${i}` : `Shop order ${prefix}-12${i} (paid)`)
      const id = seed(written(prefix))
      const connection = validatePluginOptions({ connections: [{ id: "erp", kind: "erp", provider: "sandbox", legacyMatch: { field, pattern: `${prefix}-{display_id}` } }] }).connections[0]
      expect(await findLegacySale(erp, connection, "12")).toMatchObject({ externalId: String(id) })
    })

    it("refuses an order in a currency Odoo has no pricelist in, naming it, and finds the pricelist staff then create", async () => {
      const { provider: erp, logs } = provider()
      const input = { ...(await taxedOrder(erp)), currencyCode: "EUR" }
      const err = await failure(erp.createSalesOrder(input))
      expect(err).toMatchObject({ code: "odoo_no_pricelist", retryable: false })
      expect(err.message).toBe("Cannot sync order #81 to erp: Odoo has no pricelist in EUR to sell in Medusa's currency. Create one in Odoo (Sales › Products › Pricelists), then retry.")
      expect(logs.map((l) => l.operation)).not.toContain("sale.order.create")
      odoo.seed("product.pricelist", { name: "Shop EUR", currency_id: currencyId("EUR") })
      const sale = await erp.createSalesOrder(input)
      expect(saleOf(sale.externalId)).toMatchObject({ currency_id: currencyId("EUR"), amount_total: 49.2 })
    })

    it("refuses a sale whose total Odoo computes otherwise (a tax mapped to the wrong rate), and cancels the quotation", async () => {
      const { provider: erp } = provider({ taxes: { VAT20: "10%" } })
      const input = await taxedOrder(erp)
      const err = await failure(erp.createSalesOrder(input))
      expect(err).toMatchObject({ code: "total_mismatch", retryable: false })
      expect(err.message).toMatch(/^Cannot sync order #81 to erp: Odoo computes a total of 45\.10 USD for S\d{5}, but Medusa charged 49\.20 USD \(the quotation was cancelled\)\. Check that options\.taxes maps/)
      expect(await erp.findSalesOrderByReference(input.reference)).toBeNull()
    })

    it.each<[string, Record<string, number | string>, string, string]>([
      ["not mapped", {}, "unmapped_tax", `line item 'Blue shirt' is taxed at 20 % by Medusa tax rate 'VAT20', which options.taxes does not map to a Odoo tax. Add "VAT20": <Odoo tax id or name> to options.taxes, then retry.`],
      ["mapped to a name Odoo lacks", { VAT20: "VAT 20 %" }, "unknown_tax", `options.taxes maps Medusa tax rate 'VAT20' to "VAT 20 %", which is not a tax in Odoo. Correct the name (or give the tax's id), then retry.`],
    ])("refuses a taxed line whose tax is %s, naming the code, and creates nothing", async (_, mapping, code, words) => {
      const { provider: erp, logs } = provider({ taxes: mapping })
      const err = await failure(erp.createSalesOrder(await taxedOrder(erp)))
      expect(err).toMatchObject({ code, retryable: false })
      expect(err.message).toBe(`Cannot sync order #81 to erp: ${words}`)
      expect(logs.map((l) => l.operation)).not.toContain("sale.order.create")
    })

    it("invoices the sale, posts the invoice, pays part of it, then the rest; each capture once", async () => {
      const { provider: erp } = provider()
      const { externalId } = await erp.createSalesOrder(await taxedOrder(erp))
      const first = await erp.recordPayment(capture(externalId, "medusa:capt_a", "20.00"))
      expect(first).toMatchObject({ created: true, amountDue: "29.20", invoiceNumber: expect.stringMatching(/^INV\/\d{4}\/\d{5}$/) })
      expect(await erp.recordPayment(capture(externalId, "medusa:capt_a", "20.00"))).toEqual({ ...first, created: false })
      expect(await erp.recordPayment(capture(externalId, "medusa:capt_b", "29.20"))).toMatchObject({ created: true, amountDue: "0.00", invoiceExternalId: first.invoiceExternalId })
      expect(move(first.invoiceExternalId)).toMatchObject({ state: "posted", payment_state: "paid", amount_total: 49.2 })
      const memo = version === 19 ? "memo" : "ref"
      expect(odoo.rows("account.payment").filter((p) => String(p[memo]).startsWith("medusa:capt_")).map((p) => [p[memo], p.amount])).toEqual([["medusa:capt_a", 20], ["medusa:capt_b", 29.2]])
    })

    it("credits refunds with credit notes of exactly the refunded amount, VAT included, paid out; each refund once", async () => {
      const { provider: erp } = provider()
      const { externalId } = await erp.createSalesOrder(await taxedOrder(erp))
      const { invoiceExternalId } = await erp.recordPayment(capture(externalId, "medusa:capt_r", "49.20"))
      const first = await erp.recordRefund(capture(externalId, "medusa:refund_1", "10.00"))
      expect(first).toMatchObject({ created: true, creditNoteNumber: expect.stringMatching(/^RINV\//) })
      expect(await erp.recordRefund(capture(externalId, "medusa:refund_1", "10.00"))).toEqual({ ...first, created: false })
      const second = await erp.recordRefund(capture(externalId, "medusa:refund_2", "5.55"))
      const notes = [first, second].map((n) => move(n.creditNoteExternalId))
      expect(notes.map((n) => [n.move_type, n.ref, n.state, n.payment_state, n.amount_total, n.reversed_entry_id])).toEqual([
        ["out_refund", "medusa:refund_1", "posted", "paid", 10, Number(invoiceExternalId)],
        ["out_refund", "medusa:refund_2", "posted", "paid", 5.55, Number(invoiceExternalId)],
      ])
      expect(notes.every((n) => (n.amount_tax as number) > 0)).toBe(true)
    })

    it("a credit note found by our reference is checked first: a wrong draft is cancelled and made anew, a wrong posted one is reported and not paid", async () => {
      const { erp, http } = faulty()
      const { externalId } = await erp.createSalesOrder(await taxedOrder(erp))
      await erp.recordPayment(capture(externalId, "medusa:capt_chk", "49.20"))
      const notes = (ref: string) => odoo.rows("account.move").filter((m) => m.ref === ref).map((m) => [m.state, m.amount_total, m.payment_state])
      // A run stopped before posting: the draft it left says 10.00, the refund with this reference says 7.00.
      http.failNext("account.move.action_post", "before-sending")
      await expect(erp.recordRefund(capture(externalId, "medusa:refund_draft", "10.00"))).rejects.toMatchObject({ code: "timeout" })
      await erp.recordRefund(capture(externalId, "medusa:refund_draft", "7.00"))
      expect(notes("medusa:refund_draft")).toEqual([["cancel", 10, "not_paid"], ["posted", 7, "paid"]])
      // A run stopped before paying: the posted note says 10.00. Its residual is not paid out for a 7.00 refund.
      http.failNext("account.payment.register.create", "before-sending")
      await expect(erp.recordRefund(capture(externalId, "medusa:refund_posted", "10.00"))).rejects.toMatchObject({ code: "timeout" })
      const err = await failure(erp.recordRefund(capture(externalId, "medusa:refund_posted", "7.00")))
      expect(err).toMatchObject({ code: "credit_note_mismatch", retryable: false })
      expect(err.message).toContain("carrying refund medusa:refund_posted of order #81 is already posted in Odoo but does not match the refund of 7.00 USD (its total is 10.00, not 7.00). Nothing was paid out.")
      expect(notes("medusa:refund_posted")).toEqual([["posted", 10, "not_paid"]])
      // The same run resumed with the right amount pays exactly the refund.
      expect(await erp.recordRefund(capture(externalId, "medusa:refund_posted", "10.00"))).toMatchObject({ created: true })
      expect(notes("medusa:refund_posted")).toEqual([["posted", 10, "paid"]])
    })

    it("two runs creating the same order at once leave one live sale order: every run keeps the oldest, the other is cancelled", async () => {
      const { provider: erp } = provider()
      const input = await taxedOrder(erp)
      const [a, b] = await Promise.all([erp.createSalesOrder(input), erp.createSalesOrder(input)])
      expect(b.externalId).toBe(a.externalId)
      expect([a.created, b.created].sort()).toEqual([false, true])
      const sales = odoo.rows("sale.order").filter((s) => s.client_order_ref === input.reference).map((s) => [s.id, s.state])
      expect(sales).toEqual([[Number(a.externalId), "sale"], [expect.any(Number), "cancel"]])
    })

    it("waits, retryably, for a sale Odoo invoices on delivery", async () => {
      const { provider: erp } = provider()
      const { externalId, number } = await erp.createSalesOrder(await order(erp, "100.00", [{ sku: "DESK", title: "Desk", quantity: 1, unitPrice: "100.00", netAmount: "100.00", taxes: [] }]))
      const err = await failure(erp.recordPayment(capture(externalId, "medusa:capt_d", "100.00")))
      expect(err).toMatchObject({ code: "odoo_not_invoiced", retryable: true })
      expect(err.message).toContain(`sale order ${number} of order #81 (invoice status "no"`)
    })

    it("confirms a backorder line beyond the forecasted quantity and says so with Odoo's figure; the same line sold from stock is refused", async () => {
      odoo.seed("product.product", { name: "Lamp", default_code: "LAMP", list_price: 30, qty_available: 2, virtual_available: 2 })
      const { provider: erp } = provider()
      const lamps = (backorder: boolean) => [{ sku: "LAMP", title: "Lamp", quantity: 5, unitPrice: "30.00", netAmount: "150.00", taxes: [], ...(backorder ? { backorder } : {}) }]
      const sale = await erp.createSalesOrder(await order(erp, "150.00", lamps(true)))
      expect(sale).toMatchObject({ created: true, state: "processing", backordered: "LAMP ×5 backordered: Odoo can ship 2 (forecasted quantity)." })
      expect(linesOf(sale.externalId)).toEqual([["Lamp", 5, 30, 0]])
      const refused = await order(erp, "150.00", lamps(false))
      const err = await failure(erp.createSalesOrder(refused))
      expect(err).toMatchObject({ code: "insufficient_stock", retryable: false })
      // Odoo's forecast now counts the backorder: nothing to ship.
      expect(err.message).toBe("Cannot sync order #81 to erp: it wants 5 of SKU 'LAMP', but Odoo can ship 0 (forecasted quantity). Receive stock in Odoo, or turn off orderChecks.stock for this connection, then retry.")
      expect(odoo.rows("sale.order").filter((s) => s.client_order_ref === refused.reference)).toEqual([])
    })

    /** What staff do in Odoo's UI, as the same calls through JSON-2 (independent of the adapter). */
    async function staff(model: string, method: string, body: Record<string, unknown>): Promise<unknown> {
      const res = await fetch(`${odoo.url}/json/2/${model}/${method}`, { method: "POST", headers: { authorization: `bearer ${odoo.apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body) })
      if (!res.ok) throw new Error(`${model}.${method}: ${await res.text()}`)
      return res.json()
    }
    async function invoiceInOdoo(saleId: string): Promise<number> {
      const context = { active_model: "sale.order", active_ids: [Number(saleId)] }
      const [wizard] = (await staff("sale.advance.payment.inv", "create", { vals_list: [{ advance_payment_method: "delivered" }], context })) as number[]
      await staff("sale.advance.payment.inv", "create_invoices", { ids: [wizard], context })
      const invoiceId = (saleOf(saleId).invoice_ids as number[])[0]
      await staff("account.move", "action_post", { ids: [invoiceId] })
      return invoiceId
    }

    it("cancelling an invoiced, unpaid sale cancels its posted invoice too", async () => {
      const { provider: erp } = provider()
      const { externalId } = await erp.createSalesOrder(await taxedOrder(erp))
      const invoiceId = await invoiceInOdoo(externalId)
      const cancelled = await erp.cancelSalesOrder(externalId)
      expect(cancelled).toEqual({ state: "cancelled", summary: `sale order ${saleOf(externalId).name} cancelled, invoice ${move(String(invoiceId)).name} cancelled` })
      expect([saleOf(externalId).state, move(String(invoiceId)).state]).toEqual(["cancel", "cancel"])
    })

    it.each<[string, string, string]>([
      ["paid", "49.20", "paid"],
      ["partly paid", "20.00", "partly paid"],
    ])("refuses to cancel a sale whose invoice is %s, saying what staff must do, and changes nothing", async (_, amount, words) => {
      const { provider: erp } = provider()
      const { externalId } = await erp.createSalesOrder(await taxedOrder(erp))
      const { invoiceNumber, invoiceExternalId } = await erp.recordPayment(capture(externalId, `medusa:capt_${++seq}`, amount))
      const err = await failure(erp.cancelSalesOrder(externalId))
      expect(err).toMatchObject({ code: "odoo_invoice_paid", retryable: false })
      expect(err.message).toBe(`Cannot cancel sale order ${saleOf(externalId).name} in Odoo: invoice ${invoiceNumber} is ${words} — issue a credit note in Odoo (and refund the customer), then mark this cancellation done.`)
      expect([saleOf(externalId).state, move(invoiceExternalId).state]).toEqual(["sale", "posted"])
    })
  })
}

// Stock per warehouse from Odoo's stock quants, for the inventory import: two warehouses, a location tree, reserved
// quantities, and the changes since a cursor (quants' write_date).
for (const [protocol, version] of [["jsonrpc", 17], ["json2", 19]] as const) {
  describe(`Odoo ${version} adapter (${protocol}): stock per warehouse`, () => {
    let odoo: OdooTestServer
    const ids: Record<string, number> = {}
    beforeAll(async () => {
      odoo = await startOdooTestServer({ version })
      for (const [code, name] of [["SHIRT-BLUE", "Blue shirt"], ["MUG-RED", "Red mug"], ["HAT", "Hat"]]) {
        ids[code] = odoo.seed("product.product", { name, default_code: code, list_price: 10, qty_available: 999, virtual_available: 999 })
      }
      odoo.seed("product.product", { name: "No reference" })
      const view = (name: string) => odoo.seed("stock.location", { name, usage: "view" })
      const [wh, wh2] = [view("WH"), view("WH2")]
      ids.stock = odoo.seed("stock.location", { name: "WH/Stock", usage: "internal", location_id: wh })
      ids.shelf = odoo.seed("stock.location", { name: "WH/Stock/Shelf 1", usage: "internal", location_id: ids.stock })
      ids.stock2 = odoo.seed("stock.location", { name: "WH2/Stock", usage: "internal", location_id: wh2 })
      odoo.seed("stock.warehouse", { name: "San Francisco", code: "WH", lot_stock_id: ids.stock })
      odoo.seed("stock.warehouse", { name: "Lisbon", code: "WH2", lot_stock_id: ids.stock2 })
      ids.shirtStock = odoo.seed("stock.quant", { product_id: ids["SHIRT-BLUE"], location_id: ids.stock, quantity: 30, reserved_quantity: 4 })
      odoo.seed("stock.quant", { product_id: ids["SHIRT-BLUE"], location_id: ids.shelf, quantity: 12 })
      odoo.seed("stock.quant", { product_id: ids["SHIRT-BLUE"], location_id: ids.stock2, quantity: 7, reserved_quantity: 7 })
      ids.mugLisbon = odoo.seed("stock.quant", { product_id: ids["MUG-RED"], location_id: ids.stock2, quantity: 5 })
    })
    afterAll(() => odoo.close())
    const erp = () =>
      buildProvider(OdooErpProvider, { url: odoo.url, database: odoo.database, apiKey: odoo.apiKey, protocol, ...(protocol === "jsonrpc" ? { username: odoo.login } : {}) }).provider
    const listAll = async (p: OdooErpProvider, warehouse: string | null, changedSince: string | null, limit: number) => {
      const pages: string[][] = []
      for (let after: string | null = null, first = true; first || after; first = false) {
        const page = await p.listStockLevels({ warehouse, changedSince, after, limit })
        pages.push(page.levels.map((l) => `${l.sku} ${l.onHand}/${l.forecast}`))
        after = page.next
      }
      return pages
    }

    it("reads a warehouse's quants, its sub-locations included: on hand, and forecast less what is reserved; none elsewhere counted", async () => {
      const p = erp()
      expect(await p.getStockLevels(["SHIRT-BLUE", "MUG-RED", "GHOST"], { warehouse: "WH" })).toEqual({
        "SHIRT-BLUE": { onHand: 42, forecast: 38 }, "MUG-RED": { onHand: 0, forecast: 0 },
      })
      expect(await p.getStockLevels(["SHIRT-BLUE", "MUG-RED"], { warehouse: "WH2" })).toEqual({
        "SHIRT-BLUE": { onHand: 7, forecast: 0 }, "MUG-RED": { onHand: 5, forecast: 5 },
      })
      // No warehouse: the company's own figures (qty_available, virtual_available).
      expect(await p.getStockLevels(["HAT"])).toEqual({ HAT: { onHand: 999, forecast: 999 } })
    })

    it("refuses an unknown warehouse code in words, naming the option, without retrying", async () => {
      const err = await failure(erp().getStockLevels(["SHIRT-BLUE"], { warehouse: "NOPE" }))
      expect(err.message).toBe('Odoo (connection "erp") has no warehouse with the short name "NOPE": give an existing warehouse\'s code in connections[].inventory.locations')
      expect(err).toMatchObject({ code: "odoo_unknown_warehouse", retryable: false })
    })

    it("lists every product with an internal reference page by page, then only those whose quants were written since the cursor", async () => {
      const p = erp()
      expect(await listAll(p, "WH", null, 2)).toEqual([["SHIRT-BLUE 42/38", "MUG-RED 0/0"], ["HAT 0/0"]])
      // A cursor from before the seeding sees every quant's product of the warehouse.
      const { cursor } = await p.listStockLevels({ warehouse: "WH2", changedSince: null, after: null, limit: 10 })
      expect(await listAll(p, "WH2", cursor, 10)).toEqual([["SHIRT-BLUE 7/0", "MUG-RED 5/5"]])
      // A delivery from Lisbon done (written now); a cursor from after the seeding lists only that product.
      await new Promise((r) => setTimeout(r, 2_100))
      const since = new Date(Date.now() - 500).toISOString().slice(0, 19).replace("T", " ")
      odoo.update("stock.quant", ids.mugLisbon, { quantity: 2 })
      expect(await listAll(p, "WH2", since, 10)).toEqual([["MUG-RED 2/2"]])
      expect(await listAll(p, "WH", since, 10)).toEqual([[]])
    })
  })
}
