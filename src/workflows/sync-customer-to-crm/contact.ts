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
export function contactOf(connectionId: string, c: CustomerForCrm, crmOwned: CrmContactField[]): CrmContactInput {
  const email = c.email?.trim().toLowerCase()
  if (!email) {
    throw new IntegrationError(`Cannot sync customer ${c.id ?? "(guest)"} to ${connectionId}: it has no e-mail (field email), which the CRM matches contacts by`, {
      connectionId, code: "customer_no_email", retryable: false,
    })
  }
  const addresses = (c.addresses ?? []).filter((a): a is NonNullable<typeof a> => !!a)
  const address = addresses.find((a) => a.is_default_shipping) ?? addresses[0]
  const guest = !c.id || c.has_account === false
  return {
    reference: guest ? null : c.id,
    email,
    firstName: c.first_name?.trim() || null,
    lastName: c.last_name?.trim() || null,
    phone: c.phone?.trim() || null,
    company: c.company_name?.trim() || address?.company?.trim() || null,
    guest,
    crmOwned,
  }
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

/** Whether changes made in the connection's CRM are taken into Medusa: some contact field is its, or shared. */
export function takesContactChanges(sourceOfTruth: Record<string, string>, connectionId: string): boolean {
  return Object.values(contactFieldRules(sourceOfTruth, connectionId)).some((r) => r.owner !== "medusa")
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
