import { createHash } from "node:crypto"
import { IntegrationError } from "../../lib/errors"
import { LATEST_WINS } from "../../modules/integration-hub/options"
import type { CrmContactField, CrmContactInput, CrmContactResult } from "../../providers/types"

/** A Medusa customer (or a guest order's buyer) as the CRM flows read it. */
export type CustomerForCrm = {
  id: string | null
  email: string | null
  first_name?: string | null
  last_name?: string | null
  phone?: string | null
  company_name?: string | null
  has_account?: boolean | null
  addresses?: Array<{ company?: string | null; is_default_shipping?: boolean | null } | null> | null
}

export const CUSTOMER_FIELDS_FOR_CRM = ["id", "email", "first_name", "last_name", "phone", "company_name", "has_account", "addresses.company", "addresses.is_default_shipping"]

/** Medusa's customer fields by the CRM flows' names, for the source-of-truth option ("customer.phone": "crm"). */
export const MEDUSA_FIELD = { email: "email", firstName: "first_name", lastName: "last_name", phone: "phone", company: "company_name" } as const satisfies Record<CrmContactField, string>
export const CONTACT_FIELDS = Object.keys(MEDUSA_FIELD) as CrmContactField[]

/** A field's value as the hub compares it across systems: e-mails in lower case, text trimmed, empty as none. */
export const normalField = (field: CrmContactField, v: string | null | undefined) => {
  const t = v?.trim() || null
  return t && field === "email" ? t.toLowerCase() : t
}

/**
 * A value kept only to tell whether it changed (conflict records, the contact's baseline): a fingerprint, never the
 * personal data itself (both systems hold the values).
 */
export const fingerprint = (v: string | null) => (v === null ? null : `sha256:${createHash("sha256").update(v).digest("hex").slice(0, 12)}`)

/**
 * The fingerprints of the contact fields both sides agreed on when the hub last synced the contact (the common
 * ancestor of a three-way comparison): a side whose value differs from it has changed the field since.
 */
export type ContactBaseline = Partial<Record<CrmContactField, string | null>>
export const baselineOf = (fields: Record<CrmContactField, string | null>): ContactBaseline =>
  Object.fromEntries(CONTACT_FIELDS.map((f) => [f, fingerprint(fields[f])])) as ContactBaseline

/** Whether a side's value of the field differs from the baseline; unknown (no baseline yet) is null. */
export const changedSince = (baseline: ContactBaseline | null | undefined, field: CrmContactField, value: string | null): boolean | null =>
  baseline && field in baseline ? fingerprint(value) !== baseline[field] : null

/** The customer's contact fields as the hub sends them (the company: the customer's, else its default address's). */
export function contactFieldsOf(c: CustomerForCrm): Record<CrmContactField, string | null> {
  const addresses = (c.addresses ?? []).filter((a): a is NonNullable<typeof a> => !!a)
  const address = addresses.find((a) => a.is_default_shipping) ?? addresses[0]
  return {
    email: normalField("email", c.email), firstName: normalField("firstName", c.first_name), lastName: normalField("lastName", c.last_name),
    phone: normalField("phone", c.phone), company: normalField("company", c.company_name) ?? normalField("company", address?.company),
  }
}

/** The effect key of a customer's contact on a CRM connection (the customer.contact operation's). */
export const contactEffectKey = (customerId: string) => `customer:${customerId}:contact`

/**
 * The content revision of a customer's contact: what the CRM would be sent. Equal revisions mean nothing to send,
 * which is also how a change the hub took from the CRM is kept from being sent back to it.
 */
export function contactRevision(c: CustomerForCrm | null | undefined): string {
  const content = c ? [c.email, c.first_name, c.last_name, c.phone, c.company_name, c.has_account, (c.addresses ?? []).map((a) => a?.company ?? null)] : null
  return createHash("sha256").update(JSON.stringify(content)).digest("hex")
}

/**
 * The contact a customer becomes: our id as its stable reference (none for a guest, matched by e-mail), the
 * company from the customer's company name or, failing that, its default shipping address's (B2B stores).
 * A customer without an e-mail cannot be a contact: refused naming the customer and the field.
 */
export function contactOf(connectionId: string, c: CustomerForCrm, crmOwned: CrmContactField[], shared: { fields: CrmContactField[]; baseline: ContactBaseline | null } = { fields: [], baseline: null }): CrmContactInput {
  const fields = contactFieldsOf(c)
  if (!fields.email) {
    throw new IntegrationError(`Cannot sync customer ${c.id ?? "(guest)"} to ${connectionId}: it has no e-mail (field email), which the CRM matches contacts by`, {
      connectionId, code: "customer_no_email", retryable: false,
    })
  }
  const guest = !c.id || c.has_account === false
  // A field the CRM owns or shares that Medusa has not changed since the last sync is not sent: if the CRM holds
  // another value, that is the CRM's change (the contact import takes it), not something to overwrite.
  const unchanged = [...crmOwned, ...shared.fields].filter((f) => changedSince(shared.baseline, f, fields[f]) === false)
  return { reference: guest ? null : c.id, ...fields, email: fields.email, guest, crmOwned, ...(unchanged.length ? { unchanged } : {}) }
}

/** Who decides a contact field, and the option entry that says so (quoted in conflict records). */
export type ContactFieldRule = { owner: "medusa" | "crm" | typeof LATEST_WINS; rule: string }

