import { execFileSync } from "node:child_process"
import { createServer, request } from "node:http"
import { AddressInfo } from "node:net"
import path from "node:path"
import type { Logger } from "@medusajs/framework/types"
import { IntegrationError } from "../../src/lib/errors"
import { CallLogEntry, CallRecorder } from "../../src/lib/http/call-recorder"
import { HttpClient } from "../../src/lib/http/client"
import type { ErpSalesOrderInput, ProviderStateStore } from "../../src/providers/types"
import { connectionSchema } from "../../src/modules/integration-hub/options"
import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import { memoryCredentialStore } from "../../src/testing/erp-contract"
import { describeWithTryton, trytonPeer, TrytonState } from "../helpers/tryton-env"

jest.setTimeout(60_000)

/** The connection's default order checks: stock, and the list price to the cent. */
const CHECKS = { stock: true, priceTolerancePercent: 0 }

const silent = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} } as unknown as Logger

const unused = () => Promise.reject(new Error("the Tryton adapter keeps no state in Medusa"))
const noState: ProviderStateStore = { get: unused, set: unused, delete: unused, next: unused, consume: unused }

/** The adapter exactly as the hub builds it, with its log rows collected in memory. */
function adapter(state: TrytonState, overrides: Record<string, unknown> = {}) {
  const logs: CallLogEntry[] = []
  const options = { url: state.url, database: state.database, username: state.username, password: state.password, invoiceMethod: "manual", ...overrides }
  const connection = connectionSchema.parse({ id: "erp", kind: "erp", provider: "tryton", options, timeoutMs: 5_000 })
  const createRecorder = (secrets: string[]) => new CallRecorder({ connectionId: "erp", secrets, log: async (e) => void logs.push(e) })
  const provider = new TrytonErpProvider(
    {
      connection,
      logger: silent,
      createRecorder,
      createHttpClient: (baseURL, secrets) => new HttpClient({ baseURL, timeoutMs: 5_000, recorder: createRecorder(secrets) }),
      state: noState,
      credentials: memoryCredentialStore(),
    },
    options
  )
  return { provider, logs }
}

