import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import backfillScript from "../../src/scripts/backfill"
import { resumeBackfill, startBackfill, stopBackfill } from "../../src/sync/backfill"
import { cutoverView, switchConnectionMode } from "../../src/sync/cutover"
import { importInventoryNow } from "../../src/sync/inventory-schedule"
import { applyDriftFix, cleanDays, reconcileConnection } from "../../src/sync/reconcile"
import { sweepMissingSyncs } from "../../src/sync/sweep"
import { ORDER_FIELDS_FOR_ERP } from "../../src/workflows/sync-order-to-erp"
import { mapOrderForErp, OrderForErp, replacementReference } from "../../src/workflows/sync-order-to-erp/order-mapper"
import { adminHeaders } from "../helpers/admin"
import { hub, waitForSettledSync } from "../helpers/sync"
import { describeWithTryton, trytonPeer, useTrytonConnection } from "../helpers/tryton-env"
import { displayIdOf, liveSales, TrytonSaleRow } from "../helpers/tryton-sales"

jest.setTimeout(240_000)

// The integration being replaced put "LEGACY-<order number>" in the sale's reference.
useTrytonConnection({
  INTEGRATION_CONNECTION_OVERRIDES: JSON.stringify({ legacyMatch: { field: "reference", pattern: "LEGACY-{display_id}" }, circuitBreaker: { minRequests: 1_000_000 } }),
})

const ITEMS = [{ title: "Blue shirt", quantity: 2 }]

/**
 * Writes the order's sale into Tryton the way the integration being replaced did: its own reference
 * ("LEGACY-<number>"), the order's customer, lines and shipping, confirmed unless asked to leave a quotation.
 */
async function writeLegacySale(container: MedusaContainer, orderId: string, opts: { quotation?: boolean } = {}): Promise<TrytonSaleRow> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ORDER_FIELDS_FOR_ERP, filters: { id: orderId } })
  const draft = mapOrderForErp(JSON.parse(JSON.stringify(data[0])) as OrderForErp, "legacy", "UTC")
  const customer = await hub(container).getProvider("erp", "erp").upsertCustomer(draft.customer)
  const tryton = await trytonPeer.session()
  const [currency] = await tryton.model<number[]>("currency.currency", "search", [["code", "=", draft.currencyCode.toUpperCase()]], 0, 1, null)
  const lines: Array<Record<string, unknown>> = []
  for (const line of draft.lines) {
    const [product] = await tryton.model<Array<{ id: number; default_uom: number }>>("product.product", "search_read", [["code", "=", line.sku]], 0, 1, null, ["id", "default_uom"])
    const unitPrice = (Number(line.netAmount) / line.quantity).toFixed(2)
    lines.push({ type: "line", product: product.id, quantity: line.quantity, unit: product.default_uom, unit_price: { __class__: "Decimal", decimal: unitPrice }, description: line.title })
  }
  for (const s of draft.shipping) lines.push({ type: "line", quantity: 1, unit_price: { __class__: "Decimal", decimal: s.netAmount }, description: s.title })
  const [id] = await tryton.model<number[]>("sale.sale", "create", [{
    party: Number(customer.externalId), invoice_address: Number(customer.billingAddressId), shipment_address: Number(customer.shippingAddressId),
    currency, reference: `LEGACY-${draft.orderNumber}`, description: `Webshop ${draft.orderNumber}`, lines: [["create", lines]],
  }])
  if (!opts.quotation) {
    await tryton.model("sale.sale", "quote", [id])
    await tryton.model("sale.sale", "confirm", [id])
  }
  const [sale] = await tryton.model<TrytonSaleRow[]>("sale.sale", "read", [id], ["id", "number", "state", "reference"])
  return sale
}

async function waitForBackfill(container: MedusaContainer, id: string) {
  for (const until = Date.now() + 120_000; Date.now() < until; await new Promise((r) => setTimeout(r, 200))) {
    const run = await hub(container).retrieveBackfillRun(id)
    if (!["running", "stopping"].includes(run.status)) return run
  }
  throw new Error(`backfill ${id} did not finish`)
}

const createRecord = async (container: MedusaContainer, orderId: string) =>
  (await hub(container).listSyncRecords({ connection_id: "erp", entity_type: "order", operation: "create", entity_id: orderId }))[0]

