import type { ZodType } from "@medusajs/framework/zod"
import { SimulatedFailures } from "../sandbox-failures"
import { IntegrationError } from "../../lib/errors"
import type { CallRecorder } from "../../lib/http/call-recorder"
import type { CrmContactField, CrmContactInput, CrmContactResult, CrmDealInput, CrmDealResult, CrmProvider, ProviderDeps, ProviderStateStore } from "../types"
import { assertProviderOptions } from "../validate-options"
import { SandboxCompany, SandboxContact, SandboxCrmOptions, sandboxCrmOptionsSchema, SandboxDeal } from "./types"

const WORDS: Record<string, string> = {
  testConnection: "test the connection",
  upsertContact: "find the contact by our customer id, then by e-mail, and write what changed (or create it)",
  upsertDeal: "find the order's deal by our reference and move its stage and amount (or create it with its lines)",
}

const CONTACT_FIELDS: CrmContactField[] = ["email", "firstName", "lastName", "phone", "company"]
const SEQ = { contact: "contact-seq", company: "company-seq", deal: "deal-seq" } as const
type Kind = keyof typeof SEQ

/** Where each record and each unique value's owner is kept in the connection's state. */
const key = {
  record: (kind: Kind, id: string) => `${kind}:${id}`,
  contactByRef: (reference: string) => `contact-by-ref:${reference}`,
  contactByEmail: (email: string) => `contact-by-email:${email.toLowerCase()}`,
  companyByName: (name: string) => `company-by-name:${name.trim().toLowerCase()}`,
  dealByRef: (reference: string) => `deal-by-ref:${reference}`,
  /** The n-th record of a kind created (for listing: the state store cannot list its keys). */
  slot: (kind: Kind, n: number) => `${kind}-list:${n}`,
  count: (kind: Kind) => `${kind}-count`,
  /** Taken with the state's atomic counter: only the first call to take it may set the index it guards. */
  claim: (index: string) => `claim:${index}`,
}

/**
 * DEVELOPMENT ONLY — a CRM that lives in the store's own database (the connection's provider state), for the demo
 * and tests. It keeps the promises the HubSpot provider keeps: contacts unique by our customer id and by e-mail,
 * matched in that order, written field by field (only what differs, never a field the CRM owns once it holds a
 * value), guests flagged until the customer signs up, companies by name created once, and one deal per order whose
 * later calls move only its stage and amount. Never point a production store at it.
 */
export class SandboxCrmProvider implements CrmProvider {
  static identifier = "sandbox-crm"
  static kind = "crm" as const
  readonly kind = "crm" as const

  private readonly options: SandboxCrmOptions
  private readonly state: ProviderStateStore
  private readonly recorder: CallRecorder
  private readonly connectionId: string
  /** Makes the next `count` calls fail (the admin sandbox-failures route uses this). */
  readonly simulatedFailures: SimulatedFailures

  static optionsSchema: ZodType = sandboxCrmOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(sandboxCrmOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = sandboxCrmOptionsSchema.parse(options)
    this.state = deps.state
    this.recorder = deps.createRecorder([])
    this.connectionId = deps.connection.id
    this.simulatedFailures = new SimulatedFailures(deps.state, { connectionId: deps.connection.id, name: "Sandbox CRM" }, this.options.allowFailureInjection)
    deps.logger.warn(`integration-hub: connection "${deps.connection.id}" uses the sandbox CRM, a development provider; do not use it in production`)
  }

  testConnection(): Promise<void> {
    return this.recorder.run("sandbox.testConnection", {}, () => this.simulatedFailures.throwIfDue("testConnection"))
  }

  externalUrl(): string | null {
    return null
  }

  describeCall(operation: string): string | null {
    return WORDS[operation.replace(/^sandbox\./, "")] ?? null
  }

  upsertContact(input: CrmContactInput): Promise<CrmContactResult> {
    return this.recorder.run("sandbox.upsertContact", input, async () => {
      await this.simulatedFailures.throwIfDue("upsertContact")
      const email = input.email.trim().toLowerCase()
      const wanted: Record<CrmContactField, string | null> = { email, firstName: input.firstName, lastName: input.lastName, phone: input.phone, company: input.company }
      const companyExternalId = input.company ? await this.ensureCompany(input.company) : null
      const existing = (input.reference ? await this.indexed<SandboxContact>("contact", key.contactByRef(input.reference)) : null) ?? (await this.indexed<SandboxContact>("contact", key.contactByEmail(email)))
      if (existing) return this.updateContact(existing, wanted, input, companyExternalId)

      const made = await this.createOnce("contact", key.contactByEmail(email), `the contact with e-mail ${email}`, async (id, now) => {
        if (input.reference) await this.bind(key.contactByRef(input.reference), id, `our customer id ${input.reference}`)
        const contact: SandboxContact = {
          id, reference: input.reference, ...wanted, email, guest: input.guest, companyIds: companyExternalId ? [companyExternalId] : [], updates: [], created_at: now, updated_at: now,
        }
        return contact
      })
      if (!made.created) {
        // Another call created it a moment ago (as HubSpot's 409 names the contact): update that one.
        return this.updateContact(made.record, wanted, input, companyExternalId)
      }
      return { externalId: made.record.id, created: true, sent: CONTACT_FIELDS.filter((f) => !!wanted[f]), kept: [], companyExternalId }
    }, (r) => r.externalId)
  }

