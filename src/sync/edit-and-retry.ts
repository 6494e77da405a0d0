import type { MedusaContainer } from "@medusajs/framework/types"
import { MedusaError } from "@medusajs/framework/utils"
import type { Corrections } from "../workflows/sync-order-to-erp/corrections"
import { hubOf } from "./hub"
import { syncOperation } from "./operations"
import { retrySyncRecordNow } from "./retry-now"

const REDACTED = "[redacted]"

/**
 * Edit-and-retry: a person corrects the data the error named (a line's SKU, an address field) for this one
 * record, and it runs again. The corrections are kept on the record (later runs send them too; a value of null
 * takes one back), Medusa's own data is left as it is, and the edit is audited: who, when, which fields, from
 * and to — with personal values replaced by "[redacted]".
 */
export async function correctSyncRecord(
  container: MedusaContainer,
  id: string,
  input: { corrections: Corrections; note?: string; retry: boolean; actorId: string | null }
) {
  const hub = hubOf(container)
  const [record] = await hub.listSyncRecords({ id })
  if (!record) throw new MedusaError(MedusaError.Types.NOT_FOUND, `Sync record "${id}" does not exist`)
  const label = `${record.entity_type} ${record.entity_id} → ${record.connection_id}`
  if (record.direction !== "out") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Sync record "${id}" applies an inbound event (${label}); its data comes from the vendor and cannot be edited here`)
  if (record.status === "synced" || record.status === "linked") throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Sync record "${id}" (${label}) is already synced; there is nothing to correct`)
  if (record.status === "running") throw new MedusaError(MedusaError.Types.CONFLICT, `Sync record "${id}" (${label}) is running right now; try again in a moment`)
  const editing = syncOperation(record.entity_type, record.operation).corrections
  if (!editing) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `Records of "${record.entity_type}.${record.operation}" have no editable data`)
  const wrong = Object.keys(input.corrections).filter((f) => !editing.isEditable(f))
  if (wrong.length) {
    throw new MedusaError(MedusaError.Types.INVALID_DATA, `Cannot correct ${wrong.map((f) => `"${f}"`).join(", ")} on ${label}: not an editable field of this record`)
  }

  const before = (record.corrections ?? {}) as Corrections
  const after: Corrections = { ...before }
  for (const [field, value] of Object.entries(input.corrections)) {
    if (value === null) delete after[field]
    else after[field] = value
  }
  const shown = (field: string, value: string | null | undefined) => (value == null ? null : editing.isPersonal(field) ? REDACTED : value)
  const changes = Object.keys(input.corrections)
    .filter((f) => (before[f] ?? null) !== (after[f] ?? null))
    .map((field) => ({ field, from: shown(field, before[field]), to: shown(field, after[field]) }))
  await hub.updateSyncRecords({ id, corrections: Object.keys(after).length ? after : null })
  await hub.createSyncAudits({ sync_record_id: id, action: "edit", actor_id: input.actorId, changes: { fields: changes }, note: input.note ?? null })
  if (!input.retry) return { record: (await hub.listSyncRecords({ id }))[0], retried: false, message: `Saved ${changes.length} correction(s) on ${label}` }
  return retrySyncRecordNow(container, id)
}