describeWithTryton()("Tryton adapter against the real trytond", () => {
  const state = trytonPeer.readState()!

  it("reports a rejected login as a permanent error naming the user and database, without the password", async () => {
    const { provider, logs } = adapter(state, { password: "Wr0ng-Secret-Pass" })
    const err = await provider.testConnection().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(IntegrationError)
    expect(err).toMatchObject({ code: "tryton_login_rejected", retryable: false })
    expect((err as Error).message).toBe(
      `Tryton rejected the login of user "${state.username}" on database "${state.database}" (connection "erp"): check options.username and options.password`
    )
    expect(JSON.stringify(logs)).not.toContain("Wr0ng-Secret-Pass")
    expect(logs[0]).toMatchObject({ operation: "common.db.login", status: "error", http_status: 401, request: "[omitted: sensitive call]" })
  })

  it("logs in again when Tryton has dropped the session, and repeats the call", async () => {
    const { provider, logs } = adapter(state)
    const first = await provider.getStockLevels(["SHIRT-BLUE"])
    // Expire every session the way Tryton does after idling: the rows disappear from ir_session.
    const db = path.join(((state as unknown) as { dir: string }).dir, "db", `${state.database}.sqlite`)
    execFileSync("python3", ["-c", `import sqlite3; c = sqlite3.connect("${db}"); c.execute("DELETE FROM ir_session"); c.commit()`])
    const second = await provider.getStockLevels(["SHIRT-BLUE"])
    expect(second).toEqual(first)
    const operations = logs.map((l) => `${l.operation}:${l.http_status}`)
    expect(operations.filter((o) => o === "common.db.login:200")).toHaveLength(2)
    expect(operations).toContain("model.product.product.search_read:401")
    expect(JSON.stringify(logs)).not.toContain(state.password)
  })

  it("reads stock per SKU in the warehouse and leaves out SKUs Tryton does not know", async () => {
    const { provider } = adapter(state)
    const levels = await provider.getStockLevels(["SHIRT-BLUE", "MUG-RED", "HAT-GHOST"])
    expect(Object.keys(levels).sort()).toEqual(["MUG-RED", "SHIRT-BLUE"])
    expect(levels["SHIRT-BLUE"].onHand).toBe(100)
    expect(levels["MUG-RED"].onHand).toBe(50)
  })

  it("creates one sale per reference: a second create with the same reference finds it", async () => {
    const { provider } = adapter(state)
    const address = { name: "Ana Lima", street: "Rua Augusta 10", city: "Lisboa", postalCode: "1100-053", countryCode: "PT" }
    const customer = await provider.upsertCustomer({ email: `ana-${Date.now()}@example.com`, name: "Ana Lima", phone: null, shippingAddress: address, billingAddress: address })
    expect(customer.created).toBe(true)
    expect(customer.shippingAddressId).toBe(customer.billingAddressId)
    const order = {
      reference: `medusa:adapter-${Date.now()}`,
      orderNumber: "77",
      customer,
      currencyCode: "USD",
      orderDate: "2026-11-22",
      lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 2, unitPrice: "9.50", netAmount: "19.00", taxes: [] }],
      shipping: [], total: "19.00", checks: CHECKS,
    }
    const first = await provider.createSalesOrder(order)
    const second = await provider.createSalesOrder(order)
    expect(first).toMatchObject({ created: true, state: "processing", reference: order.reference })
    expect(second).toMatchObject({ created: false, externalId: first.externalId, number: first.number })

    const cancelled = await provider.cancelSalesOrder(first.externalId)
    expect(cancelled.state).toBe("cancelled")
    expect(await provider.cancelSalesOrder(first.externalId)).toMatchObject({ state: "cancelled", summary: expect.stringContaining("already cancelled") })
    expect(await provider.findSalesOrderByReference(order.reference)).toBeNull()
  })

  it("makes a steady-state sale in five calls: a customer seen in the last minute, its products read, the first attempt", async () => {
    const { provider, logs } = adapter(state)
    const address = { name: "Ivo Petrov", street: "Vitosha 5", city: "Sofia", postalCode: "1000", countryCode: "BG" }
    const email = `ivo-${Date.now()}@example.com`
    const customerInput = { email, name: "Ivo Petrov", phone: null, shippingAddress: address, billingAddress: address }
    const order = (customer: Awaited<ReturnType<TrytonErpProvider["upsertCustomer"]>>, n: number): ErpSalesOrderInput => ({
      reference: `medusa:calls-${Date.now()}-${n}`, orderNumber: String(90 + n), customer, currencyCode: "USD", orderDate: "2026-11-22",
      lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "9.50", netAmount: "9.50", taxes: [] }],
      shipping: [], total: "9.50", checks: { stock: false, priceTolerancePercent: 0 }, firstAttempt: true,
    })
    const callsOf = async (fn: () => Promise<unknown>) => {
      const before = logs.length
      await fn()
      return logs.slice(before).map((l) => l.operation.replace(/^model\./, ""))
    }
    // A new customer: found by no e-mail, created with its address, its address ids read.
    let customer = await provider.upsertCustomer(customerInput)
    await provider.createSalesOrder(order(customer, 1))
    // The same customer again: nothing asked about the party, nothing about the product; no lookup before create.
    const calls = await callsOf(async () => {
      customer = await provider.upsertCustomer(customerInput)
      expect(customer.created).toBe(false)
      expect(await provider.createSalesOrder(order(customer, 2))).toMatchObject({ created: true, state: "processing" })
    })
    expect(calls).toEqual(["sale.sale.create", "sale.sale.search_read", "sale.sale.quote", "sale.sale.confirm", "sale.sale.read"])
    // Another process (a cold cache) finds the party and its address in one call.
    const cold = adapter(state)
    const found = await callsOf(async () => expect(await cold.provider.upsertCustomer(customerInput)).toMatchObject({ externalId: customer.externalId, shippingAddressId: customer.shippingAddressId, created: false }))
    expect(found).toEqual([])
    // (Its login and preferences aside.)
    expect(cold.logs.map((l) => l.operation).filter((o) => !/^common\.|res\.user\.get_preferences/.test(o))).toEqual(["model.party.contact_mechanism.search_read"])
  })

  it("keeps one sale when an earlier create Tryton committed late: the oldest stays, the extra is cancelled", async () => {
    // In front of Tryton: the first sale.sale.create is sent twice, the copy first, as when a create that timed
    // out is committed by Tryton after the repeat's lookup found nothing.
    const createdIds: number[] = []
    let copied = false
    const forward = (body: Buffer, url: string, headers: Record<string, unknown>) =>
      new Promise<{ status: number; body: Buffer }>((resolve, reject) => {
        const target = new URL(state.url)
        const out = request({ host: target.hostname, port: target.port, method: "POST", path: url, headers: { ...headers, host: target.host } }, (res) => {
          const chunks: Buffer[] = []
          res.on("data", (c: Buffer) => chunks.push(c)).on("end", () => resolve({ status: res.statusCode ?? 502, body: Buffer.concat(chunks) }))
        })
        out.on("error", reject)
        out.end(body)
      })
    const proxy = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on("data", (c: Buffer) => chunks.push(c)).on("end", async () => {
        const body = Buffer.concat(chunks)
        const isCreate = JSON.parse(body.toString()).method === "model.sale.sale.create"
        if (isCreate && !copied) {
          copied = true
          createdIds.push(JSON.parse((await forward(body, req.url ?? "/", req.headers)).body.toString()).result[0])
        }
        const answer = await forward(body, req.url ?? "/", req.headers)
        if (isCreate) createdIds.push(JSON.parse(answer.body.toString()).result[0])
        res.writeHead(answer.status, { "content-type": "application/json" }).end(answer.body)
      })
    })
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve))
    try {
      const { provider } = adapter({ ...state, url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}` })
      const address = { name: "Lea Roth", street: "Hauptstr. 5", city: "Berlin", postalCode: "10115", countryCode: "DE" }
      const customer = await provider.upsertCustomer({ email: `lea-${Date.now()}@example.com`, name: "Lea Roth", phone: null, shippingAddress: address, billingAddress: address })
      const reference = `medusa:late-${Date.now()}`
      const sale = await provider.createSalesOrder({
        reference, orderNumber: "79", customer, currencyCode: "USD", orderDate: "2026-11-22",
        lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "9.50", netAmount: "9.50", taxes: [] }], shipping: [], total: "9.50", checks: CHECKS,
      })
      const [late, ours] = createdIds
      expect(ours).toBeGreaterThan(late)
      expect(sale).toMatchObject({ externalId: String(late), created: false, state: "processing" })
      expect(await provider.cancelSalesOrder(String(ours))).toMatchObject({ state: "cancelled", summary: expect.stringContaining("already cancelled") })
      expect(await provider.findSalesOrderByReference(reference)).toMatchObject({ externalId: String(late) })
    } finally {
      await new Promise<void>((resolve) => proxy.close(() => resolve()))
    }
  })

  it("finds a currency created in Tryton after a refusal on the next try: a miss is not remembered", async () => {
    const { provider } = adapter(state)
    const tryton = await trytonPeer.session()
    // A code no earlier run created (the database may be reused).
    let code = ""
    do code = `Q${String.fromCharCode(65 + Math.floor(Math.random() * 26), 65 + Math.floor(Math.random() * 26))}`
    while ((await tryton.model<number[]>("currency.currency", "search", [["code", "=", code]], 0, null, null)).length)
    const address = { name: "Noor Haddad", street: "Rue 12", city: "Beirut", postalCode: "1107", countryCode: "PT" }
    const customer = await provider.upsertCustomer({ email: `noor-${Date.now()}@example.com`, name: "Noor Haddad", phone: null, shippingAddress: address, billingAddress: address })
    const order = {
      reference: `medusa:currency-${Date.now()}`, orderNumber: "80", customer, currencyCode: code, orderDate: "2026-11-22",
      lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "9.50", netAmount: "9.50", taxes: [] }], shipping: [], total: "9.50", checks: CHECKS,
    }
    await expect(provider.createSalesOrder(order)).rejects.toMatchObject({ code: "unknown_currency" })
    await tryton.model("currency.currency", "create", [{ name: `Test ${code}`, symbol: code, code, rounding: { __class__: "Decimal", decimal: "0.01" }, digits: 2 }])
    expect(await provider.createSalesOrder(order)).toMatchObject({ created: true, state: "processing" })
  })

  describe("money: the sale's total is Medusa's to the cent", () => {
    const taxes = { VAT20: "VAT 20%", VAT10: "VAT 10%" }
    const address = { name: "Mia Berg", street: "Storgatan 1", city: "Stockholm", postalCode: "111 22", countryCode: "PT" }
    const vat = (code: string, rate: string) => [{ code, rate }]
    async function orderFor(provider: TrytonErpProvider, total: string, lines: ErpSalesOrderInput["lines"], shipping: ErpSalesOrderInput["shipping"] = []) {
      const customer = await provider.upsertCustomer({ email: `mia-${Date.now()}-${Math.random()}@example.com`, name: "Mia Berg", phone: null, shippingAddress: address, billingAddress: address })
      return { reference: `medusa:money-${Date.now()}-${Math.random()}`, orderNumber: "81", customer, currencyCode: "USD", orderDate: "2026-11-22", lines, shipping, total, checks: CHECKS }
    }
    const readSale = async (id: string) => {
      const tryton = await trytonPeer.session()
      const [sale] = await tryton.model<Array<{ total_amount: { decimal: string }; tax_amount: { decimal: string }; lines: number[] }>>("sale.sale", "read", [Number(id)], ["total_amount", "tax_amount", "lines"])
      const lines = await tryton.model<Array<{ description: string; quantity: number; unit_price: { decimal: string }; taxes: number[] }>>("sale.line", "read", sale.lines, ["description", "quantity", "unit_price", "taxes"])
      return { total: sale.total_amount.decimal, tax: sale.tax_amount.decimal, lines: lines.map((l) => [l.description, l.quantity, l.unit_price.decimal, l.taxes.length]) }
    }

    it("two $20 shirts with 10 % off and $5 shipping, 20 % VAT on both: the discount in the unit price, VAT as Tryton's tax", async () => {
      const { provider } = adapter(state, { taxes })
      const order = await orderFor(provider, "49.20",
        [{ sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 2, unitPrice: "20.00", netAmount: "36.00", taxes: vat("VAT20", "20") }],
        [{ title: "Shipping: Standard", netAmount: "5.00", taxes: vat("VAT20", "20") }])
      const sale = await provider.createSalesOrder(order)
      expect(sale).toMatchObject({ created: true, state: "processing" })
      expect(await readSale(sale.externalId)).toEqual({
        total: "49.20",
        tax: "8.20",
        lines: expect.arrayContaining([["Blue shirt", 2, "18.0000", 1], ["Shipping: Standard", 1, "5.00", 1]]),
      })
    })

    it("books a one-cent difference from Medusa's single rounding as a rounding line", async () => {
      const { provider } = adapter(state, { taxes })
      // Three mugs at 18.50 net with 10 % VAT: Tryton says 20.35; say Medusa's rounding came to 20.36.
      const order = await orderFor(provider, "20.36", [{ sku: "MUG-RED", title: "Red mug", quantity: 3, unitPrice: "9.50", netAmount: "18.50", taxes: vat("VAT10", "10") }])
      const sale = await provider.createSalesOrder(order)
      const booked = await readSale(sale.externalId)
      expect(booked.total).toBe("20.36")
      expect(booked.lines).toContainEqual(["Rounding difference (Medusa rounds the order total once)", 1, "0.01", 0])
    })

    it("refuses a sale whose total Tryton computes otherwise (a tax mapped to the wrong rate), and cancels the draft", async () => {
      const { provider } = adapter(state, { taxes: { VAT20: "VAT 10%" } })
      const order = await orderFor(provider, "43.20", [{ sku: "SHIRT-BLUE", title: "Blue shirt", quantity: 2, unitPrice: "20.00", netAmount: "36.00", taxes: vat("VAT20", "20") }])
      const err = await provider.createSalesOrder(order).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: "total_mismatch", retryable: false })
      expect((err as Error).message).toMatch(/^Cannot sync order #81 to erp: Tryton computes a total of 39\.60 USD for sale id \d+, but Medusa charged 43\.20 USD\. Check that options\.taxes maps each Medusa tax rate to a Tryton tax with the same rate, then retry\.$/)
      expect(await provider.findSalesOrderByReference(order.reference)).toBeNull()
    })

    it("refuses a taxed line whose tax rate code options.taxes does not map, naming the code, and creates nothing", async () => {
      const { provider, logs } = adapter(state, { taxes })
      const order = await orderFor(provider, "21.00", [{ sku: "MUG-RED", title: "Red mug", quantity: 2, unitPrice: "9.50", netAmount: "19.00", taxes: vat("GST", "10.5") }])
      const err = await provider.createSalesOrder(order).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: "unmapped_tax", retryable: false })
      expect((err as Error).message).toBe(
        `Cannot sync order #81 to erp: line item 'Red mug' is taxed at 10.5 % by Medusa tax rate 'GST', which options.taxes does not map to a Tryton tax. Add "GST": <Tryton tax id or name> to options.taxes, then retry.`
      )
      expect(logs.map((l) => l.operation)).not.toContain("model.sale.sale.create")
    })
  })

  describe("checks before the sale: stock and list price", () => {
    const address = { name: "Ola Nordmann", street: "Karl Johans gate 1", city: "Oslo", postalCode: "0154", countryCode: "PT" }
    async function orderOf(provider: TrytonErpProvider, line: ErpSalesOrderInput["lines"][number], checks: ErpSalesOrderInput["checks"]) {
      const customer = await provider.upsertCustomer({ email: `ola-${Date.now()}-${Math.random()}@example.com`, name: "Ola Nordmann", phone: null, shippingAddress: address, billingAddress: address })
      return { reference: `medusa:checks-${Date.now()}-${Math.random()}`, orderNumber: "82", customer, currencyCode: "USD", orderDate: "2026-11-22", lines: [line], shipping: [], total: line.netAmount, checks }
    }
    const mugs = (quantity: number, unitPrice = "9.50") => ({ sku: "MUG-RED", title: "Red mug", quantity, unitPrice, netAmount: (Number(unitPrice) * quantity).toFixed(2), taxes: [] })

    it("refuses more than Tryton can ship, naming the SKU and both quantities, and creates nothing", async () => {
      const { provider, logs } = adapter(state)
      const err = await provider.createSalesOrder(await orderOf(provider, mugs(500), CHECKS)).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: "insufficient_stock", retryable: false })
      expect((err as Error).message).toMatch(/^Cannot sync order #82 to erp: it wants 500 of SKU 'MUG-RED', but Tryton can ship \d+ \(forecast in the warehouse\)\. Receive stock in Tryton, or turn off orderChecks\.stock for this connection, then retry\.$/)
      expect(logs.map((l) => l.operation)).not.toContain("model.sale.sale.create")
    })

    it("sells past the stock when orderChecks.stock is off", async () => {
      const { provider } = adapter(state)
      const sale = await provider.createSalesOrder(await orderOf(provider, mugs(500), { ...CHECKS, stock: false }))
      expect(sale).toMatchObject({ created: true })
      // Give the stock back for the tests after this one (they share this Tryton).
      expect(await provider.cancelSalesOrder(sale.externalId)).toMatchObject({ state: "cancelled" })
    })

    it("refuses a price that is not Tryton's list price, naming both and the tolerance", async () => {
      const { provider } = adapter(state)
      const err = await provider.createSalesOrder(await orderOf(provider, mugs(1, "8.55"), CHECKS)).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: "price_mismatch", retryable: false })
      expect((err as Error).message).toBe(
        "Cannot sync order #82 to erp: line item 'Red mug' (SKU 'MUG-RED') is priced 8.55 USD in Medusa, but its list price in Tryton is 9.50 (10.0 % apart; orderChecks.priceTolerancePercent allows 0 %). Correct the price in one of them, or widen the tolerance, then retry."
      )
    })

    it.each<[string, ErpSalesOrderInput["checks"]]>([
      ["within the tolerance (10 %)", { ...CHECKS, priceTolerancePercent: 10 }],
      ["with the price check off", { ...CHECKS, priceTolerancePercent: null }],
    ])("accepts that price %s", async (_, checks) => {
      const { provider } = adapter(state)
      expect(await provider.createSalesOrder(await orderOf(provider, mugs(1, "8.55"), checks))).toMatchObject({ created: true })
    })
  })

  it("refuses an unknown currency with an actionable message and creates nothing", async () => {
    const { provider } = adapter(state)
    const address = { name: "Kai Sato", street: "1-1 Chiyoda", city: "Tokyo", postalCode: "100-0001", countryCode: "JP" }
    const customer = await provider.upsertCustomer({ email: `kai-${Date.now()}@example.com`, name: "Kai Sato", phone: null, shippingAddress: address, billingAddress: address })
    const reference = `medusa:jpy-${Date.now()}`
    const err = await provider
      .createSalesOrder({ reference, orderNumber: "78", customer, currencyCode: "JPY", orderDate: "2026-11-22", lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "1200", netAmount: "1200", taxes: [] }], shipping: [], total: "1200", checks: CHECKS })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: "unknown_currency", retryable: false })
    expect((err as Error).message).toBe("Cannot sync order #78 to erp: currency JPY does not exist in Tryton. Create it in Tryton (Currency > Currencies), then retry.")
    expect(await provider.findSalesOrderByReference(reference)).toBeNull()
  })
})
