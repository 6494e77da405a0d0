import { MathBN } from "@medusajs/framework/utils"
import { isSamePlace } from "../address"
import type { ErpAddress, ErpOrderState, ErpSalesOrder } from "../types"
import type { TrytonAddress, TrytonDate, TrytonDateTime, TrytonDecimal, TrytonSale } from "./types"

/** A decimal string ("19.90") as Tryton's Decimal; rejects anything that is not a plain decimal. */
export function toTrytonDecimal(amount: string): TrytonDecimal {
  if (!/^-?\d+(\.\d+)?$/.test(amount)) throw new Error(`"${amount}" is not a decimal amount`)
  return { __class__: "Decimal", decimal: amount }
}

/** "2026-11-22" as Tryton's date. */
export function toTrytonDate(isoDate: string): TrytonDate {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate)
  const parsed = new Date(`${isoDate}T00:00:00Z`)
  const valid = m && !Number.isNaN(parsed.getTime()) && parsed.toISOString().startsWith(isoDate)
  if (!m || !valid) throw new Error(`"${isoDate}" is not an ISO date (YYYY-MM-DD)`)
  return { __class__: "date", year: Number(m[1]), month: Number(m[2]), day: Number(m[3]) }
}

/** An instant (ISO 8601) as Tryton's datetime, in UTC as Tryton stores create_date and write_date. */
export function toTrytonDateTime(iso: string): TrytonDateTime {
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) throw new Error(`"${iso}" is not an ISO date and time`)
  return {
    __class__: "datetime", year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(),
    hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(), microsecond: d.getUTCMilliseconds() * 1000,
  }
}

/** A Tryton address and a wanted one are the same place (street, postal code, city; case and spacing ignored). */
export function isSameAddress(existing: TrytonAddress, wanted: ErpAddress): boolean {
  return isSamePlace({ street: existing.street, city: existing.city, postalCode: existing.postal_code }, wanted)
}

/** Values for a new party.address; `country` is Tryton's id for the ISO code, when Tryton has it. */
export function toTrytonAddress(address: ErpAddress, country: number | null): Record<string, unknown> {
  return {
    name: address.name,
    street: address.street,
    postal_code: address.postalCode,
    city: address.city,
    country,
  }
}

/** Decimal places of a sale line's unit price in Tryton (its `price_decimal` default). */
export const TRYTON_PRICE_DIGITS = 4

/** The unit price that makes `quantity` units come to `netAmount`, with Tryton's price precision. */
export function netUnitPrice(netAmount: string, quantity: number): string {
  return MathBN.convert(netAmount).div(quantity).decimalPlaces(TRYTON_PRICE_DIGITS, 4 /* ROUND_HALF_UP */).toFixed(TRYTON_PRICE_DIGITS)
}

/** A sale as the hub's ERP interface names it. */
export function toErpOrder(sale: TrytonSale): ErpSalesOrder {
  return { externalId: String(sale.id), number: sale.number, reference: sale.reference ?? "", state: sale.state as ErpOrderState }
}

/** How messages name a sale: its number, or its id before it has one. */
export function saleLabel(sale: Pick<TrytonSale, "id" | "number">): string {
  return sale.number ? `#${sale.number}` : `id ${sale.id}`
}
