import type { MedusaContainer } from "@medusajs/framework/types"
import { INTEGRATION_HUB_MODULE } from "../../src/modules/integration-hub"
import type IntegrationHubModuleService from "../../src/modules/integration-hub/service"

export const hub = (container: MedusaContainer) => container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)

/** Polls until the order's sync record for `operation` has left pending/running (subscribers run after the request). */
export async function waitForSettledSync(container: MedusaContainer, orderId: string, operation: string, timeoutMs = 30_000) {
  const until = Date.now() + timeoutMs
  for (;;) {
    const [record] = await hub(container).listSyncRecords({ entity_type: "order", entity_id: orderId, operation })
    if (record && record.status !== "pending" && record.status !== "running") return record
    if (Date.now() > until) throw new Error(`sync ${operation} of ${orderId} did not settle: ${JSON.stringify(record ?? null)}`)
    await new Promise((r) => setTimeout(r, 100))
  }
}

/** Every integration_log row as one string, to search for things that must never be stored. */
export async function allLogText(container: MedusaContainer): Promise<{ count: number; text: string }> {
  const rows = await hub(container).listIntegrationLogs({}, { take: 10_000 })
  return { count: rows.length, text: JSON.stringify(rows) }
}