/**
 * Each contact field's owner by the `sourceOfTruth` option ("customer.<field>", else "customer", else Medusa):
 * the connection's CRM (by kind or id), both with the latest change winning, or Medusa (any other owner).
 */
export function contactFieldRules(sourceOfTruth: Record<string, string>, connectionId: string): Record<CrmContactField, ContactFieldRule> {
  return Object.fromEntries(CONTACT_FIELDS.map((f) => {
    const key = `customer.${MEDUSA_FIELD[f]}`
    const [entry, value] = sourceOfTruth[key] !== undefined ? [`sourceOfTruth["${key}"]`, sourceOfTruth[key]] : ["sourceOfTruth.customer", sourceOfTruth.customer]
    const owner = value === "crm" || value === connectionId ? "crm" : value === LATEST_WINS ? LATEST_WINS : "medusa"
    return [f, { owner, rule: owner === LATEST_WINS ? `${entry} = "${LATEST_WINS}": the latest change wins` : `${entry} = "${value ?? "medusa"}"` }]
  })) as Record<CrmContactField, ContactFieldRule>
}

/** The contact fields the connection's CRM owns by the `sourceOfTruth` option ("customer" or "customer.<field>"). */
export function crmOwnedFields(sourceOfTruth: Record<string, string>, connectionId: string): CrmContactField[] {
  const rules = contactFieldRules(sourceOfTruth, connectionId)
  return CONTACT_FIELDS.filter((f) => rules[f].owner === "crm")
}

/** The contact fields Medusa and the connection's CRM share ("latest": the latest change wins). */
export function sharedFields(sourceOfTruth: Record<string, string>, connectionId: string): CrmContactField[] {
  const rules = contactFieldRules(sourceOfTruth, connectionId)
  return CONTACT_FIELDS.filter((f) => rules[f].owner === LATEST_WINS)
}

/** Whether changes made in the connection's CRM are taken into Medusa: some contact field is its, or shared. */
export function takesContactChanges(sourceOfTruth: Record<string, string>, connectionId: string): boolean {
  return Object.values(contactFieldRules(sourceOfTruth, connectionId)).some((r) => r.owner !== "medusa")
}

/**
 * After a contact upsert: the new baseline (a field the CRM kept, or that was not sent, keeps the CRM's value or the
 * old baseline; the rest is what Medusa sent or already shared) and the CRM edits this write replaced, as conflicts.
 * A replaced value the CRM had changed since the baseline was an edit of the CRM's that lost: to Medusa's ownership,
 * or to Medusa's later change of a shared field. Without a baseline nothing is called a conflict (no one can tell
 * which side changed).
 */
export function afterContactSync(input: {
  connectionId: string
  customerId: string
  contact: CrmContactInput
  baseline: ContactBaseline | null
  result: CrmContactResult
  rules: Record<CrmContactField, ContactFieldRule>
  updatedAt: string | Date
}): { baseline: ContactBaseline; conflicts: Array<{ entity: "customer"; entity_id: string; field: string; attempted_by: string; winner: string; rule: string; winning_value: string | null; losing_value: string | null; winning_at: Date | null; losing_at: Date }> } {
  const { contact, result } = input
  const kept = new Map(result.kept.map((k) => [k.field, k.crm]))
  const baseline: ContactBaseline = {}
  for (const f of CONTACT_FIELDS) {
    baseline[f] = kept.has(f) ? fingerprint(normalField(f, kept.get(f))) : contact.unchanged?.includes(f) && input.baseline ? input.baseline[f] ?? null : fingerprint(contact[f])
  }
  const losingAt = result.modifiedAt ? new Date(result.modifiedAt) : new Date()
  const conflicts = (result.replaced ?? [])
    .filter((r) => changedSince(input.baseline, r.field, normalField(r.field, r.crm)) === true)
    .map((r) => ({
      entity: "customer" as const, entity_id: input.customerId, field: MEDUSA_FIELD[r.field], attempted_by: input.connectionId, winner: "medusa",
      rule: input.rules[r.field].rule, winning_value: fingerprint(contact[r.field]), losing_value: fingerprint(normalField(r.field, r.crm)),
      winning_at: new Date(input.updatedAt), losing_at: losingAt,
    }))
  return { baseline, conflicts }
}

const WORDS: Record<CrmContactField, string> = { email: "e-mail", firstName: "first name", lastName: "last name", phone: "phone", company: "company" }

/** What the contact upsert did, in words: "contact 101 created (e-mail, first name)", "phone sent", "the CRM owns phone: kept". */
export function describeContact(result: CrmContactResult): string {
  const fields = result.sent.map((f) => WORDS[f]).join(", ")
  const what = result.created
    ? `contact ${result.externalId} created${fields ? ` (${fields})` : ""}`
    : `contact ${result.externalId} updated: ${fields ? `${fields} sent` : "nothing changed"}`
  const kept = result.kept.length ? `; the CRM owns ${result.kept.map((k) => WORDS[k.field]).join(", ")}: its value kept, ours not sent` : ""
  const batch = result.batchOf && result.batchOf > 1 ? ` (one batch call with ${result.batchOf - 1} other contact${result.batchOf > 2 ? "s" : ""})` : ""
  return `${what}${result.companyExternalId ? `, company ${result.companyExternalId}` : ""}${kept}${batch}`
}
