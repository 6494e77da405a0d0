import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { capturePaymentWorkflow, refundPaymentWorkflow } from "@medusajs/medusa/core-flows"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(180_000)

// Sales invoiced on order, as a store that records its payments in Tryton configures them.
useTrytonConnection({ TRYTON_INVOICE_METHOD: "order" })

type Invoice = { number: string; state: string; total_amount: { decimal: string }; amount_to_pay: { decimal: string }; payment_lines: number[] }

describeWithTryton()("payments → Tryton invoices (real trytond)", () => {
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
      })

      /** The payments (or refunds) record of the order, once it has settled on a run for the captures (refunds) so far. */
      async function paymentsRecord(orderId: string, want: number, operation = "record-payments", word = "payment(s)") {
        for (const until = Date.now() + 30_000; ; await new Promise((r) => setTimeout(r, 200))) {
          const [record] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation })
          if (record && !["pending", "running"].includes(record.status) && (record.status !== "synced" || record.result_summary?.includes(`${want} ${word}`))) return record
          if (Date.now() > until) throw new Error(`payments of ${orderId} did not settle: ${JSON.stringify(record ?? null)}`)
        }
      }

      async function invoiceOf(saleId: string): Promise<Invoice> {
        const tryton = await trytonPeer.session()
        const [sale] = await tryton.model<Array<{ invoices: number[] }>>("sale.sale", "read", [Number(saleId)], ["invoices"])
        const [invoice] = await tryton.model<Invoice[]>("account.invoice", "read", sale.invoices, ["number", "state", "total_amount", "amount_to_pay", "payment_lines"])
        return invoice
      }

      it("a partial capture pays part of the sale's invoice, the second pays the rest; repeated events pay nothing twice", async () => {
        const orderId = await placeOrder(container, store, { email: `pay-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 2 }] })
        const sale = await waitForSettledSync(container, orderId, "create")
        expect(sale).toMatchObject({ status: "synced" })

        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["total", "payment_collections.payments.id"], filters: { id: orderId } })
        expect(Number(order.total)).toBe(45)
        const paymentId = order.payment_collections![0]!.payments![0]!.id

        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 20 } })
        const first = await paymentsRecord(orderId, 1)
        expect(first).toMatchObject({ status: "synced" })
        const invoice = await invoiceOf(sale.external_id!)
        expect(first).toMatchObject({ external_number: invoice.number, result_summary: `invoice ${invoice.number}: 1 payment(s) registered (1 now), 25.00 USD still due` })
        expect({ state: invoice.state, total: invoice.total_amount.decimal, due: invoice.amount_to_pay.decimal, payments: invoice.payment_lines.length }).toEqual({ state: "posted", total: "45.00", due: "25.00", payments: 1 })

        // The event delivered again, three times at once: the capture is already in Tryton.
        const eventBus = container.resolve(Modules.EVENT_BUS)
        await Promise.all([1, 2, 3].map(() => eventBus.emit({ name: "payment.captured", data: { id: paymentId } })))
        await new Promise((r) => setTimeout(r, 1_500))
        expect((await invoiceOf(sale.external_id!)).payment_lines).toHaveLength(1)

        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 25 } })
        const second = await paymentsRecord(orderId, 2)
        expect(second).toMatchObject({ status: "synced", result_summary: `invoice ${invoice.number}: 2 payment(s) registered (1 now), 0.00 USD still due` })
        const paid = await invoiceOf(sale.external_id!)
        expect({ state: paid.state, due: Number(paid.amount_to_pay.decimal), payments: paid.payment_lines.length }).toEqual({ state: "paid", due: 0, payments: 2 })
      })

      it("refunds become credit notes of exactly the refunded amounts, paid out; repeated events credit nothing twice", async () => {
        const orderId = await placeOrder(container, store, { email: `refund-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 2 }] })
        const sale = await waitForSettledSync(container, orderId, "create")
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["payment_collections.payments.id"], filters: { id: orderId } })
        const paymentId = order.payment_collections![0]!.payments![0]!.id
        await capturePaymentWorkflow(container).run({ input: { payment_id: paymentId } })
        expect(await paymentsRecord(orderId, 1)).toMatchObject({ status: "synced" })

        await refundPaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 10 } })
        const first = await paymentsRecord(orderId, 1, "record-refunds", "refund(s)")
        expect(first).toMatchObject({ status: "synced", result_summary: expect.stringMatching(/^1 refund\(s\) credited \(1 now\): credit note \S+$/) })
        const eventBus = container.resolve(Modules.EVENT_BUS)
        await Promise.all([1, 2, 3].map(() => eventBus.emit({ name: "payment.refunded", data: { id: paymentId } })))
        await refundPaymentWorkflow(container).run({ input: { payment_id: paymentId, amount: 5.5 } })
        expect(await paymentsRecord(orderId, 2, "record-refunds", "refund(s)")).toMatchObject({ status: "synced" })
        await new Promise((r) => setTimeout(r, 1_000))

        // Straight in Tryton: one credit note per Medusa refund, by its reference, each of exactly its amount.
        const { data: [refunded] } = await query.graph({ entity: "order", fields: ["payment_collections.payments.refunds.id"], filters: { id: orderId } })
        const refunds = refunded.payment_collections![0]!.payments![0]!.refunds! as Array<{ id: string }>
        const tryton = await trytonPeer.session()
        const ids = await tryton.model<number[]>("account.invoice", "search", [["reference", "in", refunds.map((r) => `medusa:${r.id}`)]], 0, null, null)
        const notes = await tryton.model<Array<{ state: string; total_amount: { decimal: string } }>>("account.invoice", "read", ids, ["state", "total_amount"])
        expect(notes.map((n) => [n.state, n.total_amount.decimal]).sort()).toEqual([["paid", "-10.00"], ["paid", "-5.50"]])
        expect((await invoiceOf(sale.external_id!)).state).toBe("paid")
      })

      it("a capture for an order whose sale is not in Tryton waits, retryable, and registers nothing", async () => {
        const orderId = await placeOrder(container, store, { email: `pay-wait-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
        const sale = await waitForSettledSync(container, orderId, "create")
        // As if the order's sync had not happened yet: no create record on the connection.
        await hub(container).deleteSyncRecords(sale.id)
        const query = container.resolve(ContainerRegistrationKeys.QUERY)
        const { data: [order] } = await query.graph({ entity: "order", fields: ["payment_collections.payments.id"], filters: { id: orderId } })
        await capturePaymentWorkflow(container).run({ input: { payment_id: order.payment_collections![0]!.payments![0]!.id } })
        const waiting = await paymentsRecord(orderId, 1)
        expect(waiting).toMatchObject({ status: "failed", last_error_code: "sale_not_synced" })
        expect(waiting.last_error).toMatch(/^The sale of order #\d+ is not in erp yet: its payments are recorded once the order has been sent \(will retry\)$/)
        expect(waiting.next_attempt_at).not.toBeNull()
        expect((await invoiceOf(sale.external_id!)).payment_lines).toHaveLength(0)
      })
    },
  })
})
