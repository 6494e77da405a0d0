/** The parts of an address that decide whether two are the same place. */
export type PlaceParts = { street: string | null; city: string | null; postalCode: string | null }

const normalize = (s: string | null | undefined) => (s ?? "").toLowerCase().replace(/\s+/g, " ").trim()

/** Same place for shipping purposes: street, postal code and city match, ignoring case and spacing. */
export function isSamePlace(a: PlaceParts, b: PlaceParts): boolean {
  return normalize(a.street) === normalize(b.street) && normalize(a.postalCode) === normalize(b.postalCode) && normalize(a.city) === normalize(b.city)
}
