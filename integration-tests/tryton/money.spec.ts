import { buildProvider } from "../../src/testing/erp-contract"
import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import { FaultyHttpClient } from "../helpers/faulty-http"
import { describeWithTryton, trytonPeer, TrytonState } from "../helpers/tryton-env"

jest.setTimeout(60_000)

/** The connection's default order checks: stock, and the list price to the cent. */
const CHECKS = { stock: true, priceTolerancePercent: 0 }

/** The adapter as the hub builds it, its HTTP client one that can fail a chosen call once. */
function adapter(state: TrytonState, overrides: Record<string, unknown> = {}) {
  let http: FaultyHttpClient | undefined
  const options = { url: state.url, database: state.database, username: state.username, password: state.password, invoiceMethod: "manual", ...overrides }
  const { provider, logs } = buildProvider(TrytonErpProvider, options, { timeoutMs: 5_000, httpClient: (config) => (http = new FaultyHttpClient(config)) })
  return { provider, logs, http: http! }
}

type Note = { state: string; total_amount: { decimal: string }; amount_to_pay: { decimal: string }; reference: string; lines: number[] }
async function notesOf(reference: string): Promise<Note[]> {
  const tryton = await trytonPeer.session()
  const ids = await tryton.model<number[]>("account.invoice", "search", [["reference", "=", reference]], 0, null, [["id", "ASC"]])
  return tryton.model<Note[]>("account.invoice", "read", ids, ["state", "total_amount", "amount_to_pay", "reference", "lines"])
}

