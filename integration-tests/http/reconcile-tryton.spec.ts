import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { IntegrationError } from "../../src/lib/errors"
import type { ErpProvider, ErpSaleDetail } from "../../src/providers/types"
import { applyDriftFix, reconcileConnection } from "../../src/sync/reconcile"
import { orderReference, replacementReference } from "../../src/workflows/sync-order-to-erp/order-mapper"
import { hub, waitForSettledSync } from "../helpers/sync"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { displayIdOf, liveSales } from "../helpers/tryton-sales"

jest.setTimeout(240_000)

// Injected failures must reach reconciliation, not open the circuit.
useTrytonConnection({ INTEGRATION_CONNECTION_OVERRIDES: JSON.stringify({ circuitBreaker: { minRequests: 1_000_000 } }) })

const ITEMS = [{ title: "Blue shirt", quantity: 2 }]
const CONFLICT = `A reconciliation of "erp" is running already; its report appears when it ends`


const createRecord = async (container: MedusaContainer, orderId: string) =>
  (await hub(container).listSyncRecords({ connection_id: "erp", entity_type: "order", operation: "create", entity_id: orderId }))[0]

/** Changes the total Tryton shows for the order's sale behind Medusa's back; returns the sale's id and number. */
async function changeTotalInTryton(container: MedusaContainer, orderId: string) {
  const record = await createRecord(container, orderId)
  const tryton = await trytonPeer.session()
  await tryton.model("sale.sale", "write", [Number(record.external_id)], { total_amount_cache: { __class__: "Decimal", decimal: "52.00" } })
  return { id: record.external_id!, number: record.external_number }
}

/** Every way the adapter reads a sale (one, or many at once) fails for this sale, as `fault` says; other sales read as usual. */
function failReadsOf(erp: ErpProvider, externalId: string, fault: () => Error) {
  const one = erp.getSalesOrder!.bind(erp)
  const spies: jest.SpyInstance[] = [jest.spyOn(erp, "getSalesOrder").mockImplementation(async (id: string) => (id === externalId ? Promise.reject(fault()) : one(id)))]
  if (erp.getSalesOrders) {
    const many = erp.getSalesOrders.bind(erp)
    spies.push(jest.spyOn(erp, "getSalesOrders").mockImplementation(async (ids: string[]) => (ids.includes(externalId) ? Promise.reject(fault()) : many(ids))))
  }
  return () => spies.forEach((s) => s.mockRestore())
}

