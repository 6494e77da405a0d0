import { createHash } from "node:crypto"
import { createServer } from "node:http"
import type { AddressInfo } from "node:net"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { ErpCustomerInput } from "../../src/providers/types"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import purgeIntegrationLogsJob from "../../src/jobs/purge-integration-logs"
import { IntegrationError } from "../../src/lib/errors"
import { CallRecorder } from "../../src/lib/http/call-recorder"
import { HttpClient } from "../../src/lib/http/client"
import { runInSyncContext } from "../../src/lib/run-context"
import { keepDraining, processSyncRecord, requestEffect, runDueSyncs } from "../../src/sync/engine"
import { addSyncOperations, SyncOperation } from "../../src/sync/operations"
import { changedSince, sweepMissingSyncs } from "../../src/sync/sweep"
import { ORDER_FIELDS_FOR_ERP } from "../../src/workflows/sync-order-to-erp"
import type { OrderForErp } from "../../src/workflows/sync-order-to-erp/order-mapper"
import { createErpSalesOrderStep } from "../../src/workflows/sync-order-to-erp/steps/create-erp-sales-order"
import { ensureErpCustomerStep } from "../../src/workflows/sync-order-to-erp/steps/ensure-erp-customer"
import { validateOrderForErpStep } from "../../src/workflows/sync-order-to-erp/steps/validate-order-for-erp"
import { createSyncStep } from "../../src/workflows/sync-step"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(120_000)

const WEBHOOK_SECRET = "whsec_c2VjcmV0LWZvci1lbmdpbmUtdGVzdHMtMTIzNDU2"
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
Object.assign(process.env, {
  INTEGRATION_SANDBOX_ERP: "true",
  INTEGRATION_SANDBOX_WEBHOOK_SECRET: WEBHOOK_SECRET,
  INTEGRATION_RETRY_MAX_ATTEMPTS: "3",
  INTEGRATION_RETRY_BASE_DELAY_MS: "100",
  INTEGRATION_RETRY_MAX_DELAY_MS: "1000",
  INTEGRATION_EXTRA_CONNECTIONS: JSON.stringify([{ id: "erp-paused", kind: "erp", provider: "sandbox", enabled: false }]),
})

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const sha = (s: string) => createHash("sha256").update(s).digest("hex")

/** This suite's own operations, added beside the hub's (never into its table) and removed when it ends. */
const TEST_OPERATIONS: Record<string, SyncOperation> = {}
/** A test-only effect that repeats with its content: what a CRM contact update or a tracking change will be. */
const profile = { content: "v1", sent: [] as string[], gate: null as Promise<void> | null, refuse: null as string | null }
TEST_OPERATIONS["customer.profile"] = {
  kind: "erp",
  effectKey: (id) => `customer:${id}:profile`,
  externalRef: (id) => `medusa:${id}`,
  revision: async () => sha(profile.content),
  run: async (_container, run) => {
    const content = profile.content
    if (profile.gate) await profile.gate
    // The vendor refuses this content for good (a person must look at it).
    if (content === profile.refuse) return { errors: [{ error: new IntegrationError(`the ERP refuses ${content}`, { connectionId: "erp", code: "refused", retryable: false }) }] }
    profile.sent.push(`${run.entity_id}:${content}`)
    return { result: { status: "synced", summary: `sent ${content}` } }
  },
}
/** Two calls to a vendor over HTTP with a pause between them: for a run that loses its lease half-way. */
const leased = { gate: null as Promise<void> | null, received: [] as string[], url: "" }
TEST_OPERATIONS["customer.leased"] = {
  kind: "erp",
  effectKey: (id) => `customer:${id}:leased`,
  externalRef: () => null,
  run: async () => {
    const http = new HttpClient({ baseURL: leased.url, timeoutMs: 2_000, recorder: new CallRecorder({ connectionId: "erp", secrets: [], log: async () => {} }) })
    try {
      await http.request({ method: "POST", url: "/first", operation: "first call" })
      await leased.gate
      await http.request({ method: "POST", url: "/second", operation: "second call" })
      return { result: { status: "synced", summary: "both calls made" } }
    } catch (error) {
      return { errors: [{ error }] }
    }
  },
}
/** Fails with whatever `failWith` holds: for failure classification and redaction. */
const failWith: { error: unknown } = { error: null }
TEST_OPERATIONS["customer.failing"] = {
  kind: "erp",
  effectKey: (id) => `customer:${id}:failing`,
  externalRef: () => null,
  run: async () => ({ errors: [{ error: failWith.error }] }),
}