// The money side of the Tryton adapter against the real trytond: captures paid against the sale's invoice and
// refunds credited with credit notes, each once and for exactly its amount, through failures at the worst moments.
describeWithTryton()("Tryton adapter: payments and credit notes", () => {
  const state = trytonPeer.readState()!

  describe("payments: a captured amount registered against the sale's invoice, once", () => {
    const address = { name: "Pia Koch", street: "Ringstr. 9", city: "Bonn", postalCode: "53111", countryCode: "PT" }
    async function sale(provider: TrytonErpProvider) {
      const customer = await provider.upsertCustomer({ email: `pia-${Date.now()}-${Math.random()}@example.com`, name: "Pia Koch", phone: null, shippingAddress: address, billingAddress: address })
      const line = { sku: "MUG-RED", title: "Red mug", quantity: 2, unitPrice: "9.50", netAmount: "19.00", taxes: [{ code: "VAT20", rate: "20" }] }
      return provider.createSalesOrder({
        reference: `medusa:pay-${Date.now()}-${Math.random()}`, orderNumber: "83", customer, currencyCode: "USD", orderDate: "2026-11-22",
        lines: [line], shipping: [{ title: "Shipping: Standard", netAmount: "5.00", taxes: [{ code: "VAT20", rate: "20" }] }], total: "28.80", checks: CHECKS,
      })
    }
    const payment = (saleExternalId: string, reference: string, amount: string) => ({ saleExternalId, orderNumber: "83", reference, amount, currencyCode: "USD", date: new Date().toISOString().slice(0, 10) })

    it("posts the invoice, pays part of it, then the rest; each capture once, whatever the repeats", async () => {
      const { provider } = adapter(state, { invoiceMethod: "order", taxes: { VAT20: "VAT 20%" } })
      const { externalId } = await sale(provider)
      const first = await provider.recordPayment(payment(externalId, "medusa:capt_1", "10.00"))
      expect(first).toMatchObject({ created: true, amountDue: "18.80" })
      expect(first.invoiceNumber).toBeTruthy()
      // The same capture again (a duplicate event, a retry after a lost answer): nothing is paid twice.
      expect(await provider.recordPayment(payment(externalId, "medusa:capt_1", "10.00"))).toEqual({ ...first, created: false })
      const rest = await provider.recordPayment(payment(externalId, "medusa:capt_2", "18.80"))
      expect(rest).toMatchObject({ created: true, amountDue: "0.00", invoiceExternalId: first.invoiceExternalId })
      const tryton = await trytonPeer.session()
      const [invoice] = await tryton.model<Array<{ state: string; total_amount: { decimal: string } }>>("account.invoice", "read", [Number(first.invoiceExternalId)], ["state", "total_amount"])
      expect(invoice).toMatchObject({ state: "paid", total_amount: { decimal: "28.80" } })
    })

    it("cancelling an invoiced sale cancels its unpaid invoice too, and Tryton closes the sale", async () => {
      const { provider } = adapter(state, { invoiceMethod: "order", taxes: { VAT20: "VAT 20%" } })
      const { externalId } = await sale(provider)
      const cancelled = await provider.cancelSalesOrder(externalId)
      expect(cancelled.state).toBe("cancelled")
      expect(cancelled.summary).toMatch(/shipment\(s\) cancelled, nothing will ship, invoice .+ cancelled; Tryton closed the sale as done with nothing shipped$/)
      const tryton = await trytonPeer.session()
      const [row] = await tryton.model<Array<{ invoices: number[]; state: string }>>("sale.sale", "read", [Number(externalId)], ["invoices", "state"])
      const invoices = await tryton.model<Array<{ state: string }>>("account.invoice", "read", row.invoices, ["state"])
      expect({ sale: row.state, invoices: invoices.map((i) => i.state) }).toEqual({ sale: "done", invoices: ["cancelled"] })
    })

    it("refuses to cancel a sale whose invoice is paid, saying what staff must do", async () => {
      const { provider } = adapter(state, { invoiceMethod: "order", taxes: { VAT20: "VAT 20%" } })
      const { externalId, number } = await sale(provider)
      const { invoiceNumber } = await provider.recordPayment(payment(externalId, "medusa:capt_full", "28.80"))
      const err = await provider.cancelSalesOrder(externalId).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: "tryton_invoice_paid", retryable: false })
      expect((err as Error).message).toBe(
        `Cannot cancel sale #${number} in Tryton: invoice ${invoiceNumber} is paid — issue a credit note in Tryton (and refund the customer), then mark this cancellation done.`
      )
    })

    it("credits a refund with a credit note of exactly the refunded amount, paid out; each refund once", async () => {
      const { provider } = adapter(state, { invoiceMethod: "order", taxes: { VAT20: "VAT 20%" } })
      const { externalId } = await sale(provider)
      await provider.recordPayment(payment(externalId, "medusa:capt_r", "28.80"))
      // 10.00 of 28.80 with 20 % VAT: the lines' shares round to 10.01 in Tryton; a rounding line makes it 10.00.
      const first = await provider.recordRefund(payment(externalId, "medusa:ref_1", "10.00"))
      expect(first).toMatchObject({ created: true })
      expect(await provider.recordRefund(payment(externalId, "medusa:ref_1", "10.00"))).toEqual({ ...first, created: false })
      const second = await provider.recordRefund(payment(externalId, "medusa:ref_2", "5.50"))
      expect(second.creditNoteExternalId).not.toBe(first.creditNoteExternalId)
      const tryton = await trytonPeer.session()
      const notes = await tryton.model<Array<{ state: string; total_amount: { decimal: string }; reference: string }>>(
        "account.invoice", "read", [Number(first.creditNoteExternalId), Number(second.creditNoteExternalId)], ["state", "total_amount", "reference"])
      expect(notes.map((n) => [n.reference, n.state, n.total_amount.decimal])).toEqual([["medusa:ref_1", "paid", "-10.00"], ["medusa:ref_2", "paid", "-5.50"]])
    })

    describe("a credit note found by our reference is checked before anything is posted or paid", () => {
      async function paidSale() {
        const built = adapter(state, { invoiceMethod: "order", taxes: { VAT20: "VAT 20%" } })
        const { externalId } = await sale(built.provider)
        await built.provider.recordPayment(payment(externalId, `medusa:capt-${Math.random()}`, "28.80"))
        return { ...built, externalId, reference: `medusa:refund-${Date.now()}-${Math.random()}` }
      }

      it("a run that stopped before the rounding line: the retry adds it, and 10.00 is paid out, not Tryton's 10.01", async () => {
        const { provider, http, externalId, reference } = await paidSale()
        http.failNext("model.account.invoice.line.create", "before-sending")
        await expect(provider.recordRefund(payment(externalId, reference, "10.00"))).rejects.toMatchObject({ code: "timeout", retryable: true })
        expect((await notesOf(reference)).map((n) => [n.state, n.total_amount.decimal])).toEqual([["draft", "-10.01"]])
        await provider.recordRefund(payment(externalId, reference, "10.00"))
        expect((await notesOf(reference)).map((n) => [n.state, n.total_amount.decimal, n.amount_to_pay.decimal])).toEqual([["paid", "-10.00", "0"]])
      })

      it("a draft that does not match the refund is cancelled and made anew for the refund's amount", async () => {
        const { provider, http, externalId, reference } = await paidSale()
        http.failNext("model.account.invoice.post", "before-sending")
        await expect(provider.recordRefund(payment(externalId, reference, "10.00"))).rejects.toMatchObject({ code: "timeout" })
        // The draft left behind says 10.00; the refund carrying this reference is 7.00.
        await provider.recordRefund(payment(externalId, reference, "7.00"))
        expect((await notesOf(reference)).map((n) => [n.state, n.total_amount.decimal])).toEqual([["cancelled", "-10.00"], ["paid", "-7.00"]])
      })

      it("a posted note that does not match is reported in words, and nothing is paid out", async () => {
        const { provider, http, externalId, reference } = await paidSale()
        http.failNext("wizard.account.invoice.pay.create", "before-sending")
        await expect(provider.recordRefund(payment(externalId, reference, "10.00"))).rejects.toMatchObject({ code: "timeout" })
        const [posted] = await notesOf(reference)
        expect([posted.state, posted.amount_to_pay.decimal]).toEqual(["posted", "-10.00"])
        const err = await provider.recordRefund(payment(externalId, reference, "7.00")).catch((e: unknown) => e)
        expect(err).toMatchObject({ code: "credit_note_mismatch", retryable: false })
        expect((err as Error).message).toContain(`carrying refund ${reference} of order #83 is already posted in Tryton but does not match the refund of 7.00 USD (its total is 10.00, not 7.00). Nothing was paid out.`)
        expect((await notesOf(reference)).map((n) => [n.state, n.amount_to_pay.decimal])).toEqual([["posted", "-10.00"]])
      })

      it("the payment of a posted note whose answer was lost is not made twice", async () => {
        const { provider, http, externalId, reference } = await paidSale()
        // The pay wizard's second step pays; its answer is lost.
        http.failNext("wizard.account.invoice.pay.execute", "answer-lost", 1)
        await expect(provider.recordRefund(payment(externalId, reference, "5.50"))).rejects.toMatchObject({ code: "timeout" })
        expect(await provider.recordRefund(payment(externalId, reference, "5.50"))).toMatchObject({ created: false })
        expect((await notesOf(reference)).map((n) => [n.state, n.total_amount.decimal, n.amount_to_pay.decimal])).toEqual([["paid", "-5.50", "0"]])
      })
    })

    it("a sale Tryton cannot process (a product without an account category) says why, and its stock is not taken as counted", async () => {
      const { provider } = adapter(state, { invoiceMethod: "order", taxes: { VAT20: "VAT 20%" } })
      const tryton = await trytonPeer.session()
      const sku = `NOCAT-${Date.now()}`
      const [unit] = await tryton.model<number[]>("product.uom", "search", [["symbol", "=", "u"]], 0, 1, null)
      await tryton.model("product.template", "create", [{
        name: "Uncategorised mug", type: "goods", default_uom: unit, salable: true, sale_uom: unit,
        list_price: { __class__: "Decimal", decimal: "9.50" }, products: [["create", [{ suffix_code: sku }]]],
      }])
      const customer = await provider.upsertCustomer({ email: `nocat-${Date.now()}@example.com`, name: "Pia Koch", phone: null, shippingAddress: address, billingAddress: address })
      const order = (reference: string, line: { sku: string; title: string }) => ({
        reference, orderNumber: "84", customer, currencyCode: "USD", orderDate: "2026-11-22",
        lines: [{ ...line, quantity: 1, unitPrice: "9.50", netAmount: "9.50", taxes: [] }], shipping: [], total: "9.50", checks: { ...CHECKS, stock: false },
      })
      const stuck = await provider.createSalesOrder(order(`medusa:nocat-${Date.now()}`, { sku, title: "Uncategorised mug" }))
      expect(stuck.state).toBe("confirmed")
      expect(stuck.unprocessed).toMatch(/^Tryton has sale \S+ but has not processed it \(.+\): its stock forecast does not count this order until it does\. Correct the cause in Tryton, then process the sale there \("Process" on the sale\)\.$/)
      const processed = await provider.createSalesOrder(order(`medusa:cat-${Date.now()}`, { sku: "MUG-RED", title: "Red mug" }))
      expect(processed).toMatchObject({ state: "processing" })
      expect(processed.unprocessed).toBeUndefined()
      expect(await provider.salesCountedInStock([stuck.externalId, processed.externalId])).toEqual(new Set([processed.externalId]))
    })

    it("says what to do when the sale is invoiced manually (Tryton made no invoice to pay)", async () => {
      const { provider } = adapter(state, { invoiceMethod: "manual", taxes: { VAT20: "VAT 20%" } })
      const { externalId, number } = await sale(provider)
      const err = await provider.recordPayment(payment(externalId, "medusa:capt_9", "10.00")).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: "tryton_no_invoice", retryable: false })
      expect((err as Error).message).toBe(
        `Cannot record the payment of order #83 in Tryton: sale #${number} is invoiced manually, so Tryton made no invoice to pay. Invoice it in Tryton, or set options.invoiceMethod to "order" for new sales, then retry.`
      )
    })
  })

})
