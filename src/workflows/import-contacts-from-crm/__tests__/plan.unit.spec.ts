import { baselineOf, contactFieldRules, contactFieldsOf, contactRevision } from "../../sync-customer-to-crm/contact"
import { ContactChange, fingerprint, LinkedCustomer, planContactChanges } from "../plan"

const T = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s)).toISOString()
const ADA = { id: "cus_1", email: "ada@example.com", first_name: "Ada", last_name: "Lovelace", phone: "+44 1", company_name: null, has_account: true, addresses: [] }
/** What both sides held after the last sync (at T(11)): Ada as she is, unless a test says otherwise. */
const AGREED = baselineOf(contactFieldsOf(ADA))
const record = (over: Partial<NonNullable<LinkedCustomer["contact_record"]>> = {}) => ({ id: "isync_1", status: "synced", revision: "r", synced_at: T(11), baseline: AGREED, ...over })
const customer = (over: Partial<LinkedCustomer> = {}): LinkedCustomer => ({ ...ADA, updated_at: T(10), contact_record: record(), ...over })
const change = (fields: Partial<ContactChange["fields"]>, modifiedAt: string, reference: string | null = "cus_1"): ContactChange => ({
  externalId: "101", reference, modifiedAt,
  fields: { email: "ada@example.com", firstName: "Ada", lastName: "Lovelace", phone: "+44 1", company: null, ...fields },
})
const plan = (sourceOfTruth: Record<string, string>, changes: ContactChange[], customers = [customer()]) =>
  planContactChanges({ connectionId: "crm", rules: contactFieldRules(sourceOfTruth, "crm"), changes, customers })