  upsertDeal(input: CrmDealInput): Promise<CrmDealResult> {
    return this.recorder.run("sandbox.upsertDeal", input, async () => {
      await this.simulatedFailures.throwIfDue("upsertDeal")
      const stage = this.options.dealStages[input.state]
      const existing = await this.indexed<SandboxDeal>("deal", key.dealByRef(input.reference))
      if (existing) return this.moveDeal(existing, stage, input.amount)

      if (!(await this.record<SandboxContact>("contact", input.contactExternalId))) throw this.missing(`contact ${input.contactExternalId}`, input.reference)
      if (input.companyExternalId && !(await this.record<SandboxCompany>("company", input.companyExternalId))) throw this.missing(`company ${input.companyExternalId}`, input.reference)
      const made = await this.createOnce("deal", key.dealByRef(input.reference), `the deal of ${input.reference}`, async (id, now): Promise<SandboxDeal> => ({
        id, reference: input.reference, name: input.name, pipeline: this.options.pipeline, stage, amount: input.amount, currencyCode: input.currencyCode.toUpperCase(),
        closeDate: input.closeDate, contactId: input.contactExternalId, companyId: input.companyExternalId, lines: input.lines, updates: [], created_at: now, updated_at: now,
      }))
      // Created by another call a moment ago: that deal is this order's (HubSpot's 409 answer, resolved the same way).
      if (!made.created) return { externalId: made.record.id, created: false, stage, sent: [] }
      const sent = ["name", "pipeline", "stage", "amount", "currencyCode", "reference", ...(input.closeDate ? ["closeDate"] : []), ...(input.lines.length ? ["lines"] : [])]
      return { externalId: made.record.id, created: true, stage, sent }
    }, (r) => r.externalId)
  }

  // --- what the sandbox holds, for the demo and tests (not calls to the CRM: not logged) -------------------------

  contacts(): Promise<SandboxContact[]> {
    return this.all<SandboxContact>("contact")
  }

  companies(): Promise<SandboxCompany[]> {
    return this.all<SandboxCompany>("company")
  }

  deals(): Promise<SandboxDeal[]> {
    return this.all<SandboxDeal>("deal")
  }

  // --- internals ------------------------------------------------------------------------------------------------

  /** The fields that differ (except those the CRM owns and has a value for), our id once known, the guest flag. */
  private async updateContact(existing: SandboxContact, wanted: Record<CrmContactField, string | null>, input: CrmContactInput, companyExternalId: string | null): Promise<CrmContactResult> {
    const fields: Partial<Record<CrmContactField, string | null>> = {}
    const kept: CrmContactResult["kept"] = []
    for (const field of CONTACT_FIELDS) {
      const ours = wanted[field]
      const theirs = existing[field] ?? ""
      if ((ours ?? "") === theirs) continue
      if (input.crmOwned?.includes(field) && theirs) kept.push({ field, crm: theirs, ours })
      else fields[field] = ours
    }
    // As in HubSpot: a guest who signs up gets our id when matched by e-mail, and is no guest any more.
    const reference = input.reference && existing.reference !== input.reference ? input.reference : null
    const guest = input.guest && !input.reference && !existing.reference
    const changes = { ...fields, ...(reference ? { reference } : {}), ...(existing.guest !== guest ? { guest } : {}) }
    const associate = !!companyExternalId && !existing.companyIds.includes(companyExternalId)

    if (Object.keys(changes).length || associate) {
      if (fields.email) await this.bind(key.contactByEmail(fields.email), existing.id, `e-mail ${fields.email}`)
      if (reference) await this.bind(key.contactByRef(reference), existing.id, `our customer id ${reference}`)
      const now = new Date().toISOString()
      const updated: SandboxContact = {
        ...existing, ...fields, email: fields.email ?? existing.email, reference: reference ?? existing.reference, guest,
        companyIds: associate && companyExternalId ? [...existing.companyIds, companyExternalId] : existing.companyIds,
        updates: Object.keys(changes).length ? [...existing.updates, { at: now, fields: changes }] : existing.updates, updated_at: now,
      }
      await this.state.set(key.record("contact", existing.id), updated)
      if (fields.email) await this.release(key.contactByEmail(existing.email))
      if (reference && existing.reference) await this.release(key.contactByRef(existing.reference))
    }
    return { externalId: existing.id, created: false, sent: Object.keys(fields) as CrmContactField[], kept, companyExternalId }
  }

