import { z } from "@medusajs/framework/zod"
import { IntegrationError } from "../../lib/errors"
import { isSamePlace } from "../address"
import type { ErpAddress, ErpCustomerInput, ErpCustomerRef } from "../types"
import { emailKey, likeLiteral } from "../text-match"
import { OdooClient } from "./client"

/** Customers are partners found by e-mail (in any case, never as a pattern), with delivery and invoice addresses. */
export class OdooCustomers {
  private readonly countries = new Map<string, number>()

  constructor(private readonly client: OdooClient) {}

  async upsertCustomer(input: ErpCustomerInput): Promise<ErpCustomerRef> {
    // Any case, as the hub locks per e-mail: `=ilike` with the e-mail's wildcards escaped, then the same comparison
    // here, so no pattern takes another address. The oldest partner wins.
    const found = z.array(z.object({ id: z.number().int(), email: z.union([z.string(), z.literal(false)]) })).parse(
      await this.client.call("res.partner", "search_read", {
        params: { domain: [["email", "=ilike", likeLiteral(input.email.trim())], ["parent_id", "=", false]], fields: ["id", "email"], order: "id asc" },
      })
    )
    let partnerId = found.find((p) => p.email !== false && emailKey(p.email) === emailKey(input.email))?.id
    const created = partnerId === undefined
    if (partnerId === undefined) {
      ;[partnerId] = await this.client.call<number[]>("res.partner", "create", {
        params: { vals_list: [{ name: input.name, email: input.email, phone: input.phone || false, type: "contact" }] },
      })
    }
    const shipping = await this.ensureAddress(partnerId, "delivery", input.shippingAddress)
    const billing = isSamePlace(input.shippingAddress, input.billingAddress) ? shipping : await this.ensureAddress(partnerId, "invoice", input.billingAddress)
    return { externalId: String(partnerId), shippingAddressId: String(shipping), billingAddressId: String(billing), created }
  }

  async deleteCustomer(externalId: string): Promise<boolean> {
    try {
      await this.client.call("res.partner", "unlink", { ids: [Number(externalId)] })
      return true
    } catch (err) {
      // Odoo refuses to delete a partner something references (a sale): it stays, which is right.
      if (err instanceof IntegrationError && !err.retryable) return false
      throw err
    }
  }

  private async ensureAddress(partnerId: number, type: "delivery" | "invoice", address: ErpAddress): Promise<number> {
    const fields = ["id", "street", "zip", "city"]
    const domain = [["parent_id", "=", partnerId], ["type", "=", type]]
    const rows = await this.client.call<Array<{ id: number; street: string | false; zip: string | false; city: string | false }>>("res.partner", "search_read", {
      params: { domain, fields, order: "id asc" },
    })
    const match = rows.find((r) => isSamePlace({ street: r.street || "", postalCode: r.zip || null, city: r.city || "" }, address))
    if (match) return match.id
    const countryId = address.countryCode ? await this.countryId(address.countryCode) : null
    const [street, ...rest] = address.street.split("\n")
    const [id] = await this.client.call<number[]>("res.partner", "create", {
      params: { vals_list: [{ parent_id: partnerId, type, name: address.name, street, street2: rest.join(", ") || false, city: address.city, zip: address.postalCode || false, country_id: countryId ?? false }] },
    })
    return id
  }

  private async countryId(code: string): Promise<number | null> {
    const key = code.toUpperCase()
    if (this.countries.has(key)) return this.countries.get(key)!
    const domain = [["code", "=", key]]
    const [row] = await this.client.call<Array<{ id: number }>>("res.country", "search_read", { params: { domain, fields: ["id"], limit: 1 } })
    if (row) this.countries.set(key, row.id)
    return row?.id ?? null
  }
}
