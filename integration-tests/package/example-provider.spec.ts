import path from "node:path"
import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import type { MedusaContainer } from "@medusajs/framework/types"
import { placeOrder, seedStore, SeededStore } from "../../demo/app/store"
import { signHmacSha256 } from "../../src/lib/webhooks/signatures"
import { hub, waitForSettledSync } from "../helpers/sync"

jest.setTimeout(240_000)

const ROOT = path.resolve(__dirname, "../..")
const EXAMPLE = path.join(ROOT, "examples/erp-ledger")
const SECRET = "ledger-webhook-secret-0123456789"

// The store knows only the example provider, loaded by path like any third-party provider.
for (const key of ["TRYTON_URL", "TRYTON_PASSWORD", "INTEGRATION_SANDBOX_ERP"]) delete process.env[key]
process.env.INTEGRATION_EXTRA_CONNECTIONS = JSON.stringify([
  { id: "ledger", kind: "erp", provider: path.join(EXAMPLE, "dist/index.js"), options: { webhookSecret: SECRET } },
])

// Before the app boots: the plugin's published build (with its .d.ts), then the example compiled against it.
beforeAll(async () => {
  const { buildPlugin, PREBUILT, run } = await import("../../scripts/demo-store.mjs")
  if (!PREBUILT) buildPlugin()
  run("npx", ["tsc", "-p", EXAMPLE], { cwd: ROOT })
})

type Res = { status: number; data: Record<string, unknown> }

medusaIntegrationTestRunner({
  testSuite: ({ getContainer, api }) => {
    let container: MedusaContainer
    let store: SeededStore

    beforeEach(async () => {
      container = getContainer()
      store = await seedStore(container)
    })

    it("compiles against the exported types, syncs an order and applies its own signed webhook", async () => {
      const orderId = await placeOrder(container, store, { email: `ledger-${Date.now()}@example.com`, items: [{ title: "Red mug", quantity: 1 }] })
      const record = await waitForSettledSync(container, orderId, "create")
      expect(record).toMatchObject({ connection_id: "ledger", status: "synced", external_number: "LEDGER-1" })
      const logs = await hub(container).listIntegrationLogs({ sync_record_id: record.id })
      expect(logs.map((l) => l.operation)).toEqual(expect.arrayContaining(["ledger.customer.upsert", "ledger.sale.create"]))

      const body = JSON.stringify({ id: "ledger-evt-1", type: "sale.updated", at: new Date().toISOString(), sale: { reference: `medusa:${orderId}`, number: "LEDGER-1", state: "done" } })
      const post = (signature: string) =>
        (api as { post: (u: string, b: unknown, c: unknown) => Promise<Res> }).post("/hooks/integrations/ledger", body, {
          headers: { "content-type": "application/json", "x-ledger-signature": signature },
          transformRequest: [(d: unknown) => d],
          validateStatus: () => true,
        })
      expect((await post(`sha256=${signHmacSha256(body, "not-the-secret")}`)).status).toBe(401)
      expect((await post(`sha256=${signHmacSha256(body, SECRET)}`)).status).toBe(200)
      for (const until = Date.now() + 15_000; ; ) {
        const [event] = await hub(container).listWebhookEvents({ provider_event_id: "ledger-evt-1" })
        if (event?.status === "processed") break
        if (Date.now() > until) throw new Error(`ledger event not processed: ${JSON.stringify(event ?? null)}`)
        await new Promise((r) => setTimeout(r, 100))
      }
    })
  },
})
