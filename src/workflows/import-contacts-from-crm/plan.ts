import { createHash } from "node:crypto"
import type { CrmContactField } from "../../providers/types"
import { CONTACT_FIELDS, ContactFieldRule, contactRevision, CustomerForCrm, MEDUSA_FIELD } from "../sync-customer-to-crm/contact"

/** A contact as the CRM holds it now (the provider's CrmContactChange, with its time as text: workflow input). */
export type ContactChange = { externalId: string; reference: string | null; fields: Record<CrmContactField, string | null>; modifiedAt: string }

/** The Medusa customer a contact is linked to, with when it last changed and when the hub last sent it. */
export type LinkedCustomer = CustomerForCrm & { id: string; updated_at: string | Date; contact_record: { id: string; status: string; revision: string | null; synced_at: string | Date | null } | null }

type MedusaField = (typeof MEDUSA_FIELD)[CrmContactField]
export type CustomerUpdate = {
  customer_id: string
  update: Partial<Record<MedusaField, string | null>>
  /** The values the update replaces, for its compensation. */
  previous: Partial<Record<MedusaField, string | null>>
  /** The contact record's revision before, and the one the customer has after the update (what the CRM holds). */
  revision_before: string
  revision_after: string
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

/** A field's value as the hub compares it: e-mails in lower case, text trimmed, empty as none. */
const normal = (field: CrmContactField, v: string | null | undefined) => {
  const t = v?.trim() || null
  return t && field === "email" ? t.toLowerCase() : t
}

/** The customer's contact fields as the hub sends them (the company: the customer's, else its default address's). */
function oursOf(c: CustomerForCrm): Record<CrmContactField, string | null> {
  const addresses = (c.addresses ?? []).filter((a): a is NonNullable<typeof a> => !!a)
  const address = addresses.find((a) => a.is_default_shipping) ?? addresses[0]
  return {
    email: normal("email", c.email), firstName: normal("firstName", c.first_name), lastName: normal("lastName", c.last_name),
    phone: normal("phone", c.phone), company: normal("company", c.company_name) ?? normal("company", address?.company),
  }
}

/**
 * Conflict records keep no personal data: a customer field's values are kept as fingerprints, which tell whether two
 * values are the same without saying what they are (both systems hold the values themselves).
 */
export const fingerprint = (v: string | null) => (v === null ? null : `sha256:${createHash("sha256").update(v).digest("hex").slice(0, 12)}`)

/**
 * What the CRM's changed contacts do to Medusa's customers, field by field, by each field's rule:
 * - equal to Medusa's value: nothing (this is how the hub's own writes, coming back, are recognised);
 * - a contact last changed no later than the hub last sent it: nothing (the CRM has not changed it since; Medusa's
 *   newer value is on its way out);
 * - the CRM owns the field: Medusa takes the CRM's value;
 * - Medusa owns it: not applied, recorded as a conflict, and the contact is sent again;
 * - shared ("latest"): the later change wins; the loser is recorded as a conflict.
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
    const sentAt = customer.contact_record?.synced_at ? new Date(customer.contact_record.synced_at) : null
    const ours = oursOf(customer)
    const update: CustomerUpdate["update"] = {}
    const previous: CustomerUpdate["previous"] = {}
    let resend = false
    let differs = false
    for (const field of CONTACT_FIELDS) {
      const theirs = normal(field, change.fields[field])
      if (theirs === ours[field]) continue
      differs = true
      if (sentAt && theirsAt <= sentAt) continue
      const { owner, rule } = input.rules[field]
      const conflict = { entity: "customer" as const, entity_id: customer.id, field: MEDUSA_FIELD[field], rule }
      const crmWins = owner === "crm" || (owner === "latest" && theirsAt > oursAt)
      if (crmWins) {
        update[MEDUSA_FIELD[field]] = theirs
        previous[MEDUSA_FIELD[field]] = customer[MEDUSA_FIELD[field]] ?? null
        if (owner === "latest") {
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
      })
    }
  }
  return plan
}
