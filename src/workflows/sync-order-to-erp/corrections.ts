import type { OrderForErp } from "./order-mapper"

/** Corrections staff made to an order's data for one sync (edit-and-retry): field path → value; null removes one. */
export type Corrections = Record<string, string | null>

export type EditableField = {
  field: string
  /** In words: "SKU of line 'Blue shirt'", "Shipping address: postal code". */
  label: string
  /** The value the sync sends now: the correction if there is one, else Medusa's. */
  value: string | null
  corrected: boolean
}

const ADDRESS_FIELDS = ["first_name", "last_name", "company", "address_1", "address_2", "city", "postal_code", "country_code", "phone"] as const
type AddressField = (typeof ADDRESS_FIELDS)[number]
const ADDRESS_WORDS: Record<AddressField, string> = {
  first_name: "first name", last_name: "last name", company: "company", address_1: "street", address_2: "street (line 2)",
  city: "city", postal_code: "postal code", country_code: "country code", phone: "phone",
}
const ITEM_SKU = /^items\.([^.]+)\.variant_sku$/
const ADDRESS = new RegExp(`^(shipping_address|billing_address)\\.(${ADDRESS_FIELDS.join("|")})$`)

/** Fields of an order a sync to the ERP can be corrected in: a line's SKU, either address's fields, the e-mail. */
export function isEditableOrderField(field: string): boolean {
  return ITEM_SKU.test(field) || ADDRESS.test(field) || field === "email"
}

/** Everything but a SKU is personal data: the audit log keeps the field, not the value. */
export const isPersonalOrderField = (field: string) => !ITEM_SKU.test(field)

/** The order with the corrections laid over it (a copy; Medusa's data is not changed). Pure. */
export function applyOrderCorrections<T extends OrderForErp>(order: T, corrections: Corrections | null | undefined): T {
  if (!corrections || !Object.keys(corrections).length) return order
  const next: T = { ...order, items: order.items?.map((i) => (i ? { ...i } : i)) ?? order.items }
  for (const [field, value] of Object.entries(corrections)) {
    if (value === null) continue
    const sku = ITEM_SKU.exec(field)
    const address = ADDRESS.exec(field)
    if (sku) {
      const item = next.items?.find((i) => i?.id === sku[1])
      if (item) item.variant_sku = value
    } else if (address) {
      const key = address[1] as "shipping_address" | "billing_address"
      next[key] = { ...(next[key] ?? {}), [address[2]]: value }
    } else if (field === "email") {
      next.email = value
    }
  }
  return next
}

/** What staff can correct on this order, with the values the sync would send now. */
export function editableOrderFields(order: OrderForErp, corrections: Corrections | null | undefined): EditableField[] {
  const current = applyOrderCorrections(order, corrections)
  const corrected = (field: string) => corrections?.[field] !== undefined && corrections[field] !== null
  const fields: EditableField[] = (current.items ?? []).flatMap((item) =>
    item ? [{ field: `items.${item.id}.variant_sku`, label: `SKU of line '${item.title || item.product_title || item.id}'`, value: item.variant_sku ?? null }] : []
  ).map((f) => ({ ...f, corrected: corrected(f.field) }))
  for (const key of ["shipping_address", "billing_address"] as const) {
    for (const name of ADDRESS_FIELDS) {
      const field = `${key}.${name}`
      const label = `${key === "shipping_address" ? "Shipping" : "Billing"} address: ${ADDRESS_WORDS[name]}`
      fields.push({ field, label, value: current[key]?.[name] ?? null, corrected: corrected(field) })
    }
  }
  fields.push({ field: "email", label: "Customer e-mail", value: current.email ?? null, corrected: corrected("email") })
  return fields
}
