import { contactFieldRules, contactRevision } from "../../sync-customer-to-crm/contact"
import { ContactChange, fingerprint, LinkedCustomer, planContactChanges } from "../plan"

const T = (s: number) => new Date(Date.UTC(2026, 11, 2, 12, 0, s)).toISOString()
const customer = (over: Partial<LinkedCustomer> = {}): LinkedCustomer => ({
  id: "cus_1", email: "ada@example.com", first_name: "Ada", last_name: "Lovelace", phone: "+44 1", company_name: null, has_account: true, addresses: [],
  updated_at: T(10), contact_record: { id: "isync_1", status: "synced", revision: "r", synced_at: T(11) }, ...over,
})
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

  it("takes the CRM's value of a field the CRM owns, with the revision the customer will have, and records no conflict", () => {
    const p = plan({ customer: "medusa", "customer.phone": "crm" }, [change({ phone: "+44 2" }, T(30))])
    expect(p.updates).toEqual([{
      customer_id: "cus_1", update: { phone: "+44 2" }, previous: { phone: "+44 1" },
      revision_before: contactRevision(customer()), revision_after: contactRevision(customer({ phone: "+44 2" })),
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

  it("shared fields: the later change wins and the loser is recorded, either way", () => {
    const newer = plan({ customer: "latest" }, [change({ firstName: "Augusta" }, T(30))])
    expect(newer.updates.map((u) => u.update)).toEqual([{ first_name: "Augusta" }])
    expect(newer.conflicts).toMatchObject([{ field: "first_name", winner: "crm", attempted_by: "medusa", rule: 'sourceOfTruth.customer = "latest": the latest change wins', losing_at: new Date(T(10)) }])
    expect(newer.resend).toEqual([])

    // Medusa changed after the CRM (and its change is not sent yet: the record was last synced before the CRM's edit).
    const older = plan({ customer: "latest" }, [change({ firstName: "Augusta" }, T(20))], [customer({ updated_at: T(25), contact_record: { id: "isync_1", status: "pending", revision: "r", synced_at: T(5) } })])
    expect(older.updates).toEqual([])
    expect(older.conflicts).toMatchObject([{ field: "first_name", winner: "medusa", attempted_by: "crm", losing_at: new Date(T(20)), winning_at: new Date(T(25)) }])
    expect(older.resend).toEqual(["cus_1"])
  })

  it("a contact last changed before the hub last sent it is Medusa's change on its way, not a CRM edit: nothing", () => {
    const p = plan({ customer: "crm" }, [change({ phone: "+44 0" }, T(11))], [customer({ phone: "+44 9" })])
    expect(p).toMatchObject({ updates: [], conflicts: [], resend: [], unchanged: 0 })
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
