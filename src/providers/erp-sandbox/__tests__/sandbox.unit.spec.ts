import type { Logger } from "@medusajs/framework/types"
import { CallRecorder } from "../../../lib/http/call-recorder"
import { signStandardWebhook } from "../../../lib/webhooks/signatures"
import type { ProviderDeps, ProviderStateStore } from "../../types"
import { WebhookPayloadError } from "../../types"
import { buildProvider, memoryCredentialStore } from "../../../testing/erp-contract"
import { SandboxErpProvider } from "../service"

const SECRET = "whsec_c2FuZGJveC11bml0LXRlc3Qtc2VjcmV0"
const noop = () => undefined
const logger = { warn: noop, info: noop, error: noop, debug: noop } as unknown as Logger
const state: ProviderStateStore = { get: async () => null, set: async () => undefined, delete: async () => undefined, next: async () => 1, consume: async () => null }

function sandbox(options: Record<string, unknown> = {}) {
  const deps: ProviderDeps = {
    connection: { id: "erp", kind: "erp", mode: "live", timeoutMs: 8000 },
    createHttpClient: () => {
      throw new Error("the sandbox makes no HTTP calls")
    },
    createRecorder: (secrets) => new CallRecorder({ connectionId: "erp", secrets, log: async () => undefined }),
    state,
    logger,
    credentials: memoryCredentialStore(),
  }
  return new SandboxErpProvider(deps, options)
}

const request = (body: string, headers: Record<string, string> = signStandardWebhook({ id: "evt_1", timestamp: new Date(), rawBody: body, secret: SECRET })) => ({
  rawBody: Buffer.from(body),
  headers,
})
const event = (data: Record<string, unknown>) => JSON.stringify({ type: "sale.updated", timestamp: "2026-11-22T10:00:00.000Z", data })

describe("sandbox ERP", () => {
  it.each([
    ["development", {}, true],
    ["test", {}, true],
    ["production", {}, false],
    ["production", { allowFailureInjection: true }, true],
    [undefined, {}, true],
  ])("failure injection in NODE_ENV=%s with %j: %s", (env, options, allowed) => {
    expect(sandbox(options).simulatedFailures.allowed(env)).toBe(allowed)
  })

  it("takes webhooks only when a secret is configured", () => {
    expect(sandbox().acceptsWebhooks()).toBe(false)
    expect(sandbox({ webhookSecret: SECRET }).acceptsWebhooks()).toBe(true)
  })

  it("verifies with its secret", () => {
    const body = event({ reference: "medusa:order_1", number: null, state: "done" })
    expect(sandbox({ webhookSecret: SECRET }).verifyWebhook(request(body))).toMatchObject({ ok: true, id: "evt_1" })
    const other = sandbox({ webhookSecret: "whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==" })
    expect(other.verifyWebhook(request(body))).toMatchObject({ ok: false, reason: "bad_signature" })
  })

  it("parses a sale.updated event into the hub's vocabulary, naming the order it is about", () => {
    const parsed = sandbox({ webhookSecret: SECRET }).parseWebhook(request(event({ reference: "medusa:order_01ABC", number: "SBX-00007", state: "done" })))
    expect(parsed).toEqual({
      id: "evt_1",
      type: "sale.updated",
      occurredAt: new Date("2026-11-22T10:00:00.000Z"),
      subject: { entity_type: "order", entity_id: "order_01ABC" },
      data: { reference: "medusa:order_01ABC", number: "SBX-00007", state: "done" },
    })
    const foreign = sandbox({ webhookSecret: SECRET }).parseWebhook(request(event({ reference: "PO-1234", number: null, state: "done" })))
    expect(foreign.subject).toBeNull()
  })

  it.each([
    ["not JSON", "{", "body is not JSON"],
    ["another event type", JSON.stringify({ type: "sale.deleted", timestamp: "2026-11-22T10:00:00Z", data: {} }), /^not a sandbox ERP event: type/],
    ["an unknown state", event({ reference: "medusa:order_1", number: null, state: "lost" }), /^not a sandbox ERP event: data\.state/],
  ])("refuses %s as malformed", (_, body, message) => {
    const parse = () => sandbox({ webhookSecret: SECRET }).parseWebhook(request(body))
    expect(parse).toThrow(WebhookPayloadError)
    expect(parse).toThrow(message)
  })

  it("refuses a webhook secret that is not a Standard Webhooks secret, naming the option", () => {
    expect(() => SandboxErpProvider.validateOptions({ webhookSecret: "hunter2" })).toThrow(/^webhookSecret: must be a Standard Webhooks secret/)
  })
})

