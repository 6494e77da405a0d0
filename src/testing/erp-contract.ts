import { createServer, Server } from "node:http"
import type { AddressInfo } from "node:net"
import type { Logger } from "@medusajs/framework/types"
import { connectionSchema } from "../modules/integration-hub/options"
import { IntegrationError } from "../lib/errors"
import { CallLogEntry, CallRecorder } from "../lib/http/call-recorder"
import { HttpClient, HttpClientConfig } from "../lib/http/client"
import type {
  ErpCustomerInput,
  ErpProvider,
  ErpSalesOrderInput,
  IntegrationProvider,
  IntegrationProviderClass,
  ProviderDeps,
  ProviderStateStore,
} from "../providers/types"

/**
 * The contract every ERP adapter passes, whatever the ERP: run it from a Jest spec of the adapter against the
 * real ERP (or a protocol-faithful one). It checks what the hub relies on: idempotency by our references, exact
 * totals, typed permanent errors that name what to fix, and retryable failures for timeouts and 5xx.
 *
 *   describeErpContract("Acme ERP", { provider: () => buildProvider(AcmeErpProvider, options).provider, ... })
 */
export type ErpContractSubject = {
  /** The adapter on the ERP under test (built with `buildProvider`, exactly as the hub builds it). */
  provider: () => ErpProvider
  /** The same adapter pointed at `url` instead (a server of the suite's that hangs or answers 503). */
  providerAt: (url: string, timeoutMs: number) => ErpProvider
  /** The adapter with credentials the ERP refuses, and the option its error must name (e.g. "options.password"). */
  withBadCredentials: () => { provider: ErpProvider; option: string }
  /** A product the ERP sells: its SKU, title, list price (excluding tax) and the currency sales are made in. */
  product: { sku: string; title: string; unitPrice: string; currencyCode: string }
  /** What the ERP itself holds for a sale, read without the adapter: its total (taxes included) and state. */
  readSale: (externalId: string) => Promise<{ total: string; state: string }>
  /**
   * For an adapter that records payments (`recordPayment`): the adapter configured so that its sales are
   * invoiced when confirmed. Without it the payment cases are not registered (and the hub skips payments).
   */
  payments?: { provider: () => ErpProvider }
  /** What the ERP holds for a credit note (`recordRefund`), read without the adapter: its total, negative. */
  readCreditNote?: (externalId: string) => Promise<{ total: string }>
}

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger
/** Provider state kept in memory, for adapters that keep some (the hub keeps it in its database). */
export function memoryStateStore(): ProviderStateStore {
  const values = new Map<string, unknown>()
  return {
    get: async <T>(key: string) => (values.has(key) ? (structuredClone(values.get(key)) as T) : null),
    set: async (key, value) => void values.set(key, structuredClone(value)),
    delete: async (key) => void values.delete(key),
    next: async (key) => {
      const n = ((values.get(key) as { n?: number } | undefined)?.n ?? 0) + 1
      values.set(key, { n })
      return n
    },
    consume: async <T extends { count: number }>(key: string) => {
      const value = values.get(key) as T | undefined
      if (!value || value.count <= 0) return null
      const left = { ...value, count: value.count - 1 }
      values.set(key, left)
      return structuredClone(left)
    },
  }
}

/**
 * An adapter built as the hub builds it (options validated, the shared HTTP layer and call recorder), without a
 * guard (no rate limit, breaker or in-place retries: the contract sees each call's own outcome), its log rows
 * kept in `logs`.
 */
export function buildProvider<P extends IntegrationProvider>(
  Provider: Omit<IntegrationProviderClass, "new"> & { new (deps: ProviderDeps, options: unknown): P },
  options: Record<string, unknown>,
  opts: {
    id?: string
    timeoutMs?: number
    state?: ProviderStateStore
    /** Builds the adapter's HTTP client from its config (e.g. one that injects faults); a plain HttpClient by default. */
    httpClient?: (config: HttpClientConfig) => HttpClient
  } = {}
): { provider: P; logs: CallLogEntry[] } {
  const logs: CallLogEntry[] = []
  const connection = connectionSchema.parse({ id: opts.id ?? "erp", kind: Provider.kind, provider: Provider.identifier, options, timeoutMs: opts.timeoutMs ?? 8_000 })
  const createRecorder = (secrets: string[]) => new CallRecorder({ connectionId: connection.id, secrets, log: async (e) => void logs.push(e) })
  const provider = new Provider(
    {
      connection: { id: connection.id, kind: connection.kind, mode: connection.mode, timeoutMs: connection.timeoutMs },
      logger: silent,
      createRecorder,
      createHttpClient: (baseURL, secrets, httpOpts) =>
        (opts.httpClient ?? ((config) => new HttpClient(config)))({ baseURL, timeoutMs: connection.timeoutMs, recorder: createRecorder(secrets), retryAfter: httpOpts?.retryAfter }),
      state: opts.state ?? memoryStateStore(),
    },
    options
  )
  return { provider, logs }
}

