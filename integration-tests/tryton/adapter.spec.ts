import { execFileSync } from "node:child_process"
import { createServer, request } from "node:http"
import { AddressInfo } from "node:net"
import path from "node:path"
import type { Logger } from "@medusajs/framework/types"
import { IntegrationError } from "../../src/lib/errors"
import { CallLogEntry, CallRecorder } from "../../src/lib/http/call-recorder"
import { HttpClient } from "../../src/lib/http/client"
import type { ProviderStateStore } from "../../src/providers/types"
import { connectionSchema } from "../../src/modules/integration-hub/options"
import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import { describeWithTryton, trytonPeer, TrytonState } from "../helpers/tryton-env"

jest.setTimeout(60_000)

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
      lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 2, unitPrice: "9.50" }],
      shipping: null,
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
        lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "9.50" }], shipping: null,
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
      lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "9.50" }], shipping: null,
    }
    await expect(provider.createSalesOrder(order)).rejects.toMatchObject({ code: "unknown_currency" })
    await tryton.model("currency.currency", "create", [{ name: `Test ${code}`, symbol: code, code, rounding: { __class__: "Decimal", decimal: "0.01" }, digits: 2 }])
    expect(await provider.createSalesOrder(order)).toMatchObject({ created: true, state: "processing" })
  })

  it("refuses an unknown currency with an actionable message and creates nothing", async () => {
    const { provider } = adapter(state)
    const address = { name: "Kai Sato", street: "1-1 Chiyoda", city: "Tokyo", postalCode: "100-0001", countryCode: "JP" }
    const customer = await provider.upsertCustomer({ email: `kai-${Date.now()}@example.com`, name: "Kai Sato", phone: null, shippingAddress: address, billingAddress: address })
    const reference = `medusa:jpy-${Date.now()}`
    const err = await provider
      .createSalesOrder({ reference, orderNumber: "78", customer, currencyCode: "JPY", orderDate: "2026-11-22", lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 1, unitPrice: "1200" }], shipping: null })
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: "unknown_currency", retryable: false })
    expect((err as Error).message).toBe("Cannot sync order #78 to erp: currency JPY does not exist in Tryton. Create it in Tryton (Currency > Currencies), then retry.")
    expect(await provider.findSalesOrderByReference(reference)).toBeNull()
  })
})
