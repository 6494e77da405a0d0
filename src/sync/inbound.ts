import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError, Modules } from "@medusajs/framework/utils"
import { describeFailure } from "../lib/errors"
import { redactString } from "../lib/http/redact"
import { currentSyncContext } from "../lib/run-context"
import type { ConnectionKind } from "../providers/types"
import { applyErpSaleUpdateWorkflow } from "../workflows/apply-erp-sale-update"
import { applyTrackingUpdateWorkflow } from "../workflows/apply-tracking-update"
import { applyGatewayRefunds, applyPaymentIssue } from "./gateway-payments"
import { inventoryOwner } from "../modules/integration-hub/options"
import { hubOf } from "./hub"
import { importInventoryNow } from "./inventory-schedule"
import { applyErpShipment, SHIPMENT_DONE } from "./erp-shipments"
import type { OperationResult, OperationRun } from "./operations"

/** How long an event waits for the one before it about the same record, before its run is retried later. */
const SUBJECT_LOCK_TIMEOUT_S = 30

type StoredEvent = { id: string; type: string; occurred_at: string; data: Record<string, unknown> }
type InboundHandler = (container: MedusaContainer, input: { connection_id: string; sync_record_id: string; event: StoredEvent }) => Promise<OperationResult>

/**
 * What each kind's inbound events do in Medusa, by the hub's event type (providers translate vendor events
 * into these). A new inbound flow is its workflow plus one line here.
 */
export const INBOUND_HANDLERS: Partial<Record<ConnectionKind, Record<string, InboundHandler>>> = {
  erp: {
    "sale.updated": (container, { connection_id, event }) =>
      applyErpSaleUpdateWorkflow(container).run({
        input: { connection_id, event_id: event.id, occurred_at: event.occurred_at, data: event.data },
        throwOnError: false,
      }),
    "stock.changed": importStockOnEvent,
    // Not a webhook: the shipment import stores the shipments the ERP's warehouse completed as its events.
    [SHIPMENT_DONE]: applyErpShipment,
  },
  shipping: {
    "shipment.tracking": (container, { connection_id, event }) =>
      applyTrackingUpdateWorkflow(container).run({
        input: { connection_id, event_id: event.id, occurred_at: event.occurred_at, data: event.data },
        throwOnError: false,
      }),
  },
  payment: {
    "payment.refunded": applyGatewayRefunds,
    "payment.dispute_opened": applyPaymentIssue,
    "payment.dispute_closed": applyPaymentIssue,
    "payment.failed": applyPaymentIssue,
    "payment.canceled": applyPaymentIssue,
  },
}

/**
 * The ERP says its stock changed: the stock import runs now (incremental: it asks the ERP for the changes since the
 * last import, whatever the event names). The import is its own record, with its own retries; this event's record
 * says what it started. An ERP that does not own inventory (sourceOfTruth.inventory) changes nothing.
 */
async function importStockOnEvent(container: MedusaContainer, { connection_id }: { connection_id: string }): Promise<OperationResult> {
  const owner = inventoryOwner(hubOf(container).pluginOptions)
  if (owner?.id !== connection_id) {
    return { result: { status: "skipped", skip_code: "not_inventory_owner", summary: `connection "${connection_id}" does not own inventory (sourceOfTruth.inventory): the stock change was stored, nothing imported` } }
  }
  const record = await importInventoryNow(container, { trigger: "webhook" })
  const outcome = record?.status === "synced" ? record.result_summary : `the import is ${record?.status ?? "not recorded"}${record?.last_error ? `: ${record.last_error}` : ""} (it retries on its own)`
  return { result: { status: "synced", summary: `stock import started by the ERP's stock change: ${outcome}` } }
}

/**
 * Runs an inbound record: applies the stored webhook event it points at with its kind's handler, and writes
 * one `direction: "in"` log row for the application. An event nobody handles is kept and the record skipped.
 */
export async function applyInboundEvent(container: MedusaContainer, run: OperationRun): Promise<OperationResult> {
  const hub = hubOf(container)
  const [row] = await hub.listWebhookEvents({ sync_record_id: run.sync_record_id })
  if (!row?.payload || !row.event_type) {
    const error = new MedusaError(MedusaError.Types.NOT_FOUND, `Sync record ${run.sync_record_id} points at no stored webhook event; nothing to apply`)
    return { errors: [{ error }] }
  }
  const kind = hub.getConnection(run.connection_id).kind
  const handler = INBOUND_HANDLERS[kind]?.[row.event_type]
  if (!handler) {
    return { result: { status: "skipped", skip_code: "unhandled_event", summary: `no handler for ${kind} event "${row.event_type}": stored, nothing applied` } }
  }
  if (run.shadow) {
    return { result: { status: "skipped", skip_code: "shadow", summary: `shadow mode: ${row.event_type} verified and stored, not applied` } }
  }
  const event = { id: row.id, type: row.event_type, occurred_at: (row.occurred_at ?? row.created_at).toISOString(), data: row.payload }
  const started = Date.now()
  // Events about the same record are applied one at a time: each reads what the one before it wrote
  // (out-of-order checks, read-modify-write of the record), whatever the number of deliveries in flight.
  const subject = `integration-hub:${row.entity_type ?? "webhook_event"}:${row.entity_id ?? row.id}`
  let entered = false
  let result: OperationResult
  try {
    result = await container.resolve(Modules.LOCKING).execute(
      subject,
      () => {
        entered = true
        return handler(container, { connection_id: run.connection_id, sync_record_id: run.sync_record_id, event })
      },
      { timeout: SUBJECT_LOCK_TIMEOUT_S }
    )
  } catch (error) {
    if (entered) throw error
    const message = `Waited ${SUBJECT_LOCK_TIMEOUT_S} s for an earlier event about ${row.entity_type} ${row.entity_id} to be applied; will retry`
    result = { errors: [{ error: new MedusaError(MedusaError.Types.CONFLICT, message) }] }
  }
  const failure = result.errors?.length ? describeFailure(result.errors[0].error) : null
  await hub.writeCallLog({
    connection_id: run.connection_id,
    direction: "in",
    operation: `webhook.apply.${row.event_type}`,
    status: failure && !failure.skip ? "error" : "success",
    http_status: null,
    duration_ms: Date.now() - started,
    sync_record_id: run.sync_record_id,
    entity_type: row.entity_type,
    entity_id: row.entity_id,
    external_id: row.provider_event_id,
    attempt: currentSyncContext().attempt ?? null,
    request: { event_type: row.event_type },
    response: result.result ?? (failure?.skip ? { skipped: failure.message } : null),
    error: failure && !failure.skip ? redactString(failure.message, hub.connectionSecrets(run.connection_id)) : null,
  })
  return result
}
