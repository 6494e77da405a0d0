/** What every carrier adapter checks before it calls the carrier: the addresses, and what a label ships. */
import { IntegrationError } from "../lib/errors"
import type { LabelRequest, ShipmentAddress } from "./types"

/** Countries whose carriers need a state or province on every address. */
const PROVINCE_REQUIRED = new Set(["US", "CA", "AU", "MX", "BR", "IN", "JP", "CN"])

/**
 * Refuses an address a carrier cannot ship from or to, naming the field and the fix: every carrier adapter checks
 * this before it calls the carrier. On a return (`isReturn`) the customer ships from and the stock location
 * receives, so the message names the right one. Returns the checked values: the country code (upper case), phone
 * and postal code.
 */
export function requireShippableAddress(
  a: ShipmentAddress,
  role: "ship_to" | "ship_from",
  opts: { connectionId: string; carrier: string; isReturn?: boolean }
): { country: string; phone: string; postalCode: string } {
  const customers = isCustomerAddress(role, opts.isReturn)
  const who = customers ? "the customer's shipping address" : "the stock location's address"
  const missing = (field: string, fix: string) =>
    new IntegrationError(`Cannot ship with ${opts.carrier}: ${who} has no ${field} (${role}). ${fix}, then retry.`, {
      connectionId: opts.connectionId, code: "shipment_address_incomplete", retryable: false,
    })
  const country = a.countryCode?.toUpperCase()
  if (!country) throw missing("country", "Add the country")
  const phone = a.phone?.trim()
  const postalCode = a.postalCode?.trim()
  if (!phone) throw missing("phone number", customers ? "Ask for a phone at checkout, or add it to the order's address" : "Add a phone to the stock location's address")
  if (!postalCode) throw missing("postal code", "Add the postal code")
  if (!a.street.trim()) throw missing("street", "Add the street")
  if (!a.city.trim()) throw missing("city", "Add the city")
  if (!a.province?.trim() && PROVINCE_REQUIRED.has(country)) throw missing("state or province", `Carriers need it in ${country}: add it`)
  return { country, phone, postalCode }
}

/** Whether the address in this role is the customer's: the recipient of a shipment, the sender of a return. */
export function isCustomerAddress(role: "ship_to" | "ship_from", isReturn = false): boolean {
  return (role === "ship_to") !== isReturn
}

/** What a label ships, as every carrier adapter keeps it for the label's tracking events. */
export type LabelSubject = { orderId: string; fulfillmentId: string | null; returnId: string | null; isReturn: boolean }

/**
 * Refuses a label request that does not say what it ships: an outbound label names its fulfillment, a return label
 * its return (their tracking events are applied to them). Checked before the carrier is called.
 */
export function requireLabelSubject(input: LabelRequest, opts: { connectionId: string; carrier: string }): LabelSubject {
  const isReturn = input.isReturn === true
  const { orderId, fulfillmentId, returnId } = input.subject
  const missing = (what: string, field: string) =>
    new IntegrationError(
      `Cannot buy ${isReturn ? "a return" : "a shipping"} label with ${opts.carrier} for ${input.reference}: the request names no ${what} of order ${orderId} (subject.${field}). Pass the Medusa ${what}'s id, then retry.`,
      { connectionId: opts.connectionId, code: "label_subject_incomplete", retryable: false }
    )
  if (isReturn && !returnId) throw missing("return", "returnId")
  if (!isReturn && !fulfillmentId) throw missing("fulfillment", "fulfillmentId")
  return { orderId, fulfillmentId: fulfillmentId ?? null, returnId: returnId ?? null, isReturn }
}

/**
 * Refuses the label found under a request's reference when it is of the other kind (an outbound label for a
 * return, or the reverse): handing it back would give the customer the wrong label. A reference names one thing.
 */
export function requireSameKindOfLabel(found: { labelId: string; isReturn: boolean }, subject: LabelSubject, reference: string, opts: { connectionId: string; carrier: string }): void {
  if (found.isReturn === subject.isReturn) return
  const [wanted, held] = subject.isReturn ? ["return", "outbound"] : ["outbound", "return"]
  throw new IntegrationError(
    `Cannot buy the ${wanted} label for ${reference} with ${opts.carrier}: it already holds ${held} label ${found.labelId} under that reference. ` +
      `Give each fulfillment and each return its own reference (e.g. "medusa:<return id>"), then retry.`,
    { connectionId: opts.connectionId, code: "label_reference_conflict", retryable: false }
  )
}