/** Fails its first `failures` runs in a retryable way, then syncs. */
const flaky = { failures: 0, runs: 0 }
TEST_OPERATIONS["customer.flaky"] = {
  kind: "erp",
  effectKey: (id) => `customer:${id}:flaky`,
  externalRef: () => null,
  run: async () => {
    if (flaky.runs++ < flaky.failures) {
      return { errors: [{ error: new IntegrationError("Sandbox ERP answered HTTP 503 (will retry)", { connectionId: "erp", code: "http_503", retryable: true }) }] }
    }
    return { result: { status: "synced", summary: "sent" } }
  },
}

const injectTransient = createSyncStep("test-inject-transient-failure", async () => {
  throw new IntegrationError("Sandbox ERP timed out after 8000 ms (will retry)", { connectionId: "erp", code: "timeout", retryable: true })
}, undefined, { label: { does: "fail as if the ERP timed out" } })
const injectPermanent = createSyncStep("test-inject-permanent-failure", async () => {
  throw new Error("amount 12.345 has more decimals than USD allows")
}, undefined, { label: { does: "fail on bad data" } })
/** The real order → ERP steps followed by a failing one, as a later step of a flow would fail. */
const saleThenFailure = (permanent: boolean) =>
  createWorkflow(`test-sale-then-${permanent ? "permanent" : "transient"}-failure`, (input: { order_id: string }) => {
    const { data: orders } = useQueryGraphStep({ entity: "order", fields: ORDER_FIELDS_FOR_ERP, filters: { id: input.order_id } })
    const draft = validateOrderForErpStep(transform({ orders }, ({ orders }) => ({ order: orders[0] as unknown as OrderForErp, connection_id: "erp" })))
    const customer = ensureErpCustomerStep(transform({ draft }, ({ draft }) => ({ connection_id: "erp", customer: draft.customer })))
    const sale = createErpSalesOrderStep(transform({ draft, customer }, ({ draft, customer }) => ({ connection_id: "erp", order: draft, customer })))
    if (permanent) injectPermanent()
    else injectTransient()
    return new WorkflowResponse(sale)
  })
/** The customer step alone, as the order sync runs it. */
const ensureCustomerWorkflow = createWorkflow(
  "test-ensure-erp-customer",
  (input: { connection_id: string; customer: ErpCustomerInput }) => new WorkflowResponse(ensureErpCustomerStep(input))
)
const transientWorkflow = saleThenFailure(false)
const permanentWorkflow = saleThenFailure(true)

afterAll(addSyncOperations(TEST_OPERATIONS))

