import type { MedusaContainer } from "@medusajs/framework/types"
import { SyncSkipped } from "../lib/errors"
import { ImportContactsPageResult, importContactsPageWorkflow } from "../workflows/import-contacts-from-crm"
import { contactEffectKey, takesContactChanges } from "../workflows/sync-customer-to-crm/contact"
import { processSyncRecord, requestEffect } from "./engine"
import { hubOf } from "./hub"
import type { OperationResult, OperationRun } from "./operations"

const IMPORT = { entity_type: "customer", operation: "import" } as const
/** How many customer ids a summary names (the counts are always complete). */
const NAMED = 5

type Totals = Omit<ImportContactsPageResult, "resend"> & { read: number }

/**
 * Takes the changes made in a CRM into Medusa (CRM → Medusa, for the customer fields the CRM owns or shares by the
 * sourceOfTruth option): the contacts changed since the last look, page by page (`contacts.batchSize`), each page
 * through the import-contacts-from-crm workflow. Contacts changed before the connection was first enabled are not
 * read (taking a CRM's history in is adoption, done on purpose). A CRM edit that lost to Medusa's value is sent
 * back over, so both sides agree again.
 */
export async function importContacts(container: MedusaContainer, run: OperationRun): Promise<OperationResult> {
  const hub = hubOf(container)
  const connection = hub.findConnection(run.connection_id)!
  const crm = hub.getProvider(run.connection_id, "crm")
  if (!crm.listContactChanges) {
    return { errors: [{ error: new SyncSkipped(`provider "${connection.provider}" cannot list changed contacts: nothing flows from ${connection.id} into Medusa`, "unsupported") }] }
  }
  const since = await hub.contactImportCursor(run.connection_id)
  const startAt = (await hub.ensureConnectionStates([run.connection_id])).get(run.connection_id)!.first_enabled_at
  const totals: Totals = { read: 0, applied: 0, conflicts: 0, unchanged: 0, unlinked: 0, unknown: [] }
  const resend = new Set<string>()
  let cursor: string | null = null
  for (let after: string | null = null, first = true; first || after; first = false) {
    const page = await crm.listContactChanges({ changedSince: since, startAt, after, limit: connection.contacts.batchSize })
    if (first) cursor = page.cursor
    after = page.next
    if (!page.contacts.length) continue
    const { result, errors } = await importContactsPageWorkflow(container).run({
      input: { connection_id: run.connection_id, changes: page.contacts.map((c) => ({ ...c, modifiedAt: c.modifiedAt.toISOString() })), shadow: run.shadow },
      throwOnError: false,
    })
    if (errors.length) throw errors[0].error
    const r = result as ImportContactsPageResult
    totals.read += page.contacts.length
    totals.applied += r.applied
    totals.conflicts += r.conflicts
    totals.unchanged += r.unchanged
    totals.unlinked += r.unlinked
    totals.unknown.push(...r.unknown)
    r.resend.forEach((id) => resend.add(id))
  }
  if (!run.shadow && cursor) await hub.saveContactImportCursor(run.connection_id, cursor)
  const requeued = await hub.requeueSettledRecords(run.connection_id, [...resend].map(contactEffectKey))
  for (const id of requeued) await processSyncRecord(container, id, { trigger: "sweep" })
  return { result: { status: "synced", summary: describeContactImport(connection.id, totals, resend.size, run.shadow) } }
}

/** "4 contacts changed in crm: 1 customer updated, 2 unchanged (…), 1 conflict recorded (…)". */
export function describeContactImport(connectionId: string, t: Totals, resent: number, shadow: boolean): string {
  if (!t.read) return `no contact changed in ${connectionId} since the last look`
  const parts = [
    `${t.applied} customer${t.applied === 1 ? "" : "s"} ${shadow ? "would be " : ""}updated`,
    ...(t.unchanged ? [`${t.unchanged} unchanged (the hub's own writes coming back, or nothing the hub reads)`] : []),
    ...(t.conflicts ? [`${t.conflicts} conflict${t.conflicts === 1 ? "" : "s"} ${shadow ? "found" : "recorded"} (GET /admin/integrations/conflicts?entity=customer)${resent ? `; Medusa's value sent again to ${resent} contact${resent === 1 ? "" : "s"}` : ""}`] : []),
    ...(t.unlinked ? [`${t.unlinked} contact${t.unlinked === 1 ? "" : "s"} without a Medusa customer id left alone`] : []),
    ...(t.unknown.length ? [`${t.unknown.length} naming customers Medusa does not have (${t.unknown.slice(0, NAMED).join(", ")}${t.unknown.length > NAMED ? ", …" : ""})`] : []),
  ]
  return `${t.read} contact${t.read === 1 ? "" : "s"} changed in ${connectionId}: ${parts.join(", ")}${shadow ? " (shadow mode: nothing written)" : ""}`
}

/** CRM connections whose changes come into Medusa: enabled, sharing or owning some customer field, able to list changes. */
function importingConnections(container: MedusaContainer) {
  const hub = hubOf(container)
  return hub.listConnections({ kind: "crm", enabledOnly: true }).filter((c) => takesContactChanges(hub.pluginOptions.sourceOfTruth, c.id) && !!hub.getProvider(c.id, "crm").listContactChanges)
}

/** The connection's contact import record (one per connection: each import is a run of it). */
export const contactImportRecord = async (container: MedusaContainer, connectionId: string) =>
  (await hubOf(container).listSyncRecords({ ...IMPORT, entity_id: connectionId, connection_id: connectionId }))[0] ?? null

/** Which connections the import effect of `connectionId` goes to: itself, when its changes come into Medusa. */
export const contactImportConnections = async (container: MedusaContainer, connectionId: string) =>
  importingConnections(container).some((c) => c.id === connectionId) ? [connectionId] : []

/** Starts each CRM's contact import that is due (`contacts.importEveryMinutes` after its last one); returns how many ran. */
export async function importContactsIfDue(container: MedusaContainer, now = Date.now()): Promise<number> {
  let ran = 0
  for (const c of importingConnections(container)) {
    if (c.contacts.importEveryMinutes === 0) continue
    const record = await contactImportRecord(container, c.id)
    if (record && !["synced", "skipped"].includes(record.status)) continue
    const last = record?.synced_at ?? record?.updated_at
    if (last && now - new Date(last).getTime() < c.contacts.importEveryMinutes * 60_000) continue
    await requestImport(container, c.id, "sweep")
    ran++
  }
  return ran
}

/** Staff asked: imports the connection's contact changes now; null when its changes do not come into Medusa. */
export async function importContactsNow(container: MedusaContainer, connectionId: string) {
  if (!importingConnections(container).some((c) => c.id === connectionId)) return null
  await requestImport(container, connectionId, "manual")
  return contactImportRecord(container, connectionId)
}

const requestImport = (container: MedusaContainer, connectionId: string, trigger: "sweep" | "manual") =>
  requestEffect(container, { ...IMPORT, entity_id: connectionId }, { trigger })
