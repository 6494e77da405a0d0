import type { ExecArgs } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { DEMO_ADDRESS } from "./store"

/** The part of the hub's module service this script uses. */
type Hub = {
  requestEffects(intents: Array<Record<string, unknown>>): Promise<unknown[]>
  execute(sql: string, params: unknown[]): Promise<unknown[]>
}

const BATCH = 250

/**
 * `medusa exec ./backlog.ts`: a backlog for the drain benchmark (P2). Creates BACKLOG_ORDERS orders straight in the
 * Order module (no checkout: it measures the drain, not the storefront) and queues each order's ERP sync as a
 * pending record that is already due, as if the ERP had been unreachable while they were placed.
 */
export default async function queueBacklog({ container }: ExecArgs) {
  const count = Number(process.env.BACKLOG_ORDERS ?? 5000)
  const orders = container.resolve(Modules.ORDER)
  const [region] = await container.resolve(Modules.REGION).listRegions({ name: "United States" })
  const hub = container.resolve<Hub>("integration_hub")
  const address = { ...DEMO_ADDRESS }
  for (let done = 0; done < count; done += BATCH) {
    const created = await orders.createOrders(
      Array.from({ length: Math.min(BATCH, count - done) }, (_, i) => ({
        region_id: region.id,
        currency_code: "usd",
        email: `backlog-${done + i}@example.com`,
        status: "pending" as const,
        shipping_address: address,
        billing_address: address,
        items: [{ title: "Blue shirt", product_title: "Blue shirt", variant_sku: "SHIRT-BLUE", quantity: 1, unit_price: 20 }],
      }))
    )
    await hub.requestEffects(
      created.map((o) => ({
        connection_id: "erp", effect_key: `order:${o.id}:create`, entity_type: "order", entity_id: o.id, operation: "create",
        external_ref: `medusa:${o.id}`, revision: null,
      }))
    )
  }
  // A pending record younger than 30 s is left to the subscriber that created it: these have none.
  await hub.execute(`UPDATE sync_record SET updated_at = now() - interval '1 minute' WHERE status = 'pending'`, [])
}
