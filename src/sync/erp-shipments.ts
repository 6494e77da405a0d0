import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { IntegrationError } from "../lib/errors"
import type { ErpShipment } from "../providers/types"
import { fulfilFromErpShipmentWorkflow } from "../workflows/fulfil-from-erp-shipment"
import { hubOf } from "./hub"
import type { OperationResult, OperationRun } from "./operations"
import { applySoon } from "./webhooks"

export const SHIPMENT_IMPORT = { entity_type: "shipments", operation: "import" } as const
const PAGE = 50
/** The event type of a shipment the ERP completed, applied like a webhook event of the ERP's. */
export const SHIPMENT_DONE = "shipment.done"

/**
 * What a sale reference of ours names: an order ("medusa:<order id>", or a replacement's "…/replaces-<id>"), or an
 * exchange or claim of one ("medusa:<exchange or claim id>", its own sale).
 */
export const subjectOfSaleReference = (reference: string) => /^medusa:((?:order|oexc|claim)_[A-Za-z0-9]+)(\/|$)/.exec(reference)?.[1] ?? null

/**
 * The look for shipments the ERP's warehouse completed (connections[].fulfilment "erp"), page by page since the
 * last look (the record keeps the ERP's cursor). Each shipment of one of our sales is stored once, by the ERP's
 * shipment id, as an inbound event about its order, and applied like a webhook event: its own record on the order
 * page, with its retries (fulfil-from-erp-shipment). The first look starts when the connection was first enabled
 * (as the catch-up sweep does): shipments done before are history, not fulfilled now; an order already fulfilled in
 * Medusa is not fulfilled again.
 */
export async function importErpShipments(container: MedusaContainer, run: OperationRun): Promise<OperationResult> {
  const hub = hubOf(container)
  const erp = hub.getProvider(run.connection_id, "erp")
  if (!erp.listShipmentsDone) {
    throw new IntegrationError(`The provider of connection "${run.connection_id}" cannot list the shipments its warehouse completed (it has no listShipmentsDone): set connections[].fulfilment of "${run.connection_id}" to "medusa" or use a provider that has it`, {
      connectionId: run.connection_id, code: "fulfilment_unsupported", retryable: false,
    })
  }
  const record = await hub.retrieveSyncRecord(run.sync_record_id)
  const baseline = (record.baseline as { cursor?: string | null; not_before?: string } | null) ?? {}
  const notBefore = baseline.not_before ?? (await hub.ensureConnectionStates([run.connection_id])).get(run.connection_id)!.first_enabled_at.toISOString()
  let cursor: string | null = null
  const counts = { listed: 0, stored: 0, repeated: 0, notOurs: 0 }
  for (let after: string | null = null, first = true; first || after; first = false) {
    const page = await erp.listShipmentsDone({ changedSince: baseline.cursor ?? null, notBefore, after, limit: PAGE })
    if (first) cursor = page.cursor
    const orders = await ordersOf(container, page.shipments.map((s) => subjectOfSaleReference(s.saleReference)).filter((id): id is string => !!id))
    for (const shipment of page.shipments) {
      counts.listed += 1
      const subject = subjectOfSaleReference(shipment.saleReference)
      const orderId = subject ? orders.get(subject) : undefined
      // A reference of ours naming an order this store does not have (another store on the same ERP): not ours either.
      if (!orderId) {
        counts.notOurs += 1
        continue
      }
      if (run.shadow) continue
      const stored = await hub.storeWebhookEvent({
        connection_id: run.connection_id,
        event: { id: `shipment:${shipment.externalId}:${orderId}`, type: SHIPMENT_DONE, occurredAt: new Date(shipment.doneAt), subject: { entity_type: "order", entity_id: orderId }, data: { ...shipment, order_id: orderId } },
        payload_hash: "", payload_size: 0,
        receipt: { duration_ms: 0, request: { shipment: shipment.externalId, read_by: "shipments.import" } },
      })
      if (stored.duplicate) counts.repeated += 1
      else {
        counts.stored += 1
        if (stored.sync_record_id) applySoon(container, stored.sync_record_id, () => undefined)
      }
    }
    after = page.next
  }
  if (!run.shadow) await hub.saveBaseline(run.connection_id, record.effect_key, { cursor, not_before: notBefore })
  const since = baseline.cursor ? `since ${baseline.cursor}` : `since ${notBefore} (the first look)`
  const parts = [`${counts.listed} shipment(s) done ${since}`, `${counts.stored} new for Medusa orders${run.shadow ? " (shadow mode: none fulfilled)" : ""}`]
  if (counts.repeated) parts.push(`${counts.repeated} seen before`)
  if (counts.notOurs) parts.push(`${counts.notOurs} of sales not of this store's orders, left alone`)
  return { result: { status: "synced", summary: parts.join("; ") } }
}

/** The order of each of these orders, exchanges and claims this store has (an order's is itself). */
async function ordersOf(container: MedusaContainer, ids: string[]): Promise<Map<string, string>> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const found = new Map<string, string>()
  const of = (prefix: string) => [...new Set(ids.filter((id) => id.startsWith(prefix)))]
  const lookups: Array<[string, string, string[]]> = [["order", "id", of("order_")], ["order_exchange", "order_id", of("oexc_")], ["order_claim", "order_id", of("claim_")]]
  for (const [entity, field, wanted] of lookups) {
    if (!wanted.length) continue
    const { data } = await query.graph({ entity, fields: ["id", field], filters: { id: wanted } })
    for (const row of data as Array<Record<string, string>>) found.set(row.id, row[field])
  }
  return found
}

/** An ERP shipment stored by the import, applied: the order's fulfillment of those lines, shipped. */
export function applyErpShipment(container: MedusaContainer, input: { connection_id: string; event: { data: Record<string, unknown> } }): Promise<OperationResult> {
  const { order_id, ...shipment } = input.event.data as unknown as ErpShipment & { order_id?: string }
  // Stored before exchanges had sales of their own, a shipment names its order by the sale's reference only.
  return fulfilFromErpShipmentWorkflow(container).run({
    input: { connection_id: input.connection_id, order_id: order_id ?? subjectOfSaleReference(shipment.saleReference)!, shipment },
    throwOnError: false,
  })
}