describe("planContactChanges", () => {
  it("recognises the hub's own write coming back (values equal to Medusa's, whatever the CRM's time) and does nothing", () => {
    const p = plan({ customer: "latest" }, [change({ email: "ADA@example.com ", lastName: " Lovelace" }, T(30))])
    expect(p).toEqual({ updates: [], conflicts: [], resend: [], unchanged: 1, unlinked: 0, unknown: [] })
  })

  it("takes the CRM's value of a field the CRM owns, with the revision the customer will have and the new baseline, and records no conflict", () => {
    const p = plan({ customer: "medusa", "customer.phone": "crm" }, [change({ phone: "+44 2" }, T(30))])
    expect(p.updates).toEqual([{
      customer_id: "cus_1", update: { phone: "+44 2" }, previous: { phone: "+44 1" },
      revision_before: contactRevision(customer()), revision_after: contactRevision(customer({ phone: "+44 2" })),
      baseline_before: AGREED, baseline_after: baselineOf(contactFieldsOf({ ...ADA, phone: "+44 2" })),
    }])
    expect(p.conflicts).toEqual([])
  })

  it("refuses a CRM edit of a field Medusa owns: a conflict with fingerprints, not the values, and the contact sent again", () => {
    const p = plan({ customer: "medusa" }, [change({ lastName: "King" }, T(30))])
    expect(p.updates).toEqual([])
    expect(p.resend).toEqual(["cus_1"])
    expect(p.conflicts).toEqual([{
      entity: "customer", entity_id: "cus_1", field: "last_name", attempted_by: "crm", winner: "medusa", rule: 'sourceOfTruth.customer = "medusa"',
      winning_value: fingerprint("Lovelace"), losing_value: fingerprint("King"), winning_at: new Date(T(10)), losing_at: new Date(T(30)),
    }])
    expect(JSON.stringify(p.conflicts)).not.toMatch(/King|Lovelace/)
  })

  it("a shared field changed in the CRM only is taken, without a conflict: there was nothing to lose", () => {
    const p = plan({ customer: "latest" }, [change({ firstName: "Augusta" }, T(30))])
    expect(p.updates.map((u) => u.update)).toEqual([{ first_name: "Augusta" }])
    expect(p.conflicts).toEqual([])
  })

  it("a shared field changed on both sides: the later change wins and the loser is recorded, either way", () => {
    // Medusa renamed her Ann at T(20), after the last sync (its baseline still says Ada); HubSpot renamed her too.
    const medusaEarlier = customer({ first_name: "Ann", updated_at: T(20), contact_record: record({ status: "pending", synced_at: T(5) }) })
    const crmLater = plan({ customer: "latest" }, [change({ firstName: "Augusta" }, T(30))], [medusaEarlier])
    expect(crmLater.updates.map((u) => u.update)).toEqual([{ first_name: "Augusta" }])
    expect(crmLater.conflicts).toMatchObject([{ field: "first_name", winner: "crm", attempted_by: "medusa", rule: 'sourceOfTruth.customer = "latest": the latest change wins', winning_at: new Date(T(30)), losing_at: new Date(T(20)), losing_value: fingerprint("Ann") }])
    expect(crmLater.resend).toEqual([])

    const crmEarlier = plan({ customer: "latest" }, [change({ firstName: "Augusta" }, T(15))], [medusaEarlier])
    expect(crmEarlier.updates).toEqual([])
    expect(crmEarlier.conflicts).toMatchObject([{ field: "first_name", winner: "medusa", attempted_by: "crm", winning_at: new Date(T(20)), losing_at: new Date(T(15)), losing_value: fingerprint("Augusta") }])
    expect(crmEarlier.resend).toEqual(["cus_1"])
  })

  it("a field only Medusa changed is Medusa's change on its way out, whatever the CRM's time: nothing", () => {
    const p = plan({ customer: "crm" }, [change({}, T(40))], [customer({ phone: "+44 9", updated_at: T(35) })])
    expect(p).toMatchObject({ updates: [], conflicts: [], resend: [], unchanged: 0 })
  })

  it("without a baseline: a contact not changed since the hub last sent it is left alone; one changed after counts as changed on both sides", () => {
    const legacy = customer({ phone: "+44 9", contact_record: record({ baseline: null }) })
    expect(plan({ customer: "crm" }, [change({ phone: "+44 0" }, T(11))], [legacy])).toMatchObject({ updates: [], conflicts: [] })
    const after = plan({ customer: "crm" }, [change({ phone: "+44 0" }, T(12))], [legacy])
    expect(after.updates.map((u) => u.update)).toEqual([{ phone: "+44 0" }])
    expect(after.conflicts).toMatchObject([{ field: "phone", winner: "crm", attempted_by: "medusa" }])
  })

  it("per-field entries win over the entity's, and the conflict names the entry that decided", () => {
    const rules = contactFieldRules({ customer: "crm", "customer.email": "medusa" }, "crm")
    expect(rules.email).toEqual({ owner: "medusa", rule: 'sourceOfTruth["customer.email"] = "medusa"' })
    expect(rules.phone).toEqual({ owner: "crm", rule: 'sourceOfTruth.customer = "crm"' })
    // The kind names every CRM connection; another connection's id names that one only.
    expect(contactFieldRules({ customer: "crm" }, "hubspot-eu").phone.owner).toBe("crm")
    expect(contactFieldRules({ customer: "hubspot-us" }, "hubspot-eu").phone.owner).toBe("medusa")
    expect(contactFieldRules({ customer: "hubspot-eu" }, "hubspot-eu").phone.owner).toBe("crm")
  })

  it("leaves contacts without our id alone, reports ids Medusa does not have, and counts a contact listed twice once, as its latest", () => {
    const p = plan({ customer: "crm" }, [
      change({ phone: "+44 3" }, T(30), null),
      change({ phone: "+44 4" }, T(30), "cus_gone"),
      change({ phone: "+44 5" }, T(31)),
      change({ phone: "+44 6" }, T(32)),
    ])
    expect(p.unlinked).toBe(1)
    expect(p.unknown).toEqual(["cus_gone"])
    expect(p.updates.map((u) => u.update)).toEqual([{ phone: "+44 6" }])
  })
})
