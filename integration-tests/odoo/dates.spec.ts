import { buildProvider } from "../../src/testing/erp-contract"
import { OdooErpProvider } from "../../src/providers/erp-odoo/service"
import { mapOrderForErp, OrderForErp } from "../../src/workflows/sync-order-to-erp/order-mapper"
import { capturesOf } from "../../src/workflows/record-payments-in-erp"
import { OdooTestServer, startOdooTestServer } from "./server"

jest.setTimeout(30_000)

const address = { first_name: "Mia", last_name: "Berg", address_1: "5th Avenue 1", city: "New York", postal_code: "10001", country_code: "us" }

// An order placed at 23:30 on New Year's Eve in New York, paid a minute later: Odoo's date_order (a datetime) gets
// the instant in UTC, which Odoo shows on the 31st in New York; the payment (a date) is the store's day, the 31st.
describe("Odoo adapter: dates of a store in America/New_York", () => {
  let odoo: OdooTestServer
  beforeAll(async () => {
    odoo = await startOdooTestServer({ version: 17 })
    odoo.seed("product.product", { name: "Blue shirt", default_code: "SHIRT-BLUE", list_price: 20, qty_available: 100, virtual_available: 100 })
  })
  afterAll(() => odoo.close())

  const order: OrderForErp = {
    id: "order_nye", display_id: 1231, status: "pending", email: "mia@example.com", currency_code: "usd", created_at: "2026-12-31T23:30:00-05:00", total: 20,
    items: [{ id: "item_1", title: "Blue shirt", variant_sku: "SHIRT-BLUE", quantity: 1, unit_price: 20 }], shipping_address: address,
  }

  it.each<[string, string, string, string]>([
    ["America/New_York", "2026-12-31", "2027-01-01 04:30:00", "2026-12-31"],
    ["UTC", "2027-01-01", "2027-01-01 04:30:00", "2027-01-01"],
  ])("in %s the sale is dated %s (date_order %s) and its payment %s", async (timeZone, orderDate, dateOrder, paymentDate) => {
    const { provider: erp } = buildProvider(OdooErpProvider, { url: odoo.url, database: odoo.database, apiKey: odoo.apiKey, protocol: "jsonrpc", username: odoo.login })
    const draft = mapOrderForErp({ ...order, id: `order_nye_${timeZone}` }, "odoo", timeZone)
    expect(draft.orderDate).toBe(orderDate)
    const customer = await erp.upsertCustomer(draft.customer)
    const sale = await erp.createSalesOrder({ ...draft, customer, checks: { stock: false, priceTolerancePercent: null } })
    expect(odoo.rows("sale.order").find((s) => s.id === Number(sale.externalId))!.date_order).toBe(dateOrder)

    const [capture] = capturesOf({ id: order.id, currency_code: "usd", payment_collections: [{ payments: [{ id: "pay_1", captures: [{ id: `capt_${timeZone}`, amount: 20, created_at: "2027-01-01T04:31:00Z" }] }] }] }, timeZone)
    expect(capture.date).toBe(paymentDate)
    await erp.recordPayment!({ saleExternalId: sale.externalId, orderNumber: draft.orderNumber, reference: capture.reference, amount: capture.amount, currencyCode: "USD", date: capture.date })
    expect(odoo.rows("account.payment").filter((p) => p.ref === capture.reference).map((p) => p.date)).toEqual([paymentDate])
  })
})
