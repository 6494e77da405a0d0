import { IntegrationError } from "../lib/errors"
import type { ShipmentAddress } from "./types"

/** Countries whose carriers need a state or province on every address. */
const PROVINCE_REQUIRED = new Set(["US", "CA", "AU", "MX", "BR", "IN", "JP", "CN"])

/**
 * Refuses an address a carrier cannot ship from or to, naming the field and the fix: every carrier adapter checks
 * this before it calls the carrier. Returns the checked values: the country code (upper case), phone and postal code.
 */
export function requireShippableAddress(
  a: ShipmentAddress,
  role: "ship_to" | "ship_from",
  opts: { connectionId: string; carrier: string }
): { country: string; phone: string; postalCode: string } {
  const who = role === "ship_to" ? "the customer's shipping address" : "the stock location's address"
  const missing = (field: string, fix: string) =>
    new IntegrationError(`Cannot ship with ${opts.carrier}: ${who} has no ${field} (${role}). ${fix}, then retry.`, {
      connectionId: opts.connectionId, code: "shipment_address_incomplete", retryable: false,
    })
  const country = a.countryCode?.toUpperCase()
  if (!country) throw missing("country", "Add the country")
  const phone = a.phone?.trim()
  const postalCode = a.postalCode?.trim()
  if (!phone) throw missing("phone number", role === "ship_to" ? "Ask for a phone at checkout, or add it to the order's address" : "Add a phone to the stock location's address")
  if (!postalCode) throw missing("postal code", "Add the postal code")
  if (!a.street.trim()) throw missing("street", "Add the street")
  if (!a.city.trim()) throw missing("city", "Add the city")
  if (!a.province?.trim() && PROVINCE_REQUIRED.has(country)) throw missing("state or province", `Carriers need it in ${country}: add it`)
  return { country, phone, postalCode }
}
