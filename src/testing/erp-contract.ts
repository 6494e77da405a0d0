import { createServer, Server } from "node:http"
import type { AddressInfo } from "node:net"
import { IntegrationError } from "../lib/errors"
import { contractInputs, ErpContractSubject, failure, unique } from "./erp-contract-fixtures"
import { describeEditCases } from "./erp-contract-edits"
import { describeReturnCases } from "./erp-contract-returns"
import { describeExchangeCases } from "./erp-contract-exchanges"
import { describeDeliveryCases } from "./erp-contract-deliveries"

/*
 * The ERP contract (package entry `testing/erp-contract`): its cases by concern, customers, sales and money here,
 * order edits in erp-contract-edits.ts, returns in erp-contract-returns.ts, exchanges' sales in erp-contract-exchanges.ts, deliveries in erp-contract-deliveries.ts; the subject and the inputs in erp-contract-fixtures.ts.
 */
export type { ErpContractSubject } from "./erp-contract-fixtures"
export { buildProvider, memoryCredentialStore, memoryStateStore } from "./build-provider"

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

/** Registers the contract's cases (Jest's describe/it/expect). */
export function describeErpContract(name: string, subject: ErpContractSubject): void {
  const { product } = subject
  const { customerInput, saleInput } = contractInputs(subject)

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

    it("creates a sale twice as a first attempt (`firstAttempt`: a run taken over mid-way): still one sale, the first", async () => {
      const erp = subject.provider()
      const input = { ...(await saleInput(erp)), firstAttempt: true }
      const first = await erp.createSalesOrder(input)
      const second = await erp.createSalesOrder(input)
      expect(first).toMatchObject({ created: true, reference: input.reference })
      expect(second).toMatchObject({ created: false, externalId: first.externalId })
      expect(await erp.findSalesOrderByReference(input.reference)).toMatchObject({ externalId: first.externalId })
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

    describeEditCases(subject)
    describeReturnCases(subject)
    describeExchangeCases(subject)
    describeDeliveryCases(subject)
  })
}