describeWithTryton()("reconciliation against the real Tryton: one run at a time, its failures said, its fixes safe", () => {
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
      })

      const syncedOrder = async (tag: string) => {
        const id = await placeOrder(container, store, { email: `${tag}-${Date.now()}@example.com`, items: ITEMS })
        expect(await waitForSettledSync(container, id, "create")).toMatchObject({ status: "synced", last_error: null })
        return id
      }

      it("two reconciliations started at the same moment: one runs and keeps its report, the other is refused; a run left running past 30 min is closed as cut short", async () => {
        const order = await syncedOrder("race")
        await changeTotalInTryton(container, order)

        // The button and the job, at the same moment.
        const results = await Promise.allSettled([
          reconcileConnection(container, "erp", { trigger: "manual" }),
          reconcileConnection(container, "erp", { trigger: "schedule" }),
        ])
        const ran = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []))
        const refused = results.flatMap((r) => (r.status === "rejected" ? [(r.reason as Error).message] : []))
        expect({ ran: ran.map((r) => r.status), refused }).toEqual({ ran: ["done"], refused: [CONFLICT] })
        expect(await hub(container).listReconciliationRuns({ connection_id: "erp" })).toHaveLength(1)
        const open = await hub(container).listDriftItems({ connection_id: "erp", status: "open" })
        expect(open.map((i) => [i.run_id, i.kind, i.entity_id])).toEqual([[ran[0].id, "total", order]])

        // A run of a process that ended (still "running" 31 minutes later) is closed, saying so, and a new run starts.
        await hub(container).execute(
          `INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status, created_at)
           VALUES ('irec_stale', 'erp', 'schedule', now() - interval '7 days', now() - interval '31 minutes', 'running', now() - interval '31 minutes')`,
          []
        )
        const after = await reconcileConnection(container, "erp", { trigger: "manual" })
        expect(after).toMatchObject({ status: "done", drift_count: 1 })
        const stale = await hub(container).retrieveReconciliationRun("irec_stale")
        expect(stale).toMatchObject({ status: "failed", error: "cut short: still running 30 min after it started (its process ended); a later run took over" })
        expect(stale.finished_at).not.toBeNull()
        // One started a minute ago is still running: refused.
        await hub(container).execute(
          `INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status, created_at)
           VALUES ('irec_busy', 'erp', 'schedule', now() - interval '7 days', now(), 'running', now() - interval '1 minute')`,
          []
        )
        await expect(reconcileConnection(container, "erp", { trigger: "manual" })).rejects.toThrow(CONFLICT)
        expect((await hub(container).listDriftItems({ connection_id: "erp", status: "open" })).map((i) => i.run_id)).toEqual([after.id])
      })

      it("a run whose report cannot be written ends failed, saying why; the previous report stands and the next run starts", async () => {
        const order = await syncedOrder("unsaved")
        const sale = await changeTotalInTryton(container, order)
        const first = await reconcileConnection(container, "erp", { trigger: "manual" })
        const [reported] = await hub(container).listDriftItems({ run_id: first.id })
        expect(reported).toMatchObject({ kind: "total", status: "open" })

        // The ERP names the sale with a character PostgreSQL cannot store: the drift item of the run cannot be written.
        const erp = hub(container).getProvider("erp", "erp")
        const named = (d: ErpSaleDetail | null) => d && { ...d, number: `${d.number}\u0000` }
        const one = erp.getSalesOrder!.bind(erp)
        const spies: jest.SpyInstance[] = [jest.spyOn(erp, "getSalesOrder").mockImplementation(async (id: string) => named(await one(id)))]
        if (erp.getSalesOrders) {
          const many = erp.getSalesOrders.bind(erp)
          spies.push(jest.spyOn(erp, "getSalesOrders").mockImplementation(async (ids: string[]) => new Map([...(await many(ids))].map(([k, d]) => [k, named(d)!]))))
        }
        let second: unknown
        try {
          second = await reconcileConnection(container, "erp", { trigger: "manual" }).catch((err: Error) => err)
        } finally {
          spies.forEach((s) => s.mockRestore())
        }
        const [latest] = await hub(container).listReconciliationRuns({ connection_id: "erp" }, { order: { created_at: "DESC" }, take: 1 })
        expect(latest.id).not.toBe(first.id)
        expect(latest).toMatchObject({ status: "failed", drift_count: 0 })
        expect(latest.error).toMatch(/^The report of this run \(1 drift item\) could not be saved: .+/)
        expect(latest.finished_at).not.toBeNull()
        expect(second).toMatchObject({ id: latest.id, status: "failed" })
        // Nothing of the failed run replaced the report of the one before.
        expect((await hub(container).retrieveDriftItem(reported.id)).status).toBe("open")
        expect(await hub(container).listDriftItems({ run_id: latest.id })).toEqual([])

        const third = await reconcileConnection(container, "erp", { trigger: "manual" })
        expect(third).toMatchObject({ status: "done", drift_count: 1 })
        const [again] = await hub(container).listDriftItems({ run_id: third.id })
        expect(again.message).toContain(`sale ${sale.number} totals 52.00 USD`)
      })

      it("an order whose sale the ERP cannot read is a drift item and the others are still compared; the sales are read in one batch of four calls", async () => {
        const unreadable = await syncedOrder("unreadable")
        const changed = await syncedOrder("changed")
        const clean = await syncedOrder("clean")
        const [bad, other] = [await createRecord(container, unreadable), await changeTotalInTryton(container, changed)]
        const erp = hub(container).getProvider("erp", "erp")

        const restore = failReadsOf(erp, bad.external_id!, () =>
          new IntegrationError(`Tryton refused model.sale.sale.read on connection "erp": You are not allowed to read records "Sale" (injected)`, { connectionId: "erp", code: "tryton_access_error", retryable: false })
        )
        let report
        try {
          report = await reconcileConnection(container, "erp", { trigger: "manual" })
        } finally {
          restore()
        }
        expect(report).toMatchObject({ status: "done", checked: 3, drift_count: 2 })
        const items = await hub(container).listDriftItems({ run_id: report.id }, { order: { kind: "ASC" } })
        expect(items.map((i) => [i.kind, i.entity_id, i.fixes])).toEqual([
          ["total", changed, ["resend", "ignore"]],
          ["unreadable", unreadable, ["ignore"]],
        ])
        expect(items[1].message).toBe(
          `Order #${await displayIdOf(container, unreadable)}: erp could not read its sale ${bad.external_number}, so it was not compared: Tryton refused model.sale.sale.read on connection "erp": You are not allowed to read records "Sale" (injected)`
        )
        expect(items[0].message).toContain(`sale ${other.number} totals 52.00 USD`)

        // The batch read: every sale with its total and lines, as one at a time reads them, in four calls.
        const ids = await Promise.all([unreadable, changed, clean].map(async (o) => (await createRecord(container, o)).external_id!))
        const since = new Date()
        const batch = await erp.getSalesOrders!(ids)
        const calls = await hub(container).execute<{ operation: string }>(
          `SELECT operation FROM integration_log WHERE connection_id = 'erp' AND created_at >= ? AND operation LIKE 'model.%' AND operation <> 'model.res.user.get_preferences' ORDER BY created_at, id`,
          [since]
        )
        expect(calls.map((c) => c.operation)).toEqual(["model.sale.sale.search_read", "model.sale.line.search_read", "model.product.product.read", "model.currency.currency.read"])
        for (const id of ids) expect(batch.get(id)).toEqual(await erp.getSalesOrder!(id))
        expect(batch.get(ids[0])).toMatchObject({ externalId: ids[0], total: "45.00", currencyCode: "USD", lines: [{ sku: expect.any(String), quantity: 2 }] })
        // A sale Tryton no longer has is absent, not an error.
        expect([...(await erp.getSalesOrders!([ids[0], "999999999"])).keys()]).toEqual([ids[0]])
      })

      it("a sale whose total differs is replaced: the new one is made first, the old cancelled only then; a failed re-create or cancel leaves the old one live and the item open", async () => {
        const order = await syncedOrder("replace")
        const old = await changeTotalInTryton(container, order)
        const report = await reconcileConnection(container, "erp", { trigger: "manual" })
        const [total] = await hub(container).listDriftItems({ run_id: report.id })
        expect(total).toMatchObject({ kind: "total", fixes: ["resend", "ignore"] })
        const erp = hub(container).getProvider("erp", "erp")
        const newRef = replacementReference(order, old.id)

        // Tryton refuses the new sale: the old one is still live, the record still points at it, the item stays open.
        const refused = jest.spyOn(erp, "createSalesOrder").mockRejectedValueOnce(
          new IntegrationError(`Cannot sync order to erp: Tryton refused the sale (injected)`, { connectionId: "erp", code: "tryton_user_error", retryable: false })
        )
        await expect(applyDriftFix(container, total.id, { fix: "resend", actor_id: null })).rejects.toThrow(
          `Sale ${old.number} was not replaced and is still live in erp, unchanged: Cannot sync order to erp: Tryton refused the sale (injected)`
        )
        refused.mockRestore()
        expect(await hub(container).retrieveDriftItem(total.id)).toMatchObject({ status: "open", resolution: null })
        expect((await liveSales([orderReference(order), newRef])).map((s) => s.id)).toEqual([Number(old.id)])
        expect(await createRecord(container, order)).toMatchObject({ status: "synced", external_id: old.id, external_ref: orderReference(order) })

        // Tryton will not cancel the old sale: the new one is cancelled again and the record points back at the old.
        const cancel = erp.cancelSalesOrder.bind(erp)
        const refusedCancel = jest.spyOn(erp, "cancelSalesOrder").mockImplementation(async (id: string) =>
          id === old.id ? Promise.reject(new IntegrationError(`Cannot cancel sale ${old.number} in Tryton (injected)`, { connectionId: "erp", code: "tryton_user_error", retryable: false })) : cancel(id)
        )
        await expect(applyDriftFix(container, total.id, { fix: "resend", actor_id: null })).rejects.toThrow(
          `Sale ${old.number} was not replaced and is still live in erp, unchanged: Cannot cancel sale ${old.number} in Tryton (injected)`
        )
        refusedCancel.mockRestore()
        expect((await liveSales([orderReference(order), newRef])).map((s) => s.id)).toEqual([Number(old.id)])
        expect(await createRecord(container, order)).toMatchObject({ status: "synced", external_id: old.id, external_ref: orderReference(order) })
        expect((await hub(container).retrieveDriftItem(total.id)).status).toBe("open")

        // Nothing in the way: the new sale is made, the record points at it, then the old one is cancelled.
        const fixed = await applyDriftFix(container, total.id, { fix: "resend", actor_id: null })
        const [replacement] = await liveSales([orderReference(order), newRef])
        expect(replacement).toMatchObject({ reference: newRef })
        expect(fixed).toMatchObject({ status: "fixed", resolution: "resend" })
        expect(fixed.note).toContain(`made sale ${replacement.number} (${replacement.state}) from Medusa's order, then cancelled the old one: sale #${old.number}: `)
        expect(await createRecord(container, order)).toMatchObject({ status: "synced", external_id: String(replacement.id), external_number: replacement.number, external_ref: newRef })
        expect(await reconcileConnection(container, "erp", { trigger: "manual" })).toMatchObject({ status: "done", drift_count: 0 })
      })
    },
  })
})
