/** What a CRM provider is given and answers: contacts and deals. */
import type { IntegrationProvider } from "./types"

/** A CRM: contacts and deals kept in step with the store. */
export interface CrmProvider extends IntegrationProvider {
  readonly kind: "crm"
  /**
   * Matched by our stable id (a property of the CRM's), then by e-mail; created when missing, and a conflict on
   * create is resolved by finding the record, never by a second one. Writes only the fields that differ from what
   * the CRM holds, and none of `crmOwned` that the CRM already has a value for (those are returned as `kept`).
   */
  upsertContact(input: CrmContactInput): Promise<CrmContactResult>
  /** Idempotent by `input.reference`: one deal per order; later calls move its stage and amount, nothing else. */
  upsertDeal(input: CrmDealInput): Promise<CrmDealResult>
  /**
   * Pages through the contacts changed in the CRM since `changedSince` (a cursor this method returned; null: since
   * `startAt`), oldest change first, for the hub to take the CRM's changes of the fields it owns (or shares, latest
   * wins). Our own writes come back here too: the hub recognises them. Optional: without it nothing flows CRM → Medusa.
   */
  listContactChanges?(page: CrmContactChangesRequest): Promise<CrmContactChangesPage>
  /**
   * Of these contacts or deals (the CRM's ids), those it still has (not deleted or archived). Optional: without it
   * reconciliation checks the hub's records of them only.
   */
  existingRecords?(type: "contact" | "deal", externalIds: string[]): Promise<Set<string>>
}

export type CrmContactChangesRequest = { changedSince: string | null; startAt: Date; after: string | null; limit: number }
export type CrmContactChangesPage = {
  contacts: CrmContactChange[]
  /** Pass as `after` for the next page; null on the last. */
  next: string | null
  /** Pass as `changedSince` next time (with a safety margin for the CRM's search index, so nothing is skipped). */
  cursor: string
}
/** A contact as the CRM holds it now, in the hub's field names, with when it last changed. */
export type CrmContactChange = {
  externalId: string
  /** Our customer id, when the contact carries it (contacts without it are not linked to a Medusa customer). */
  reference: string | null
  fields: Record<CrmContactField, string | null>
  modifiedAt: Date
}

/** The contact fields the hub writes, by the hub's names (the provider maps them to the CRM's). */
export type CrmContactField = "email" | "firstName" | "lastName" | "phone" | "company"
export type CrmContactInput = {
  /** Our stable id of the customer (the Medusa customer id); null for a guest checkout, matched by e-mail only. */
  reference: string | null
  email: string
  firstName: string | null
  lastName: string | null
  phone: string | null
  /** The customer's company (B2B): associated with the contact as a company record. */
  company: string | null
  guest: boolean
  /** Fields the CRM owns (the source-of-truth option): never overwritten once the CRM holds a value. */
  crmOwned?: CrmContactField[]
  /**
   * Fields not to write at all: Medusa has not changed them since the hub last synced the contact, so a different
   * value in the CRM is the CRM's own change (the hub's contact import takes it, by the source-of-truth rules).
   */
  unchanged?: CrmContactField[]
}
export type CrmContactResult = {
  externalId: string
  created: boolean
  /** The fields written by this call (none when the CRM already held every value). */
  sent: CrmContactField[]
  /** Writes not made because the CRM owns the field: its value won. */
  kept: Array<{ field: CrmContactField; crm: string; ours: string | null }>
  /** The CRM's values this call replaced (fields it held another value for), for the hub to tell concurrent edits. */
  replaced?: Array<{ field: CrmContactField; crm: string }>
  /** When the CRM last changed the contact before this call (an existing contact), ISO 8601. */
  modifiedAt?: string | null
  companyExternalId: string | null
  /** How many contacts shared the batch call that wrote this one, when it went in a batch. */
  batchOf?: number
}
export type CrmDealInput = {
  /** Our stable reference of the order, e.g. "medusa:order_01…": one deal per reference. */
  reference: string
  contactExternalId: string
  companyExternalId: string | null
  name: string
  /** What the order is worth now (net of refunds), a decimal string in major units. */
  amount: string
  currencyCode: string
  /** The order's state; the provider maps it to a stage of its configured pipeline. */
  state: "placed" | "canceled" | "refunded"
  closeDate: string | null
  /** Created with the deal, once. */
  lines: Array<{ sku: string | null; name: string; quantity: number; unitPrice: string }>
}
export type CrmDealResult = { externalId: string; created: boolean; stage: string; sent: string[] }