/** Makes these orders history from before the plugin: no sync record of any kind, placed ten days ago, the hub never booted. */
async function makeHistory(container: MedusaContainer, orderIds: string[]) {
  const h = hub(container)
  const ids = orderIds.map(() => "?").join(", ")
  await h.execute(`DELETE FROM sync_run WHERE sync_record_id IN (SELECT id FROM sync_record WHERE entity_id IN (${ids}))`, orderIds)
  await h.execute(`DELETE FROM sync_record WHERE entity_id IN (${ids})`, orderIds)
  await h.execute(`DELETE FROM connection_state`, [])
  const pg = container.resolve(ContainerRegistrationKeys.PG_CONNECTION)
  await pg.raw(`UPDATE "order" SET created_at = now() - interval '10 days' WHERE id IN (${ids})`, orderIds)
}

describeWithTryton()("adopting the plugin in a running store (real Tryton)", () => {
  medusaIntegrationTestRunner({
    testSuite: ({ getContainer, api }) => {
      let container: MedusaContainer
      let store: SeededStore

      beforeEach(async () => {
        container = getContainer()
        store = await seedStore(container)
        // Medusa's database is new for each test, so order numbers start again at #1; Tryton's is not: the legacy
        // sales of earlier tests are given another reference, so that only this test's match "LEGACY-<number>".
        const tryton = await trytonPeer.session()
        const earlier = await tryton.model<number[]>("sale.sale", "search", [["reference", "like", "LEGACY-%"]], 0, null, null)
        for (const id of earlier) await tryton.model("sale.sale", "write", [id], { reference: `RETIRED-${id}` })
      })

      it("sends nothing of a store's history on first boot; a dry run says what a backfill would do; the backfill links what the legacy integration wrote and creates the rest, once", async () => {
        // Orders placed before the plugin: the hub is in shadow mode while they are placed, and then forgets them.
        await hub(container).switches.switchMode("erp", "shadow", null)
        const legacyOrder = await placeOrder(container, store, { email: `old-a-${Date.now()}@example.com`, items: ITEMS })
        const newOrder = await placeOrder(container, store, { email: `old-b-${Date.now()}@example.com`, items: ITEMS })
        const badOrder = await placeOrder(container, store, { email: `old-c-${Date.now()}@example.com`, items: [{ title: "Unlabelled scarf", quantity: 1 }] })
        for (const id of [legacyOrder, newOrder, badOrder]) await waitForSettledSync(container, id, "create")
        await hub(container).switches.switchMode("erp", "live", null)
        const legacySale = await writeLegacySale(container, legacyOrder)
        await makeHistory(container, [legacyOrder, newOrder, badOrder])

        // First boot: the sweep that notes the connection enabled reaches back to nothing.
        await sweepMissingSyncs(container)
        expect(await hub(container).listSyncRecords({ entity_id: [legacyOrder, newOrder, badOrder] })).toHaveLength(0)
        const refs = [legacyOrder, newOrder, badOrder].map((id) => `medusa:${id}`)
        expect(await liveSales(refs)).toHaveLength(0)

        const auth = await adminHeaders(container, api)
        const day = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString().slice(0, 10)
        const started = await api.post("/admin/integrations/backfills", { connection_id: "erp", from: day(11), to: day(9) }, auth)
        expect(started.status).toBe(202)
        expect(started.data.backfill).toMatchObject({ dry_run: true, total: 3, status: "running" })
        const dry = await waitForBackfill(container, started.data.backfill.id)
        expect(dry).toMatchObject({ status: "done", processed: 3, counts: { linked: 1, created: 1, invalid: 1, already: 0, existing: 0, failed: 0 } })
        const byOrder = new Map((dry.items as unknown as Array<{ order_id: string; outcome: string; message: string }>).map((i) => [i.order_id, i]))
        expect(byOrder.get(legacyOrder)!.message).toBe(`written by the legacy integration as sale ${legacySale.number} (processing): would be linked, not created`)
        expect(byOrder.get(newOrder)!.message).toBe("would be created: 1 line(s), 45.00 USD")
        expect(byOrder.get(badOrder)!.message).toMatch(/^Cannot sync order #\d+ to erp: line item 'Unlabelled scarf' has no SKU$/)
        // A dry run writes nothing, anywhere.
        expect(await hub(container).listSyncRecords({ entity_id: [legacyOrder, newOrder, badOrder] })).toHaveLength(0)
        expect(await liveSales(refs)).toHaveLength(0)

        // The same dry run from the command line (npx medusa exec …/scripts/backfill.js): progress, then the refused order.
        const printed: string[] = []
        const print = jest.spyOn(console, "log").mockImplementation((line: unknown) => void printed.push(String(line)))
        try {
          await backfillScript({ container, args: ["--", "--connection", "erp", "--from", day(11), "--to", day(9)] })
        } finally {
          print.mockRestore()
        }
        expect(printed[0]).toBe("[------------------------------] 0/3")
        expect(printed).toContain("[##############################] 3/3  written by the legacy integration 1, would be created 1, refused 1")
        expect(printed.at(-2)).toMatch(/^ {2}#\d+: Cannot sync order #\d+ to erp: line item 'Unlabelled scarf' has no SKU$/)
        expect(printed.at(-1)).toMatch(/^backfill ibf_\w+ \(dry run\) done$/)

        // The real run, stopped at once and resumed: it picks up where it stopped.
        const run = await startBackfill(container, { connection_id: "erp", selection: { from: day(11), to: day(9) }, dry_run: false })
        await stopBackfill(container, run.id)
        const stopped = await waitForBackfill(container, run.id)
        expect(stopped.status).toBe("stopped")
        expect(stopped.processed).toBeLessThan(3)
        await resumeBackfill(container, run.id)
        const done = await waitForBackfill(container, run.id)
        expect(done).toMatchObject({ status: "done", processed: 3, counts: { linked: 1, created: 1, failed: 1 } })

        expect(await createRecord(container, legacyOrder)).toMatchObject({ status: "linked", external_id: String(legacySale.id), external_number: legacySale.number })
        expect(await createRecord(container, newOrder)).toMatchObject({ status: "synced" })
        expect((await createRecord(container, badOrder)).status).toBe("failed")
        // One live sale per order: the legacy one for the first, a new one for the second, none for the refused one.
        expect((await liveSales([`LEGACY-${await displayIdOf(container, legacyOrder)}`, ...refs])).map((s) => s.reference)).toEqual([`LEGACY-${await displayIdOf(container, legacyOrder)}`, `medusa:${newOrder}`])

        // The same backfill again: everything is there already.
        const again = await startBackfill(container, { connection_id: "erp", selection: { order_ids: [legacyOrder, newOrder] }, dry_run: false }, { wait: true })
        expect(again.counts).toMatchObject({ already: 2, created: 0, linked: 0 })
        expect(await liveSales(refs)).toHaveLength(1)
      })

      it("in shadow mode the legacy integration's sales are reconciled; going live sends only what it did not write, and the next reconciliation is clean", async () => {
        await switchConnectionMode(container, "erp", "shadow", null)
        const written = await placeOrder(container, store, { email: `shadow-a-${Date.now()}@example.com`, items: ITEMS })
        const forgotten = await placeOrder(container, store, { email: `shadow-b-${Date.now()}@example.com`, items: ITEMS })
        for (const id of [written, forgotten]) expect((await waitForSettledSync(container, id, "create")).skip_code).toBe("shadow")
        const legacySale = await writeLegacySale(container, written)

        const report = await reconcileConnection(container, "erp", { trigger: "manual" })
        const drift = await hub(container).listDriftItems({ run_id: report.id })
        expect({ report, drift: drift.map((d) => d.message) }).toMatchObject({ report: { status: "done", drift_count: 1 }, drift: [expect.any(String)] })
        const [missing] = drift
        expect(missing).toMatchObject({ entity_id: forgotten, kind: "missing", fixes: ["ignore"] })
        expect(missing.message).toBe(`Order #${await displayIdOf(container, forgotten)} is not in erp: no sale carries medusa:${forgotten} or matches legacyMatch`)

        const [view] = (await cutoverView(container)).filter((c) => c.id === "erp")
        expect(view).toMatchObject({ mode: "shadow", configured_mode: "live", held_back: { "order.create": 2 }, open_drift: 1, reconciliation: { clean_days: 0, ready: false } })

        // Said before it happens: the dry run of what shadow mode held back.
        const preview = await startBackfill(container, { connection_id: "erp", selection: { shadow_skipped: true }, dry_run: true }, { wait: true })
        expect(preview.counts).toMatchObject({ linked: 1, created: 1 })

        const live = await switchConnectionMode(container, "erp", "live", null)
        expect(live.message).toBe(`"erp" is live: 2 order(s) held back in shadow mode are being sent (those the legacy integration wrote are linked, not created)`)
        const sent = await waitForBackfill(container, live.backfill!.id)
        expect(sent.counts).toMatchObject({ linked: 1, created: 1, failed: 0 })
        // It worked on the orders held back when it started (they stop being held back as they are sent), paged by key:
        // its selection carries no list of them.
        expect(sent).toMatchObject({ total: 2, processed: 2 })
        expect(sent.selection).toEqual({ shadow_skipped: true })
        expect((sent.items as unknown as Array<{ order_id: string }>).map((i) => i.order_id).sort()).toEqual([written, forgotten].sort())
        expect(await createRecord(container, written)).toMatchObject({ status: "linked", external_id: String(legacySale.id) })
        expect(await liveSales([`medusa:${written}`])).toHaveLength(0)
        expect(await liveSales([`medusa:${forgotten}`])).toHaveLength(1)

        const clean = await reconcileConnection(container, "erp", { trigger: "manual" })
        expect(clean).toMatchObject({ status: "done", drift_count: 0, checked: 2 })
        expect((await hub(container).retrieveDriftItem(missing.id)).status).toBe("superseded")
        // Today's last run was clean: one day. Clean runs on the two days before make three; a day without a run ends it.
        expect(await cleanDays(hub(container), "erp")).toBe(1)
        const dayAgo = (n: number) => new Date(Date.now() - n * 86_400_000)
        for (const [n, drift] of [[1, 0], [2, 0], [3, 2], [4, 0]] as const) {
          await hub(container).execute(
            `INSERT INTO reconciliation_run (id, connection_id, trigger, window_from, window_to, status, drift_count, created_at) VALUES (?, 'erp', 'schedule', ?, ?, 'done', ?, ?)`,
            [`irec_past_${n}`, dayAgo(n + 7), dayAgo(n), drift, dayAgo(n)]
          )
        }
        expect(await cleanDays(hub(container), "erp")).toBe(3)
        const [ready] = (await cutoverView(container)).filter((c) => c.id === "erp")
        expect(ready).toMatchObject({ mode: "live", held_back: {}, open_drift: 0, reconciliation: { clean_days: 3, cleanDaysToGoLive: 5, ready: false } })
      })

      it("finds a total changed in Tryton, a sale deleted there, and a stock difference; each offered fix works and is kept on the item", async () => {
        const changed = await placeOrder(container, store, { email: `drift-a-${Date.now()}@example.com`, items: ITEMS })
        const quoted = await placeOrder(container, store, { email: `drift-b-${Date.now()}@example.com`, items: ITEMS })
        expect(await waitForSettledSync(container, changed, "create")).toMatchObject({ status: "synced", last_error: null })
        // The second order's sale is a quotation the legacy integration left, linked by a backfill, then deleted in Tryton.
        await waitForSettledSync(container, quoted, "create")
        await hub(container).execute(`DELETE FROM sync_run WHERE sync_record_id IN (SELECT id FROM sync_record WHERE entity_id = ?)`, [quoted])
        await hub(container).execute(`DELETE FROM sync_record WHERE entity_id = ?`, [quoted])
        const [ours] = await liveSales([`medusa:${quoted}`])
        const tryton = await trytonPeer.session()
        await hub(container).getProvider("erp", "erp").cancelSalesOrder(String(ours.id))
        const quotation = await writeLegacySale(container, quoted, { quotation: true })
        await startBackfill(container, { connection_id: "erp", selection: { order_ids: [quoted] }, dry_run: false }, { wait: true })
        expect(await createRecord(container, quoted)).toMatchObject({ status: "linked", external_id: String(quotation.id) })

        await importInventoryNow(container, { full: true })
        const clean = await reconcileConnection(container, "erp", { trigger: "manual" })
        expect(clean.drift_count).toBe(0)
        // An order placed since the import moves both sides alike (Medusa reserves, Tryton's forecast drops): no drift.
        const later = await placeOrder(container, store, { email: `drift-c-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 3 }] })
        expect((await waitForSettledSync(container, later, "create")).status).toBe("synced")
        const stillClean = await reconcileConnection(container, "erp", { trigger: "manual" })
        expect(await hub(container).listDriftItems({ run_id: stillClean.id })).toEqual([])

        // Behind Medusa's back: Tryton's total of the first sale, the quotation deleted, and Medusa's stock of a SKU.
        const changedSale = await createRecord(container, changed)
        await tryton.model("sale.sale", "write", [Number(changedSale.external_id)], { total_amount_cache: { __class__: "Decimal", decimal: "52.00" } })
        await tryton.model("sale.sale", "delete", [quotation.id])
        const inventory = container.resolve(Modules.INVENTORY)
        const [item] = await inventory.listInventoryItems({ sku: "MUG-RED" })
        const [level] = await inventory.listInventoryLevels({ inventory_item_id: item.id })
        await inventory.updateInventoryLevels([{ inventory_item_id: item.id, location_id: level.location_id, stocked_quantity: Number(level.stocked_quantity) + 7 }])

        const report = await reconcileConnection(container, "erp", { trigger: "manual" })
        const items = await hub(container).listDriftItems({ run_id: report.id }, { order: { kind: "ASC" } })
        expect(items.map((i) => [i.kind, i.entity_id, i.fixes])).toEqual([
          ["deleted", quoted, ["resend", "ignore"]],
          ["stock", item.id, ["accept", "ignore"]],
          ["total", changed, ["resend", "ignore"]],
        ])
        const [deleted, stock, total] = items
        const n = (id: string) => displayIdOf(container, id)
        expect(total.message).toBe(`Order #${await n(changed)}: erp's sale ${changedSale.external_number} totals 52.00 USD, Medusa's order 45.00`)
        expect(deleted.message).toBe(`Order #${await n(quoted)}: its sale ${quotation.number ?? quotation.id} is no longer in erp (deleted there)`)
        expect(stock.message).toMatch(new RegExp(`^SKU MUG-RED at ${level.location_id}: Medusa stocks ${Number(level.stocked_quantity) + 7}, erp's figures give ${Number(level.stocked_quantity)} \\(forecast \\d+ \\+ \\d+ reserved by orders it holds\\)$`))

        // Fixes the item does not offer, or an ignore without a reason, are refused in words.
        await expect(applyDriftFix(container, stock.id, { fix: "resend", actor_id: null })).rejects.toThrow(`"resend" is not a fix this drift allows (accept, ignore)`)
        await expect(applyDriftFix(container, stock.id, { fix: "ignore", reason: " ", actor_id: null })).rejects.toThrow("Say why this drift is ignored (reason)")

        const auth = await adminHeaders(container, api)
        const fixed = await api.post(`/admin/integrations/drift-items/${total.id}/fix`, { fix: "resend" }, auth)
        expect(fixed.data.drift_item).toMatchObject({ status: "fixed", resolution: "resend" })
        expect(fixed.data.drift_item.actor_id).toMatch(/^user_/)
        expect(fixed.data.drift_item.note).toMatch(/^made sale \S+ \(\w+\) from Medusa's order, then cancelled the old one: sale #/)
        // The new sale was made while the old one was live, under its own reference; the old one is cancelled.
        const replacementRef = replacementReference(changed, changedSale.external_id!)
        const live = await liveSales([`medusa:${changed}`, replacementRef])
        expect(live.map((s) => s.reference)).toEqual([replacementRef])
        const [replacement] = live
        expect(replacement.id).not.toBe(Number(changedSale.external_id))

        expect((await applyDriftFix(container, deleted.id, { fix: "resend", actor_id: null })).status).toBe("fixed")
        expect(await liveSales([`medusa:${quoted}`])).toHaveLength(1)
        expect((await applyDriftFix(container, stock.id, { fix: "accept", actor_id: null })).note).toMatch(/^took erp's figures: full stock import/)
        const [after] = await inventory.listInventoryLevels({ inventory_item_id: item.id })
        expect(Number(after.stocked_quantity)).toBe(Number(level.stocked_quantity))

        const again = await reconcileConnection(container, "erp", { trigger: "manual" })
        expect(again.drift_count).toBe(0)
      })
    },
  })
})