  /** A later call for the order: only its stage and amount move; says what it changed. */
  private async moveDeal(deal: SandboxDeal, stage: string, amount: string): Promise<CrmDealResult> {
    const changes: SandboxDeal["updates"][number]["fields"] = {}
    if (deal.stage !== stage) changes.stage = stage
    if (deal.amount !== amount) changes.amount = amount
    const sent = Object.keys(changes)
    if (sent.length) {
      const now = new Date().toISOString()
      await this.state.set(key.record("deal", deal.id), { ...deal, ...changes, updates: [...deal.updates, { at: now, fields: changes }], updated_at: now })
    }
    return { externalId: deal.id, created: false, stage, sent }
  }

  /** The company by its name (case-insensitive), created once. */
  private async ensureCompany(name: string): Promise<string> {
    const found = await this.indexed<SandboxCompany>("company", key.companyByName(name))
    if (found) return found.id
    const made = await this.createOnce("company", key.companyByName(name), `the company ${name}`, async (id, now): Promise<SandboxCompany> => ({ id, name: name.trim(), created_at: now }))
    return made.record.id
  }

  /**
   * Creates the record a unique value names once, however many calls race for it: the first to claim the value
   * creates it, the others find it — or, while it is still being written, are told to try again (retryable).
   */
  private async createOnce<T extends { id: string }>(kind: Kind, index: string, what: string, make: (id: string, now: string) => Promise<T>): Promise<{ record: T; created: boolean }> {
    if ((await this.state.next(key.claim(index))) !== 1) {
      const found = await this.indexed<T>(kind, index)
      if (found) return { record: found, created: false }
      throw new IntegrationError(`The sandbox CRM of connection "${this.connectionId}" is creating ${what} in another call at this moment; the hub tries again`, {
        connectionId: this.connectionId, code: "sandbox_crm_busy", retryable: true, httpStatus: 409,
      })
    }
    try {
      const record = await make(`sbx-${kind}-${await this.state.next(SEQ[kind])}`, new Date().toISOString())
      await this.state.set(key.record(kind, record.id), record)
      await this.state.set(index, { id: record.id })
      await this.state.set(key.slot(kind, await this.state.next(key.count(kind))), { id: record.id })
      return { record, created: true }
    } catch (err) {
      await this.state.delete(key.claim(index))
      throw err
    }
  }

  /** Makes `id` the owner of a unique value; another record holding it is a conflict (as HubSpot's 409 on a write). */
  private async bind(index: string, id: string, what: string): Promise<void> {
    if ((await this.state.next(key.claim(index))) === 1) return this.state.set(index, { id })
    const owner = await this.state.get<{ id: string }>(index)
    if (owner?.id === id) return
    if (!owner) {
      throw new IntegrationError(`The sandbox CRM of connection "${this.connectionId}" is writing ${what} for another contact at this moment; the hub tries again`, {
        connectionId: this.connectionId, code: "sandbox_crm_busy", retryable: true, httpStatus: 409,
      })
    }
    throw new IntegrationError(`The sandbox CRM of connection "${this.connectionId}" already has contact ${owner.id} with ${what}, so contact ${id} cannot take it: merge the two contacts (or correct the customer) and retry`, {
      connectionId: this.connectionId, code: "sandbox_crm_conflict", retryable: false, httpStatus: 409,
    })
  }

  private async release(index: string): Promise<void> {
    await this.state.delete(index)
    await this.state.delete(key.claim(index))
  }

  private async indexed<T>(kind: Kind, index: string): Promise<T | null> {
    const ref = await this.state.get<{ id: string }>(index)
    return ref ? this.record<T>(kind, ref.id) : null
  }

  private record<T>(kind: Kind, id: string): Promise<T | null> {
    return this.state.get<T>(key.record(kind, id))
  }

  /** Every record of a kind, oldest first (none is ever removed). */
  private async all<T>(kind: Kind): Promise<T[]> {
    const out: T[] = []
    for (let n = 1; ; n++) {
      const slot = await this.state.get<{ id: string }>(key.slot(kind, n))
      if (!slot) return out
      const found = await this.record<T>(kind, slot.id)
      if (found) out.push(found)
    }
  }

  private missing(what: string, reference: string): IntegrationError {
    return new IntegrationError(`Cannot create the deal of ${reference} in the sandbox CRM of connection "${this.connectionId}": it has no ${what}; sync the customer's contact first`, {
      connectionId: this.connectionId, code: "sandbox_crm_not_found", retryable: false, httpStatus: 404,
    })
  }
}