/** A local server that hangs every request, or answers every one 503: what a down or overloaded ERP does. */
async function failingServer(mode: "hang" | "503"): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (mode === "503") res.writeHead(503, { "content-type": "text/plain", "retry-after": "1" }).end("busy")
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

/** Registers the contract's cases (Jest's describe/it/expect). */
export function describeErpContract(name: string, subject: ErpContractSubject): void {
  const { product } = subject
  const address = { name: "Contract Tester", street: "1 Contract Way", city: "Lisbon", postalCode: "1000-001", countryCode: "PT" }
  const customerInput = (): ErpCustomerInput => ({ email: `contract-${unique()}@example.com`, name: "Contract Tester", phone: null, shippingAddress: address, billingAddress: address })
  const saleInput = async (erp: ErpProvider, overrides: Partial<ErpSalesOrderInput> = {}): Promise<ErpSalesOrderInput> => {
    const customer = await erp.upsertCustomer(customerInput())
    // Two units with 10 % off: the discount must reach the ERP's total.
    const net = (Number(product.unitPrice) * 2 * 0.9).toFixed(2)
    return {
      reference: `medusa:contract-${unique()}`,
      orderNumber: "9001",
      customer,
      currencyCode: product.currencyCode,
      orderDate: new Date().toISOString().slice(0, 10),
      lines: [{ sku: product.sku, title: product.title, quantity: 2, unitPrice: product.unitPrice, netAmount: net, taxes: [] }],
      shipping: [],
      total: net,
      checks: { stock: false, priceTolerancePercent: null },
      ...overrides,
    }
  }
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => {
        throw new Error("expected the call to fail")
      },
      (err: unknown) => err
    )

  describe(`ERP contract: ${name}`, () => {
    it("upserts a customer twice by e-mail: one customer, found the second time", async () => {
      const erp = subject.provider()
      const input = customerInput()
      const first = await erp.upsertCustomer(input)
      const second = await erp.upsertCustomer(input)
      expect(first.created).toBe(true)
      expect(second).toMatchObject({ externalId: first.externalId, created: false })
    })

    it("finds the customer whatever the case of its e-mail (the hub locks per e-mail in lower case): one customer", async () => {
      const erp = subject.provider()
      const input = customerInput()
      const first = await erp.upsertCustomer({ ...input, email: input.email.replace("contract-", "Contract-").replace("@example.com", "@Example.COM") })
      const second = await erp.upsertCustomer(input)
      expect(first.created).toBe(true)
      expect(second).toMatchObject({ externalId: first.externalId, created: false })
    })

    it("reads an e-mail as it is, not as a pattern: \"…_x@\" is not \"…Xx@\", \"…%@\" is not \"…-any@\"", async () => {
      const erp = subject.provider()
      const id = unique()
      const other = await erp.upsertCustomer({ ...customerInput(), email: `ana-${id}Xx@example.com` })
      const underscore = await erp.upsertCustomer({ ...customerInput(), email: `ana-${id}_x@example.com` })
      expect(underscore.created).toBe(true)
      expect(underscore.externalId).not.toBe(other.externalId)
      const percent = await erp.upsertCustomer({ ...customerInput(), email: `ana-${id}%@example.com` })
      expect(percent.created).toBe(true)
      expect([other.externalId, underscore.externalId]).not.toContain(percent.externalId)
      // And each is found again as itself.
      expect(await erp.upsertCustomer({ ...customerInput(), email: `ana-${id}_x@example.com` })).toMatchObject({ externalId: underscore.externalId, created: false })
    })

    it("creates a sale with our reference twice: one sale, found the second time, at Medusa's total", async () => {
      const erp = subject.provider()
      const input = await saleInput(erp)
      const first = await erp.createSalesOrder(input)
      const second = await erp.createSalesOrder(input)
      expect(first).toMatchObject({ created: true, reference: input.reference })
      expect(second).toMatchObject({ created: false, externalId: first.externalId })
      expect(await erp.findSalesOrderByReference(input.reference)).toMatchObject({ externalId: first.externalId })
      expect((await subject.readSale(first.externalId)).total).toBe(input.total)
    })

    it("reads a sale back as reconciliation compares it (when the provider can): Medusa's total, its lines by SKU, cancelled once cancelled", async () => {
      const erp = subject.provider()
      if (!erp.getSalesOrder) return
      const input = await saleInput(erp)
      const sale = await erp.createSalesOrder(input)
      const read = await erp.getSalesOrder(sale.externalId)
      expect(read).toMatchObject({ externalId: sale.externalId, reference: input.reference, lines: [{ sku: product.sku, quantity: 2 }] })
      expect(Number(read!.total)).toBe(Number(input.total))
      await erp.cancelSalesOrder(sale.externalId)
      expect((await erp.getSalesOrder(sale.externalId))?.state).toBe("cancelled")
    })

    it("refuses an unknown SKU with a permanent error naming it, and creates nothing", async () => {
      const erp = subject.provider()
      const sku = `NO-SUCH-${unique().toUpperCase()}`
      const input = await saleInput(erp, { lines: [{ sku, title: "Ghost item", quantity: 1, unitPrice: "1.00", netAmount: "1.00", taxes: [] }], total: "1.00" })
      const err = await failure(erp.createSalesOrder(input))
      expect(err).toBeInstanceOf(IntegrationError)
      expect(err).toMatchObject({ retryable: false, code: "unknown_sku" })
      expect((err as Error).message).toContain(`'${sku}'`)
      expect(await erp.findSalesOrderByReference(input.reference)).toBeNull()
    })

    it("cancels a sale, and a second cancel is a success; the reference then finds no live sale", async () => {
      const erp = subject.provider()
      const input = await saleInput(erp)
      const sale = await erp.createSalesOrder(input)
      expect(await erp.cancelSalesOrder(sale.externalId)).toMatchObject({ state: "cancelled" })
      expect(await erp.cancelSalesOrder(sale.externalId)).toMatchObject({ state: "cancelled" })
      expect(await erp.findSalesOrderByReference(input.reference)).toBeNull()
    })

    it.each<["hang" | "503", string]>([
      ["hang", "a timeout"],
      ["503", "an HTTP 503"],
    ])("reports %s… as %s, retryable", async (mode) => {
      const server = await failingServer(mode)
      try {
        const err = await failure(subject.providerAt(server.url, 500).findSalesOrderByReference("medusa:contract-unreachable"))
        expect(err).toBeInstanceOf(IntegrationError)
        expect(err).toMatchObject({ retryable: true })
      } finally {
        await server.close()
      }
    })

    if (subject.payments) {
      const payments = subject.payments
      it("records a partial capture and then the rest against the invoice, and credits partial refunds; each once: the amounts add up", async () => {
        const erp = payments.provider()
        const input = await saleInput(erp)
        const sale = await erp.createSalesOrder(input)
        const pay = (reference: string, amount: string) =>
          erp.recordPayment!({ saleExternalId: sale.externalId, orderNumber: input.orderNumber, reference, amount, currencyCode: input.currencyCode, date: input.orderDate })
        const part = (Number(input.total) / 3).toFixed(2)
        const rest = (Number(input.total) - Number(part)).toFixed(2)
        const firstReference = `medusa:capt_${unique()}`
        const first = await pay(firstReference, part)
        expect(first).toMatchObject({ created: true, amountDue: rest })
        // The same capture again (a duplicate event, a retry after a lost answer) pays nothing.
        expect(await pay(firstReference, part)).toEqual({ ...first, created: false })
        const last = await pay(`medusa:capt_${unique()}`, rest)
        expect(last).toMatchObject({ created: true, invoiceExternalId: first.invoiceExternalId })
        expect(Number(last.amountDue)).toBe(0)

        if (!erp.recordRefund) return
        // A partial refund, then another: two credit notes; the same refund again credits nothing.
        const refund = (reference: string, amount: string) =>
          erp.recordRefund!({ saleExternalId: sale.externalId, orderNumber: input.orderNumber, reference, amount, currencyCode: input.currencyCode, date: input.orderDate })
        const refundReference = `medusa:refund_${unique()}`
        const credited = await refund(refundReference, part)
        expect(credited.created).toBe(true)
        expect(await refund(refundReference, part)).toEqual({ ...credited, created: false })
        const more = await refund(`medusa:refund_${unique()}`, "1.00")
        expect(more.created).toBe(true)
        expect(more.creditNoteExternalId).not.toBe(credited.creditNoteExternalId)
        if (subject.readCreditNote) {
          expect(await subject.readCreditNote(credited.creditNoteExternalId)).toEqual({ total: `-${part}` })
          expect(await subject.readCreditNote(more.creditNoteExternalId)).toEqual({ total: "-1.00" })
        }
      })
    }

    it("reports refused credentials as a permanent error naming the option to fix", async () => {
      const { provider, option } = subject.withBadCredentials()
      const err = await failure(provider.testConnection())
      expect(err).toBeInstanceOf(IntegrationError)
      expect(err).toMatchObject({ retryable: false })
      expect((err as Error).message).toContain(option)
    })
  })
}
