import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import { cancelOrderWorkflow } from "@medusajs/medusa/core-flows"
import { describeFailure } from "../lib/errors"
import { redactString } from "../lib/http/redact"
import { isDone } from "../modules/integration-hub/models/sync-record"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { contactEffectKey } from "../workflows/sync-customer-to-crm/contact"
import { Corrections } from "../workflows/sync-order-to-erp/corrections"
import { replacementReference } from "../workflows/sync-order-to-erp/order-mapper"
import { replaceErpSaleWorkflow } from "../workflows/replace-erp-sale"
import type { DriftFix } from "./drift"
import { processSyncRecord } from "./engine"
import { hubOf } from "./hub"
import { importInventoryNow } from "./inventory-schedule"
import { syncOperation } from "./operations"

type ItemRow = Awaited<ReturnType<IntegrationHubModuleService["retrieveDriftItem"]>>
type RecordRow = Awaited<ReturnType<IntegrationHubModuleService["listSyncRecords"]>>[number]

/**
 * Applies one of a drift item's offered fixes, on a person's request, and keeps on the item who chose which and what
 * it did (or, to ignore, why). The item stays open when the fix fails, saying why.
 */
export async function applyDriftFix(container: MedusaContainer, id: string, input: { fix: DriftFix; reason?: string | null; actor_id: string | null }) {
  const hub = hubOf(container)
  const item = await hub.retrieveDriftItem(id)
  const fixes = item.fixes as unknown as DriftFix[]
  if (item.status !== "open") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Drift item ${id} is ${item.status} already`)
  if (!fixes.includes(input.fix)) {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `"${input.fix}" is not a fix this drift allows (${fixes.join(", ")}): ${item.message}`)
  }
  if (input.fix === "ignore" && !input.reason?.trim()) throw new MedusaError(MedusaError.Types.INVALID_DATA, `Say why this drift is ignored (reason): ${item.message}`)
  const note = input.fix === "ignore" ? input.reason!.trim() : await fix(container, item, input.fix)
  await hub.updateDriftItems({ id, status: input.fix === "ignore" ? "ignored" : "fixed", resolution: input.fix, note, actor_id: input.actor_id, resolved_at: new Date() })
  return hub.retrieveDriftItem(id)
}

async function fix(container: MedusaContainer, item: ItemRow, chosen: "resend" | "accept"): Promise<string> {
  const hub = hubOf(container)
  const details = (item.details ?? {}) as Record<string, unknown>
  if (item.kind === "stock") {
    const record = await importInventoryNow(container, { full: true })
    if (!record || !isDone(record.status)) throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The stock import did not finish: ${record?.last_error ?? "no ERP connection owns inventory"}`)
    return `took ${item.connection_id}'s figures: full stock import (${record.result_summary})`
  }
  if (item.kind === "contact" || item.kind === "deal") {
    // One deleted in the CRM is made again: its record forgets the old id (and, for a contact, what both sides held).
    const gone = typeof details.external_id === "string"
    if (gone && item.kind === "contact") await hub.saveBaseline(item.connection_id, contactEffectKey(item.entity_id), null)
    return describeRun(await runEffect(container, item.connection_id, item.entity_type, item.kind, item.entity_id, { reset: gone }))
  }
  if (item.entity_type !== "order") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Drift of kind "${item.kind}" has no fix but ignore`)
  if (chosen === "accept") {
    // sourceOfTruth.order is this ERP, and it cancelled the sale: the Medusa order follows.
    await cancelOrderWorkflow(container).run({ input: { order_id: item.entity_id, canceled_by: "integration-hub" } })
    return `canceled the Medusa order, as ${item.connection_id} (which owns orders) cancelled its sale`
  }
  if (item.kind === "state" && details.medusa === "canceled") {
    return describeRun(await runEffect(container, item.connection_id, "order", "cancel", item.entity_id, { reset: false }))
  }
  const [record] = await hub.listSyncRecords({ connection_id: item.connection_id, entity_type: "order", operation: "create", entity_id: item.entity_id })
  if ((item.kind === "total" || item.kind === "lines") && record && isDone(record.status) && record.external_id) return replaceSale(container, item, record, record.external_id)
  // The sale could not be looked up: the create runs again as it is (it looks up by our reference before it creates).
  if (item.kind === "unreadable") return describeRun(await runEffect(container, item.connection_id, "order", "create", item.entity_id, { reset: false }))
  return describeRun(await runEffect(container, item.connection_id, "order", "create", item.entity_id, { reset: true }))
}

/**
 * The ERP's sale no longer says what Medusa sold: Medusa's is made anew first, and the old one cancelled with the
 * ERP's own cancel only then (replace-erp-sale), so the order always has a live sale. A failure leaves the item open
 * and says which sales are live now.
 */
async function replaceSale(container: MedusaContainer, item: ItemRow, record: RecordRow, replacedId: string): Promise<string> {
  const { result, errors } = await replaceErpSaleWorkflow(container).run({
    input: { connection_id: item.connection_id, order_id: item.entity_id, sync_record_id: record.id, replaced_id: replacedId, corrections: record.corrections as Corrections | null },
    throwOnError: false,
  })
  if (!errors.length) return `made sale ${result.number ?? result.external_id} (${result.state}) from Medusa's order, then cancelled the old one: ${result.cancelled}`
  const hub = hubOf(container)
  const why = redactString(describeFailure(errors[0].error).message, hub.connectionSecrets(item.connection_id))
  const words = await afterFailedReplacement(container, item, record, replacedId, why)
  throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, words)
}

