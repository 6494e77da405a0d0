import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { isSamePlace } from "../address"
import { emailKey, likeLiteral } from "../text-match"
import type { ErpCustomerInput, ErpCustomerRef } from "../types"
import type { TrytonClient } from "./client"
import type { TrytonLookups } from "./lookups"
import { isSameAddress, toTrytonAddress } from "./mappers"
import { addressSchema } from "./types"

/** Customers are parties found by e-mail (in any case, never as a pattern), with the order's addresses on them. */
export class TrytonCustomers {
  constructor(private readonly client: TrytonClient, private readonly lookups: TrytonLookups) {}

  async upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    // Any case, as the hub locks per e-mail: `ilike` with the e-mail's wildcards escaped, then the same comparison
    // here, so no pattern (nor a backend's looser reading of one) takes another address. The oldest party wins.
    const found = z.array(z.object({ party: z.number().int(), value: z.string() })).parse(
      await this.client.model("party.contact_mechanism", "search_read", [
        [["type", "=", "email"], ["value", "ilike", likeLiteral(input.email.trim())]], 0, null, [["id", "ASC"]], ["party", "value"],
      ])
    ).filter((m) => emailKey(m.value) === emailKey(input.email))
    if (found.length) {
      const partyId = found[0].party
      const [shipping, billing] = await this.ensureAddresses(partyId, [input.shippingAddress, input.billingAddress])
      return { externalId: String(partyId), shippingAddressId: shipping, billingAddressId: billing, created: false }
    }
    const addresses = [input.shippingAddress]
    if (!isSamePlace(input.shippingAddress, input.billingAddress)) addresses.push(input.billingAddress)
    const values = await Promise.all(addresses.map(async (a) => toTrytonAddress(a, await this.lookups.countryId(a.countryCode))))
    const mechanisms: Array<Record<string, unknown>> = [{ type: "email", value: input.email }]
    if (input.phone) mechanisms.push({ type: "phone", value: input.phone })
    const [partyId] = await this.client.model<number[]>("party.party", "create", [
      [{ name: input.name, addresses: [["create", values]], contact_mechanisms: [["create", mechanisms]] }],
    ])
    const [shipping, billing] = await this.ensureAddresses(partyId, [input.shippingAddress, input.billingAddress])
    return { externalId: String(partyId), shippingAddressId: shipping, billingAddressId: billing, created: true }
  }

  async deleteCustomer(externalId: string): Promise<boolean> {
    try {
      await this.client.model("party.party", "delete", [[Number(externalId)]])
      return true
    } catch (err) {
      // Tryton refuses to delete a party something references (e.g. a sale): it stays, which is right.
      if (err instanceof IntegrationError && err.code === "tryton_user_error") return false
      throw err
    }
  }

  private async ensureAddresses(partyId: number, wanted: [ErpCustomerInput["shippingAddress"], ErpCustomerInput["billingAddress"]]): Promise<[string, string]> {
    const rows = await this.client.model<unknown[]>("party.address", "search_read", [
      [["party", "=", partyId]], 0, null, [["id", "ASC"]], ["id", "name", "street", "city", "postal_code", "country"],
    ])
    const existing = z.array(addressSchema).parse(rows)
    const ids: string[] = []
    for (const address of wanted) {
      let match = existing.find((e) => isSameAddress(e, address))
      if (!match) {
        const values = toTrytonAddress(address, await this.lookups.countryId(address.countryCode))
        const [id] = await this.client.model<number[]>("party.address", "create", [[{ ...values, party: partyId }]])
        match = { id, street: address.street, city: address.city, postal_code: address.postalCode, country: null }
        existing.push(match)
      }
      ids.push(String(match.id))
    }
    return [ids[0], ids[1]]
  }
}