describe("sandbox ERP money", () => {
  it("registers each capture and credits each refund once, by reference, with invoice and credit note numbers", async () => {
    const { provider: erp } = buildProvider(SandboxErpProvider, {})
    const address = { name: "Sam", street: "1 Main St", city: "Austin", postalCode: "78701", countryCode: "US" }
    const customer = await erp.upsertCustomer({ email: "sam@example.com", name: "Sam", phone: null, shippingAddress: address, billingAddress: address })
    const sale = await erp.createSalesOrder({
      reference: "medusa:order_1", orderNumber: "7", customer, currencyCode: "USD", orderDate: "2026-12-02", total: "30.00", shipping: [],
      lines: [{ sku: "MUG-RED", title: "Red mug", quantity: 3, unitPrice: "10.00", netAmount: "30.00", taxes: [] }], checks: { stock: false, priceTolerancePercent: null },
    })
    const money = (reference: string, amount: string) => ({ saleExternalId: sale.externalId, orderNumber: "7", reference, amount, currencyCode: "USD", date: "2026-12-02" })
    expect(await erp.recordPayment(money("medusa:capt_1", "30.00"))).toMatchObject({ created: true, amountDue: "0.00", invoiceNumber: expect.stringMatching(/^SBX-INV-/) })
    const first = await erp.recordRefund(money("medusa:ref_1", "5.00"))
    expect(first).toMatchObject({ created: true, creditNoteNumber: expect.stringMatching(/^SBX-CN-.+-1$/) })
    expect(await erp.recordRefund(money("medusa:ref_1", "5.00"))).toEqual({ ...first, created: false })
    expect(await erp.recordRefund(money("medusa:ref_2", "2.00"))).toMatchObject({ created: true, creditNoteNumber: expect.stringMatching(/-2$/) })
  })
})

describe("sandbox ERP stock", () => {
  const erp = () => buildProvider(SandboxErpProvider, { stock: { "SKU-B": 5, "SKU-A": 3, "SKU-C": 0 }, webhookSecret: SECRET }).provider as SandboxErpProvider
  const listAll = async (p: SandboxErpProvider, changedSince: string | null, limit: number) => {
    const pages: string[][] = []
    for (let after: string | null = null, first = true; first || after; first = false) {
      const page = await p.listStockLevels({ changedSince, after, limit })
      pages.push(page.levels.map((l) => `${l.sku}=${l.forecast}`))
      after = page.next
    }
    return pages
  }

  it("lists every SKU in order, page by page, with runtime changes over the seeded stock", async () => {
    const p = erp()
    await p.setStock({ "SKU-B": 7, "SKU-NEW": 2 })
    expect(await listAll(p, null, 2)).toEqual([["SKU-A=3", "SKU-B=7"], ["SKU-C=0", "SKU-NEW=2"]])
    expect(await p.getStockLevels(["SKU-B", "SKU-NEW", "SKU-GHOST"])).toEqual({ "SKU-B": { onHand: 7, forecast: 7 }, "SKU-NEW": { onHand: 2, forecast: 2 } })
  })

  it("lists only what changed since a cursor, and the cursor of a listing sees the changes made after it", async () => {
    const p = erp()
    const { cursor } = await p.listStockLevels({ changedSince: null, after: null, limit: 10 })
    expect(await listAll(p, cursor, 10)).toEqual([[]])
    await p.setStock({ "SKU-C": 12 })
    expect(await listAll(p, cursor, 10)).toEqual([["SKU-C=12"]])
  })

  it("answers a stock change with the signed stock.changed event it sends, which it reads back as the connection's inventory", async () => {
    const p = erp()
    const webhook = await p.setStock({ "SKU-A": 9 })
    const delivered = { rawBody: Buffer.from(webhook!.body), headers: webhook!.headers }
    expect(p.verifyWebhook(delivered)).toMatchObject({ ok: true })
    expect(p.parseWebhook(delivered)).toMatchObject({ type: "stock.changed", subject: { entity_type: "inventory", entity_id: expect.any(String) }, data: { skus: ["SKU-A"] } })
    const quiet = buildProvider(SandboxErpProvider, {}).provider as SandboxErpProvider
    expect(await quiet.setStock({ "SKU-A": 1 })).toBeNull()
  })
})