/**
 * What a failed replacement left, in words: read from the ERP, as its undo may have failed too. When the order has no
 * live sale any more, the order's sync record and the drift item say so as well, with what staff must do.
 */
async function afterFailedReplacement(container: MedusaContainer, item: ItemRow, record: RecordRow, replacedId: string, why: string): Promise<string> {
  const hub = hubOf(container)
  const erp = hub.getProvider(item.connection_id, "erp")
  const old = `Sale ${record.external_number ?? replacedId}`
  const reference = replacementReference(item.entity_id, replacedId)
  const state = await Promise.all([
    erp.getSalesOrder ? erp.getSalesOrder(replacedId).then((s) => !!s && s.state !== "cancelled") : Promise.resolve(true),
    erp.findSalesOrderByReference(reference),
  ]).catch((err: unknown) => describeFailure(err).message)
  if (typeof state === "string") {
    return `${old} may not have been replaced: ${why}. Whether it is still live could not be read (${state}): check it, and any sale with reference ${reference}, in ${item.connection_id} before fixing again`
  }
  const [oldLive, made] = state
  const madeName = made && `sale ${made.number ?? made.externalId}`
  if (oldLive && !made) return `${old} was not replaced and is still live in ${item.connection_id}, unchanged: ${why}`
  if (oldLive) return `${old} was not replaced, and the ${madeName} made to replace it could not be cancelled again: both are live in ${item.connection_id}. Cancel ${madeName} there, then fix again: ${why}`
  if (made) return `${old} is cancelled and ${madeName} replaces it, but the replacement did not finish: ${why}. Fix again: it finds ${madeName} and finishes`
  const words = `The order has no live sale in ${item.connection_id}: ${old} is cancelled and its replacement could not be made: ${why}. Fix again (this item stays open) to make the order's sale anew from Medusa`
  await hub.execute(`UPDATE sync_record SET result_summary = ?, updated_at = now() WHERE id = ?`, [words, record.id])
  await hub.updateDriftItems({ id: item.id, note: words })
  return words
}

/**
 * Runs the effect on this connection now (creating its record if it has none); `reset` first forgets the external
 * record it points to (deleted or replaced), so the run makes a new one.
 */
async function runEffect(container: MedusaContainer, connectionId: string, entityType: string, operation: string, entityId: string, opts: { reset: boolean }) {
  const hub = hubOf(container)
  const op = syncOperation(entityType, operation)
  const revision = op.revision ? await op.revision(container, entityId) : null
  const [record] = await hub.requestEffects([{ connection_id: connectionId, effect_key: op.effectKey(entityId), entity_type: entityType, entity_id: entityId, operation, external_ref: op.externalRef(entityId), revision }])
  if (opts.reset) {
    await hub.execute(
      // Its reference too: a replaced sale's record carries the replacement's, and the new one is made under the order's own.
      `UPDATE sync_record SET status = 'pending', external_id = NULL, external_number = NULL, external_ref = ?, synced_revision = NULL, attempts = 0, next_attempt_at = NULL, failing_since = NULL, skip_code = NULL, updated_at = now()
        WHERE id = ? AND status <> 'running'`,
      [op.externalRef(entityId), record.id]
    )
  } else if (isDone(record.status)) {
    await hub.requeueSettledRecords(connectionId, [op.effectKey(entityId)])
  }
  const after = await processSyncRecord(container, record.id, { force: true, trigger: "reconciliation" })
  if (!after || !isDone(after.status)) {
    throw new MedusaError(MedusaError.Types.UNEXPECTED_STATE, `The ${entityType} ${operation} on ${connectionId} did not go through (${after?.status ?? "record gone"}): ${after?.last_error ?? after?.result_summary ?? "see its sync record"}`)
  }
  return after
}

const describeRun = (r: { entity_type: string; operation: string; connection_id: string; result_summary: string | null }) => `${r.entity_type} ${r.operation} sent to ${r.connection_id} again: ${r.result_summary ?? "done"}`