medusaIntegrationTestRunner({
  testSuite: ({ getContainer }) => {
    let container: MedusaContainer
    let store: SeededStore

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
    })

    const sandbox = () => hub(container).getProvider("erp", "erp")

    it("runs an effect once per content revision, again when the content changes, and keeps every run", async () => {
      const request = () => requestEffect(container, { entity_type: "customer", entity_id: "cus_rev", operation: "profile" })
      await Promise.all([request(), request(), request()])
      expect(profile.sent).toEqual(["cus_rev:v1"])

      profile.content = "v2"
      await request()
      await request()
      expect(profile.sent).toEqual(["cus_rev:v1", "cus_rev:v2"])
      const [record] = await hub(container).listSyncRecords({ effect_key: "customer:cus_rev:profile" })
      expect(record).toMatchObject({ status: "synced", revision: sha("v2"), synced_revision: sha("v2"), attempts: 1, result_summary: "sent v2" })
      const runs = await hub(container).listSyncRuns({ sync_record_id: record.id }, { order: { created_at: "ASC" } })
      expect(runs.map((r) => [r.status, r.revision, r.summary])).toEqual([
        ["synced", sha("v1"), "sent v1"],
        ["synced", sha("v2"), "sent v2"],
      ])
    })

    it("sends content that changed while a run was sending the previous one, right after it", async () => {
      profile.sent.length = 0
      profile.content = "a"
      let release!: () => void
      profile.gate = new Promise((r) => (release = r))
      const first = requestEffect(container, { entity_type: "customer", entity_id: "cus_mid", operation: "profile" })
      await sleep(200)
      profile.content = "b"
      await requestEffect(container, { entity_type: "customer", entity_id: "cus_mid", operation: "profile" })
      profile.gate = null
      release()
      await first
      // The first run read "a" before the change; the revision it settles is stale, so "b" goes out at once.
      expect(profile.sent).toEqual(["cus_mid:a", "cus_mid:b"])
      const [record] = await hub(container).listSyncRecords({ effect_key: "customer:cus_mid:profile" })
      expect(record).toMatchObject({ status: "synced", synced_revision: sha("b") })
    })

    it("sends content that changed while a run failed on the previous one: the failure was the old content's", async () => {
      profile.sent.length = 0
      profile.content = "bad"
      profile.refuse = "bad"
      let release!: () => void
      profile.gate = new Promise((r) => (release = r))
      const first = requestEffect(container, { entity_type: "customer", entity_id: "cus_fix", operation: "profile" })
      await sleep(200)
      // Staff correct the record in Medusa while the run with the old content is still out.
      profile.content = "good"
      await requestEffect(container, { entity_type: "customer", entity_id: "cus_fix", operation: "profile" })
      profile.gate = null
      release()
      await first
      profile.refuse = null
      expect(profile.sent).toEqual(["cus_fix:good"])
      const [record] = await hub(container).listSyncRecords({ effect_key: "customer:cus_fix:profile" })
      expect(record).toMatchObject({ status: "synced", synced_revision: sha("good") })
      const runs = await hub(container).listSyncRuns({ sync_record_id: record.id }, { order: { created_at: "ASC" } })
      expect(runs.map((r) => [r.status, r.revision])).toEqual([["failed", sha("bad")], ["synced", sha("good")]])
    })

    it("a run that lost its lease makes no further vendor call, and its run is recorded fenced", async () => {
      const server = createServer((req, res) => {
        leased.received.push(req.url ?? "")
        res.writeHead(200, { "content-type": "application/json" }).end("{}")
      })
      await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
      leased.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
      let release!: () => void
      leased.gate = new Promise((r) => (release = r))
      try {
        const [{ id }] = await hub(container).requestEffects([
          { connection_id: "erp", effect_key: "customer:cus_lease:leased", entity_type: "customer", entity_id: "cus_lease", operation: "leased", external_ref: null, revision: null },
        ])
        const run = processSyncRecord(container, id, { leaseMs: 3_000 })
        while (!leased.received.length) await sleep(20)
        // Another instance takes the record over (its claim replaces ours) while this run waits between its calls.
        const [{ claim_token }] = await hub(container).execute<{ claim_token: string }>(`SELECT claim_token FROM sync_record WHERE id = ?`, [id])
        await hub(container).execute(`UPDATE sync_record SET claim_token = 'irun_other' WHERE id = ?`, [id])
        await sleep(1_300)
        release()
        await run
        expect(leased.received).toEqual(["/first"])
        const [ours] = await hub(container).listSyncRuns({ id: claim_token })
        expect(ours).toMatchObject({ status: "fenced", error_code: "lease_lost" })
      } finally {
        leased.gate = null
        await new Promise((resolve) => server.close(resolve))
      }
    })

    it("the background drain runs each retry when it comes due, with no further run of the retry job", async () => {
      Object.assign(flaky, { failures: 2, runs: 0 })
      await requestEffect(container, { entity_type: "customer", entity_id: "cus_flaky", operation: "flaky" })
      const [failed] = await hub(container).listSyncRecords({ effect_key: "customer:cus_flaky:flaky" })
      expect(failed).toMatchObject({ status: "failed", attempts: 1 })
      // Nothing is due yet (the retry is ~100 ms away): the drain sleeps until it is, twice, instead of stopping.
      keepDraining(container)
      const until = Date.now() + 15_000
      let record = failed
      while (record.status !== "synced" && Date.now() < until) {
        await sleep(100)
        ;[record] = await hub(container).listSyncRecords({ effect_key: "customer:cus_flaky:flaky" })
      }
      expect(record).toMatchObject({ status: "synced", attempts: 3 })
      expect(flaky.runs).toBe(3)
    })

    it("the drain sees no next retry when none is due within its horizon, so it stops instead of polling", async () => {
      const service = hub(container)
      const [{ id }] = await service.requestEffects([
        { connection_id: "erp-paused", effect_key: "customer:cus_soon:profile", entity_type: "customer", entity_id: "cus_soon", operation: "profile", external_ref: null, revision: null },
      ])
      await service.execute(`UPDATE sync_record SET status = 'failed', next_attempt_at = now() + interval '5 seconds' WHERE id = ?`, [id])
      const others = service.listConnections().map((c) => c.id).filter((c) => c !== "erp-paused")
      expect(await service.msUntilNextRetry(others, 60_000)).toBeGreaterThan(3_000)
      // Every connection waiting: no retry of any is due. (PostgreSQL's GREATEST(0, NULL) is 0: it once read as "due now".)
      expect(await service.msUntilNextRetry([...others, "erp-paused"], 60_000)).toBeNull()
      expect(await service.msUntilNextRetry(others, 1_000)).toBeNull()
      await service.execute(`UPDATE sync_record SET deleted_at = now() WHERE id = ?`, [id])
    })

    it("three syncs of one new customer at the same moment make one customer: the step takes a lock per e-mail", async () => {
      const address = { name: "Ines Costa", street: "Rua Nova 3", city: "Porto", postalCode: "4000-001", countryCode: "PT" }
      const customer = { email: `Together-${Date.now()}@example.com`, name: "Ines Costa", phone: null, shippingAddress: address, billingAddress: address }
      const runs = await Promise.all(
        [customer, customer, { ...customer, email: customer.email.toLowerCase() }].map((c) =>
          ensureCustomerWorkflow(container).run({ input: { connection_id: "erp", customer: c } })
        )
      )
      expect(new Set(runs.map((r) => r.result.externalId)).size).toBe(1)
      expect(runs.filter((r) => r.result.created)).toHaveLength(1)
    })

    it("fences a run whose lease expired: its late outcome never overwrites the newer run's", async () => {
      // On the paused connection: no background drain takes the stalled record over; this test plays both runs.
      const [{ id }] = await hub(container).requestEffects([
        { connection_id: "erp-paused", effect_key: "customer:cus_fence:profile", entity_type: "customer", entity_id: "cus_fence", operation: "profile", external_ref: null, revision: null },
      ])
      const slow = await hub(container).claimSyncRecord(id, { leaseMs: 1 })
      await sleep(20)
      const fresh = await hub(container).claimSyncRecord(id)
      expect(slow && fresh && slow.claim_token !== fresh.claim_token).toBe(true)
      // Taking the record over closes the run left running, saying why (a crashed process leaves no run running forever).
      const [left] = await hub(container).listSyncRuns({ id: slow!.claim_token })
      expect(left).toMatchObject({ status: "fenced", error: expect.stringMatching(/^this run stopped before it finished/) })
      expect(left.finished_at).not.toBeNull()
      expect(await hub(container).extendLease(id, slow!.claim_token)).toBe(false)
      expect(await hub(container).settleSyncRecord(id, fresh!.claim_token, { status: "synced", summary: "newer run" })).toBe(true)
      expect(await hub(container).settleSyncRecord(id, slow!.claim_token, { status: "failed", error: "late", code: "timeout", next_attempt_at: new Date() })).toBe(false)

      const record = await hub(container).retrieveSyncRecord(id)
      expect(record).toMatchObject({ status: "synced", result_summary: "newer run", last_error: null, claim_token: null })
      const runs = await hub(container).listSyncRuns({ sync_record_id: id })
      expect(runs.map((r) => [r.id === slow!.claim_token ? "slow" : "fresh", r.status]).sort()).toEqual([["fresh", "synced"], ["slow", "fenced"]])
    })

    it("settles a record whose connection or operation no longer exists as failed, and the batch goes on behind it", async () => {
      const hubService = hub(container)
      const [gone, unknownOp] = await hubService.requestEffects([
        { connection_id: "erp-removed", effect_key: "order:order_x:create", entity_type: "order", entity_id: "order_x", operation: "create", external_ref: null, revision: null },
        { connection_id: "erp", effect_key: "order:order_y:teleport", entity_type: "order", entity_id: "order_y", operation: "teleport", external_ref: null, revision: null },
      ])
      const orderId = await placeOrder(container, store, { email: `behind-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      const waiting = await waitForSettledSync(container, orderId, "create")
      // Make all three due, the good one last.
      await hubService.execute(`UPDATE sync_record SET status = 'failed', next_attempt_at = now() - interval '1 minute' WHERE id = ?`, [waiting.id])
      await hubService.execute(`UPDATE sync_record SET updated_at = now() - interval '1 hour' WHERE id IN (?, ?)`, [gone.id, unknownOp.id])

      expect(await runDueSyncs(container)).toBe(3)
      const after = async (id: string) => hubService.retrieveSyncRecord(id)
      expect(await after(gone.id)).toMatchObject({ status: "failed", next_attempt_at: null, last_error_code: "unknown_connection", claim_token: null })
      expect((await after(gone.id)).last_error).toMatch(/^Connection "erp-removed" is no longer configured \(plugin options connections\[\]\.id\)/)
      expect(await after(unknownOp.id)).toMatchObject({ status: "failed", next_attempt_at: null })
      expect((await after(unknownOp.id)).last_error).toContain('No sync operation "order.teleport"')
      // The good one is synced (by this batch, or by the background drain that may have taken it first).
      expect(await waitForSettledSync(container, orderId, "create")).toMatchObject({ id: waiting.id, status: "synced" })
      // Settled for good: the next batches do not take them again.
      expect(await runDueSyncs(container)).toBe(0)
    })

    it("pauses the records of a disabled connection and resumes them when it is enabled again", async () => {
      const hubService = hub(container)
      const [paused] = await hubService.requestEffects([
        { connection_id: "erp-paused", effect_key: "customer:cus_p:profile", entity_type: "customer", entity_id: "cus_p", operation: "profile", external_ref: null, revision: null },
      ])
      await hubService.execute(`UPDATE sync_record SET updated_at = now() - interval '1 hour' WHERE id = ?`, [paused.id])
      expect(await processSyncRecord(container, paused.id)).toMatchObject({ status: "pending", attempts: 0 })
      expect(await hubService.listDueSyncRecordIds(["erp-paused"], 50)).not.toContain(paused.id)
      // Once the connection is enabled (nothing paused), the same record is due.
      expect(await hubService.listDueSyncRecordIds([], 50)).toContain(paused.id)
    })

    it("treats plain Errors (bad data, a bug) as permanent, and redacts personal data and secrets from last_error", async () => {
      failWith.error = new Error(`amount for jane.doe@example.com is not a number (key ${WEBHOOK_SECRET})`)
      await requestEffect(container, { entity_type: "customer", entity_id: "cus_plain", operation: "failing" })
      const [record] = await hub(container).listSyncRecords({ effect_key: "customer:cus_plain:failing" })
      expect(record).toMatchObject({ status: "failed", next_attempt_at: null, attempts: 1 })
      expect(record.last_error).toBe("amount for [redacted] is not a number (key [redacted])")

      failWith.error = Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" })
      await requestEffect(container, { entity_type: "customer", entity_id: "cus_db", operation: "failing" })
      const [transient] = await hub(container).listSyncRecords({ effect_key: "customer:cus_db:failing" })
      expect(transient).toMatchObject({ status: "failed", last_error_code: "transient_error" })
      expect(transient.next_attempt_at).not.toBeNull()
    })

    it("keeps a good ERP sale when the result cannot be written (transient), and the retry finds it instead of a second", async () => {
      const hubService = hub(container)
      const settle = jest.spyOn(hubService, "settleSyncRecord").mockRejectedValueOnce(
        Object.assign(new Error("Connection terminated unexpectedly"), { code: "ECONNRESET" })
      )
      const orderId = await placeOrder(container, store, { email: `lost-${Date.now()}@example.com`, items: [{ title: "Blue shirt", quantity: 1 }] })
      // This run (ahead of the subscriber's) creates the sale, then cannot record it: the record is left running under its lease.
      await expect(requestEffect(container, { entity_type: "order", entity_id: orderId, operation: "create" })).rejects.toThrow("Connection terminated")
      settle.mockRestore()
      await sleep(500)
      const [stuck] = await hubService.listSyncRecords({ effect_key: `order:${orderId}:create` })
      expect(stuck.status).toBe("running")
      const sale = await sandbox().findSalesOrderByReference(`medusa:${orderId}`)
      expect(sale).not.toBeNull()

      await hubService.execute(`UPDATE sync_record SET locked_until = now() - interval '1 second' WHERE id = ?`, [stuck.id])
      await runDueSyncs(container)
      const record = await hubService.retrieveSyncRecord(stuck.id)
      expect(record).toMatchObject({ status: "synced", external_id: sale!.externalId, attempts: 2 })
      expect(record.result_summary).toMatch(/^found existing sale/)
      expect(await sandbox().findSalesOrderByReference(`medusa:${orderId}`)).toMatchObject({ externalId: sale!.externalId, state: "processing" })
    })

    it("compensates earlier effects only for a permanent failure of a later step", async () => {
      const orderId = await placeOrder(container, store, { email: `later-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      const ref = `medusa:${orderId}`
      await sandbox().cancelSalesOrder(record.external_id!)

      // Transient: the sale this run created stays; a retry resumes it by its reference.
      const transient = await runInSyncContext({ syncRecordId: record.id }, () =>
        transientWorkflow(container).run({ input: { order_id: orderId }, throwOnError: false })
      )
      expect(transient.errors[0].error.message).toContain("timed out")
      const kept = await sandbox().findSalesOrderByReference(ref)
      expect(kept).toMatchObject({ state: "processing" })

      // Permanent: the sale this run created is cancelled with the ERP's own inverse.
      await sandbox().cancelSalesOrder(kept!.externalId)
      const permanent = await runInSyncContext({ syncRecordId: record.id }, () =>
        permanentWorkflow(container).run({ input: { order_id: orderId }, throwOnError: false })
      )
      expect(permanent.errors[0].error.message).toContain("more decimals")
      expect(await sandbox().findSalesOrderByReference(ref)).toBeNull()
    })

    it("never backfills what predates the connection: the sweep covers only entities created after it was first enabled", async () => {
      const hubService = hub(container)
      const orderId = await placeOrder(container, store, { email: `old-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      await hubService.deleteSyncRecords(record.id)
      // As if the plugin had been installed after this order was placed: the first sweep records the connection
      // as enabled now, and leaves the older order alone. (Medusa's scheduler may have run the stock import job
      // meanwhile, which records the connection as seen too: forget that, as a store without the plugin has no row.)
      await hubService.execute(`DELETE FROM connection_state`, [])
      expect(await sweepMissingSyncs(container)).toBe(0)
      const [state] = await hubService.listConnectionStates({ connection_id: "erp" })
      expect(state.first_enabled_at.getTime()).toBeGreaterThan(new Date(record.created_at).getTime())
      expect(await hubService.listSyncRecords({ entity_id: orderId })).toHaveLength(0)

      // Placed after the connection was enabled: a lost event is caught up.
      await hubService.execute(`UPDATE connection_state SET first_enabled_at = now() - interval '1 hour', swept_until = NULL`, [])
      expect(await sweepMissingSyncs(container)).toBe(1)
      const [recreated] = await hubService.listSyncRecords({ entity_id: orderId })
      expect(recreated).toMatchObject({ status: "synced", external_id: record.external_id })
    })

    it("the sweep pages by (updated_at, id): rows tied to the microsecond and rows changed during the sweep are all read", async () => {
      const stamp = Date.now()
      const customers = await container.resolve(Modules.CUSTOMER).createCustomers(Array.from({ length: 7 }, (_, i) => ({ email: `tie-${i}-${stamp}@example.com` })))
      const ids = customers.map((c) => c.id)
      // One statement gives them one updated_at, to the microsecond (as a bulk update does): more ties than a page holds.
      await hub(container).execute(`UPDATE customer SET updated_at = '2031-01-01 00:00:00.123456+00' WHERE id IN (${ids.map(() => "?").join(", ")})`, ids)
      const seen: string[] = []
      const query = container.resolve(ContainerRegistrationKeys.QUERY)
      for await (const rows of changedSince(query, "customer", ["id", "updated_at"], new Date("2031-01-01T00:00:00Z"), 3)) {
        seen.push(...rows.map((r) => r.id))
        // While the sweep reads, a row it has read changes again: with offsets, every later page would shift by one.
        if (seen.length === 3) await hub(container).execute(`UPDATE customer SET updated_at = '2031-01-01 00:00:00.2+00' WHERE id = ?`, [seen[0]])
      }
      // Every row once; the one changed during the sweep is the next sweep's (it starts before that change).
      expect([...seen].sort()).toEqual([...ids].sort())
      const next: string[] = []
      for await (const rows of changedSince(query, "customer", ["id", "updated_at"], new Date("2031-01-01T00:00:00.150Z"), 3)) next.push(...rows.map((r) => r.id))
      expect(next).toEqual([seen[0]])
    })

    it("removes integration log rows older than the retention, in batches, and keeps the rest", async () => {
      const hubService = hub(container)
      const log = (daysAgo: number) =>
        hubService.execute(
          `INSERT INTO integration_log (id, connection_id, direction, operation, status, duration_ms, created_at)
           SELECT 'ilog_old_' || ? || '_' || g, 'erp', 'out', 'retention-test', 'success', 1, now() - (? * interval '1 day') FROM generate_series(1, 3) g`,
          [daysAgo, daysAgo]
        )
      await log(45)
      await log(29)
      expect(await purgeIntegrationLogsJob(container)).toBe(3)
      const left = await hubService.listIntegrationLogs({ operation: "retention-test" })
      expect(left.map((l) => l.id).sort()).toEqual(["ilog_old_29_1", "ilog_old_29_2", "ilog_old_29_3"])
      // Two rows per statement: three rows take two batches and all go.
      expect(await hubService.purgeLogsBefore(new Date(Date.now() - 20 * 24 * 3600_000), 2)).toBe(3)
    })

    // Last in this file: it starts the app's shutdown.
    it("once the app prepares its shutdown, an event starts nothing (the sweep gives its entity a record after the restart)", async () => {
      profile.sent.length = 0
      profile.content = "at shutdown"
      const hooks = (hub(container) as unknown as { __hooks: { onApplicationPrepareShutdown: () => Promise<void> } }).__hooks
      await hooks.onApplicationPrepareShutdown()
      await requestEffect(container, { entity_type: "customer", entity_id: "cus_shutdown", operation: "profile" }, { startAfterMs: 10 })
      expect(profile.sent).toEqual([])
      expect(await hub(container).listSyncRecords({ effect_key: "customer:cus_shutdown:profile" })).toHaveLength(0)
    })
  },
})
