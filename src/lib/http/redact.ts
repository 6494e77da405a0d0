/** Keys whose values are credentials: never stored, never logged. */
const SECRET_KEY = /pass(word)?|secret|token|api[-_]?key|authorization|cookie|session|signature|credential|private[-_]?key/i
/** Keys whose values are personal data: redacted by default (GDPR data minimisation). */
const PERSONAL_KEY =
  /^(e-?mail|phone|mobile|fax|street|street2|address(_\d)?|address_line_?\d|line_?\d|city|postal_code|zip|zip_code|postcode|name|first_name|last_name|full_name|firstname|lastname|company_name|contact|value|rec_name)$/i
const EMAIL = /[^\s@"'<>]+@[^\s@"'<>]+\.[a-z]{2,}/gi
const PHONE = /\+?\d[\d\s().-]{7,}\d/g

export const REDACTED = "[redacted]"
const MAX_DEPTH = 8
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
    if (SECRET_KEY.test(key) || (PERSONAL_KEY.test(key) && v !== null && typeof v !== "object")) {
      out[key] = v === null || v === undefined ? v : REDACTED
    } else {
      out[key] = redact(v, secrets, depth + 1)
    }
  }
  return out
}

export function redactString(text: string, secrets: readonly string[] = []): string {
  let out = text
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(REDACTED)
  }
  out = out.replace(EMAIL, REDACTED).replace(PHONE, REDACTED)
  return out.length > MAX_STRING ? `${out.slice(0, MAX_STRING)}…[${out.length - MAX_STRING} more chars]` : out
}
