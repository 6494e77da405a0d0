/** Keys whose values are credentials: never stored, never logged. */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|session|signature|credential|private[-_]?key/i
/** Keys whose values are personal data: redacted by default (GDPR data minimisation). */
const PERSONAL_KEY =
  /^(e-?mail|phone|mobile|fax|street|street2|address(_\d)?|address_line_?\d|line_?\d|city|postal_code|zip|zip_code|postcode|name|first_name|last_name|full_name|firstname|lastname|company_name|contact|value|rec_name)$/i
const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[a-z]{2,}/gi
/** International numbers (+…) and common national layouts (555-123-4567, (555) 123-4567, 06 12 34 56 78); not dates or ids. */
const PHONE = /\+\d[\d\s().-]{6,}\d|\(\d{2,4}\)\s?\d{3,4}[\s.-]\d{3,4}|\b\d{3}[\s.-]\d{3}[\s.-]\d{4}\b|\b\d{2,4}(?:[\s.]\d{2,4}){3,}\b/g

export const REDACTED = "[redacted]"

/** True for option or field names that hold credentials. */
export const isSecretKey = (key: string): boolean => SECRET_KEY.test(key)

const MAX_DEPTH = 8

/**
 * The literal credential values in an options object (e.g. a connection's `options`), to scrub from any text:
 * every string under a key that names a credential, at any depth (an OAuth block, a list of API keys).
 */
export function secretValues(options: Record<string, unknown>): string[] {
  const found = new Set<string>()
  // Only the objects on the current path: a cycle stops, a block shared by two keys is still read under each.
  const path = new Set<object>()
  const walk = (value: unknown, underSecret: boolean, depth: number): void => {
    if (typeof value === "string") {
      if (underSecret && value) found.add(value)
      return
    }
    if (value === null || typeof value !== "object" || depth >= MAX_DEPTH || path.has(value)) return
    path.add(value)
    if (Array.isArray(value)) for (const v of value) walk(v, underSecret, depth + 1)
    else for (const [k, v] of Object.entries(value)) walk(v, underSecret || isSecretKey(k), depth + 1)
    path.delete(value)
  }
  walk(options, false, 0)
  return [...found]
}
const MAX_STRING = 2_000

/**
 * A copy of `value` safe to store in an integration log: credentials and personal data replaced,
 * e-mail addresses and phone numbers removed from free text, long strings cut.
 * `secrets` are literal values (configured passwords, tokens) that must never survive anywhere.
 */
export function redact(value: unknown, secrets: readonly string[] = [], depth = 0): unknown {
  if (value === null || value === undefined) return value
  if (typeof value === "string") return redactString(value, secrets)
  if (typeof value !== "object") return value
  if (depth >= MAX_DEPTH) return "[truncated]"
  if (Array.isArray(value)) return value.map((v) => redact(v, secrets, depth + 1))
  const out: Record<string, unknown> = {}
  for (const [key, v] of Object.entries(value)) {
    if (SECRET_KEY.test(key)) {
      out[key] = v === null || v === undefined ? v : REDACTED
    } else if (PERSONAL_KEY.test(key) && (typeof v !== "object" || Array.isArray(v))) {
      out[key] = redactAll(v)
    } else {
      out[key] = redact(v, secrets, depth + 1)
    }
  }
  return out
}

/** Every value under a personal key: the shape stays, the content goes. */
function redactAll(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return value
  if (typeof value !== "object") return REDACTED
  if (depth >= MAX_DEPTH) return "[truncated]"
  if (Array.isArray(value)) return value.map((v) => redactAll(v, depth + 1))
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactAll(v, depth + 1)]))
}

export function redactString(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED)
  }
  out = out.replace(EMAIL, REDACTED).replace(PHONE, REDACTED)
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…[${out.length - MAX_STRING} more chars]` : out
}
