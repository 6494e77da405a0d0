import type { CrmContactField } from "../../providers/types"
import {
  changedSince, CONTACT_FIELDS, ContactBaseline, contactFieldsOf, ContactFieldRule, contactRevision, CustomerForCrm, fingerprint, MEDUSA_FIELD, normalField,
} from "../sync-customer-to-crm/contact"

export { fingerprint }

/** A contact as the CRM holds it now (the provider's CrmContactChange, with its time as text: workflow input). */
export type ContactChange = { externalId: string; reference: string | null; fields: Record<CrmContactField, string | null>; modifiedAt: string }

/** The Medusa customer a contact is linked to, with when it last changed and when the hub last sent it. */
export type LinkedCustomer = CustomerForCrm & {
  id: string
  updated_at: string | Date
  contact_record: { id: string; status: string; revision: string | null; synced_at: string | Date | null; baseline: ContactBaseline | null } | null
}

type MedusaField = (typeof MEDUSA_FIELD)[CrmContactField]
export type CustomerUpdate = {
  customer_id: string
  update: Partial<Record<MedusaField, string | null>>
  /** The values the update replaces, for its compensation. */
  previous: Partial<Record<MedusaField, string | null>>
  /** The contact record's revision before, and the one the customer has after the update (what the CRM holds). */
  revision_before: string
  revision_after: string
  /** The contact's baseline before, and after (the fields both sides now hold). */
  baseline_before: ContactBaseline | null
  baseline_after: ContactBaseline
}

export type ContactConflict = {
  entity: "customer"
  entity_id: string
  field: string
  attempted_by: string
  winner: string
  rule: string
  winning_value: string | null
  losing_value: string | null
  winning_at: Date | null
  losing_at: Date
}

export type ContactPlan = {
  updates: CustomerUpdate[]
  conflicts: ContactConflict[]
  /** Customers whose Medusa value won over a CRM edit: their contact is sent again, so the CRM shows the winner. */
  resend: string[]
  /** Contacts equal to the customer (our own writes coming back, or nothing the hub reads changed). */
  unchanged: number
  /** Contacts without our customer id: not linked to a Medusa customer, left alone (never matched by guesswork). */
  unlinked: number
  /** Our ids on contacts whose customer Medusa no longer has. */
  unknown: string[]
}

/**
 * What the CRM's changed contacts do to Medusa's customers, field by field. A field whose values differ is compared
 * with the contact's baseline (what both sides held after the last sync) to see who changed it:
 * - only Medusa: nothing here (Medusa's change is on its way out) — this, and values equal to Medusa's, is how the
 *   hub's own writes coming back are recognised;
 * - only the CRM: taken if the CRM owns or shares the field; refused as a conflict if Medusa owns it (and the
 *   contact is sent again, so the CRM shows Medusa's value);
 * - both: the owner's value wins, or for a shared field the later change; the loser is recorded as a conflict.
 * Without a baseline (a contact last synced before the hub kept one), a contact not changed since the hub last
 * sent it is left alone, and any other difference is treated as a change on both sides.
 */
export function planContactChanges(input: {
  connectionId: string
  rules: Record<CrmContactField, ContactFieldRule>
  changes: ContactChange[]
  customers: LinkedCustomer[]
}): ContactPlan {
  const byId = new Map(input.customers.map((c) => [c.id, c]))
  const plan: ContactPlan = { updates: [], conflicts: [], resend: [], unchanged: 0, unlinked: 0, unknown: [] }
  // A contact listed twice (paging over a moving index) counts once, as its latest state.
  const latest = new Map<string, ContactChange>()
  for (const change of input.changes) {
    if (!change.reference) plan.unlinked++
    else if (!latest.has(change.reference) || latest.get(change.reference)!.modifiedAt < change.modifiedAt) latest.set(change.reference, change)
  }
  for (const [reference, change] of latest) {
    const customer = byId.get(reference)
    if (!customer) {
      plan.unknown.push(reference)
      continue
    }
    const theirsAt = new Date(change.modifiedAt)
    const oursAt = new Date(customer.updated_at)
    const record = customer.contact_record
    const sentAt = record?.synced_at ? new Date(record.synced_at) : null
    const baseline = record?.baseline ?? null
    const ours = contactFieldsOf(customer)
    const update: CustomerUpdate["update"] = {}
    const previous: CustomerUpdate["previous"] = {}
    const agreed: ContactBaseline = { ...baseline }
    let resend = false
    let differs = false
    for (const field of CONTACT_FIELDS) {
      const theirs = normalField(field, change.fields[field])
      if (theirs === ours[field]) {
        agreed[field] = fingerprint(theirs)
        continue
      }
      differs = true
      const theirsChanged = changedSince(baseline, field, theirs)
      if (theirsChanged === false || (theirsChanged === null && sentAt && theirsAt <= sentAt)) continue
      const oursChanged = changedSince(baseline, field, ours[field]) !== false
      const { owner, rule } = input.rules[field]
      const conflict = { entity: "customer" as const, entity_id: customer.id, field: MEDUSA_FIELD[field], rule }
      const crmWins = owner === "crm" || (owner === "latest" && (!oursChanged || theirsAt > oursAt))
      if (crmWins) {
        update[MEDUSA_FIELD[field]] = theirs
        previous[MEDUSA_FIELD[field]] = customer[MEDUSA_FIELD[field]] ?? null
        agreed[field] = fingerprint(theirs)
        if (oursChanged) {
          plan.conflicts.push({ ...conflict, attempted_by: "medusa", winner: input.connectionId, winning_value: fingerprint(theirs), losing_value: fingerprint(ours[field]), winning_at: theirsAt, losing_at: oursAt })
        }
      } else {
        plan.conflicts.push({ ...conflict, attempted_by: input.connectionId, winner: "medusa", winning_value: fingerprint(ours[field]), losing_value: fingerprint(theirs), winning_at: oursAt, losing_at: theirsAt })
        resend = true
      }
    }
    if (!differs) plan.unchanged++
    if (resend) plan.resend.push(customer.id)
    if (Object.keys(update).length) {
      plan.updates.push({
        customer_id: customer.id, update, previous,
        revision_before: contactRevision(customer),
        revision_after: contactRevision({ ...customer, ...update }),
        baseline_before: baseline,
        baseline_after: agreed,
      })
    }
  }
  return plan
}
