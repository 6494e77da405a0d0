import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { TtlCache } from "../../lib/ttl-cache"
import { isSamePlace } from "../address"
import { emailKey, likeLiteral } from "../text-match"
import type { ErpCustomerInput, ErpCustomerRef } from "../types"
import type { TrytonClient } from "./client"
import type { TrytonLookups } from "./lookups"
import { isSameAddress, toTrytonAddress } from "./mappers"
import { addressSchema, TrytonAddress } from "./types"

/** How long a party found or created for an e-mail is used again without asking Tryton (dropped on any failure naming it). */
const PARTY_TTL_MS = 60_000

/** What is read of a party's address. */
const ADDRESS_FIELDS = ["id", "name", "street", "city", "postal_code", "country"]

/** A party and its addresses as the last sale found or made them. */
type KnownParty = { party: number; addresses: TrytonAddress[] }

/** A contact mechanism with its party's addresses, as a dotted read gives them. */
const mechanismSchema = z.object({
  party: z.number().int(),
  value: z.string(),
  "party.": z.object({ "addresses.": z.array(addressSchema).default([]) }).optional(),
})

/** Customers are parties found by e-mail (in any case, never as a pattern), with the order's addresses on them. */
export class TrytonCustomers {
  private readonly parties = new TtlCache<KnownParty>(PARTY_TTL_MS)

  constructor(private readonly client: TrytonClient, private readonly lookups: TrytonLookups) {}

  /**
   * A returning customer costs one call (the e-mail with the party's addresses, read through it), none within
   * PARTY_TTL_MS of the last sale; a new one three (look up, create with its addresses, read their ids).
   */
  async upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    const key = emailKey(input.email)
    const known = this.parties.get(key) ?? (await this.findParty(input.email))
    if (known) {
      const [shipping, billing] = await this.ensureAddresses(known, [input.shippingAddress, input.billingAddress])
      this.parties.set(key, known)
      return { externalId: String(known.party), shippingAddressId: shipping, billingAddressId: billing, created: false }
    }
    const addresses = [input.shippingAddress]
    if (!isSamePlace(input.shippingAddress, input.billingAddress)) addresses.push(input.billingAddress)
    const values = await Promise.all(addresses.map(async (a) => toTrytonAddress(a, await this.lookups.countryId(a.countryCode))))
    const mechanisms: Array<Record<string, unknown>> = [{ type: "email", value: input.email }]
    if (input.phone) mechanisms.push({ type: "phone", value: input.phone })
    const [partyId] = await this.client.model<number[]>("party.party", "create", [
      [{ name: input.name, addresses: [["create", values]], contact_mechanisms: [["create", mechanisms]] }],
    ])
    const rows = await this.client.model<unknown[]>("party.address", "search_read", [
      [["party", "=", partyId]], 0, null, [["id", "ASC"]], ADDRESS_FIELDS,
    ])
    const created = { party: partyId, addresses: z.array(addressSchema).parse(rows) }
    const [shipping, billing] = await this.ensureAddresses(created, [input.shippingAddress, input.billingAddress])
    this.parties.set(key, created)
    return { externalId: String(partyId), shippingAddressId: shipping, billingAddressId: billing, created: true }
  }

  /** Takes the party off the cache: a failure named it, or it was deleted. */
  forget(partyId: string): void {
    for (const [key, known] of this.parties.entries()) if (String(known.party) === partyId) this.parties.delete(key)
  }

  async deleteCustomer(externalId: string): Promise<boolean> {
    this.forget(externalId)
    try {
      await this.client.model("party.party", "delete", [[Number(externalId)]])
      return true
    } catch (err) {
      // Tryton refuses to delete a party something references (e.g. a sale): it stays, which is right.
      if (err instanceof IntegrationError && err.code === "tryton_user_error") return false
      throw err
    }
  }

  /**
   * The oldest party with this e-mail, with its addresses. Any case, as the hub locks per e-mail: `ilike` with the
   * e-mail's wildcards escaped, then the same comparison here, so no pattern (nor a backend's looser reading of
   * one) takes another address.
   */
  private async findParty(email: string): Promise<KnownParty | null> {
    const rows = await this.client.model<unknown[]>("party.contact_mechanism", "search_read", [
      [["type", "=", "email"], ["value", "ilike", likeLiteral(email.trim())]], 0, null, [["id", "ASC"]],
      ["party", "value", ...ADDRESS_FIELDS.map((f) => `party.addresses.${f}`)],
    ])
    const found = z.array(mechanismSchema).parse(rows).find((m) => emailKey(m.value) === emailKey(email))
    if (!found) return null
    return { party: found.party, addresses: [...(found["party."]?.["addresses."] ?? [])].sort((a, b) => a.id - b.id) }
  }

  /** The ids of the wanted addresses among the party's, each created when missing (and kept on `known`). */
  private async ensureAddresses(known: KnownParty, wanted: [ErpCustomerInput["shippingAddress"], ErpCustomerInput["billingAddress"]]): Promise<[string, string]> {
    const ids: string[] = []
    for (const address of wanted) {
      let match = known.addresses.find((e) => isSameAddress(e, address))
      if (!match) {
        const values = toTrytonAddress(address, await this.lookups.countryId(address.countryCode))
        const [id] = await this.client.model<number[]>("party.address", "create", [[{ ...values, party: known.party }]])
        match = { id, street: address.street, city: address.city, postal_code: address.postalCode, country: null }
        known.addresses.push(match)
      }
      ids.push(String(match.id))
    }
    return [ids[0], ids[1]]
  }
}
