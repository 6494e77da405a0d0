import { IntegrationError } from "../../lib/errors"
import type { Parcel, ShipmentAddress, ShipmentRequest } from "../types"

/** The unit Medusa's variant weights are in (Medusa stores a bare number); the store says which. */
export type WeightUnit = "g" | "kg" | "lb" | "oz"
const GRAMS: Record<WeightUnit, number> = { g: 1, kg: 1000, lb: 453.59237, oz: 28.349523125 }

/** A Medusa address (cart, order or stock location) as read with query.graph or given to a fulfillment provider. */
export type MedusaAddress = {
  first_name?: string | null
  last_name?: string | null
  company?: string | null
  address_1?: string | null
  address_2?: string | null
  city?: string | null
  province?: string | null
  postal_code?: string | null
  country_code?: string | null
  phone?: string | null
}

/** A line to ship: its title for messages, and its variant's weight and dimensions (Medusa's units, as configured). */
export type LineToShip = {
  title: string
  quantity: number | string
  variant?: { title?: string | null; weight?: number | null; length?: number | null; width?: number | null; height?: number | null } | null
}

/**
 * What a carrier needs from a Medusa cart or order: both addresses and one parcel with the lines' total weight.
 * Refuses, naming the order (or cart) and the variant, a line without weight: "Cannot buy a label for order
 * #1042: variant 'Blue shirt / M' has no weight".
 */
export function shipmentFrom(input: {
  what: string
  connectionId: string
  to: MedusaAddress | null | undefined
  from: (MedusaAddress & { name?: string | null }) | null | undefined
  lines: LineToShip[]
  currencyCode: string
  weightUnit: WeightUnit
}): ShipmentRequest {
  const refuse = (message: string, code: string) => new IntegrationError(`${input.what}: ${message}`, { connectionId: input.connectionId, code, retryable: false })
  if (!input.to) throw refuse("it has no shipping address", "shipment_address_incomplete")
  if (!input.from) throw refuse("its stock location has no address (Settings › Locations)", "shipment_address_incomplete")
  let grams = 0
  for (const line of input.lines) {
    const weight = line.variant?.weight
    const name = line.variant?.title && line.variant.title !== line.title ? `${line.title} / ${line.variant.title}` : line.title
    if (!weight || weight <= 0) throw refuse(`variant '${name}' has no weight. Give it one in Medusa (in ${input.weightUnit}), then retry.`, "shipment_no_weight")
    grams += weight * GRAMS[input.weightUnit] * Number(line.quantity)
  }
  const parcel: Parcel = { weightGrams: Math.ceil(grams) }
  return { to: toShipmentAddress(input.to), from: toShipmentAddress(input.from), parcels: [parcel], currencyCode: input.currencyCode.toUpperCase() }
}

function toShipmentAddress(a: MedusaAddress & { name?: string | null }): ShipmentAddress {
  const name = [a.first_name, a.last_name].filter(Boolean).join(" ").trim() || a.name?.trim() || a.company?.trim() || ""
  return {
    name,
    company: a.company?.trim() || null,
    phone: a.phone?.trim() || null,
    street: [a.address_1, a.address_2].filter((l): l is string => !!l?.trim()).join("\n"),
    city: a.city?.trim() ?? "",
    province: a.province?.trim() || null,
    postalCode: a.postal_code?.trim() || null,
    countryCode: a.country_code?.toUpperCase() ?? null,
  }
}
