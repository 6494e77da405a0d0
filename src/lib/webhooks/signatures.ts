import { createHmac, timingSafeEqual } from "node:crypto"
import { Webhook } from "standardwebhooks"

/** Request headers as Node gives them (lower-case names; a repeated header as an array). */
export type WebhookHeaders = Record<string, string | string[] | undefined>
export type SignatureFailure = "missing_signature" | "bad_signature" | "timestamp_out_of_tolerance"
export type SignatureVerdict =
  | { ok: true; id?: string; timestamp?: Date }
  | { ok: false; reason: SignatureFailure; message: string }

/** Standard Webhooks' tolerance between the sender's timestamp and our clock. */
export const STANDARD_WEBHOOKS_TOLERANCE_S = 300

/** Case-insensitive header read; the first value of a repeated header. */
export function headerValue(headers: WebhookHeaders, name: string): string | undefined {
  const wanted = name.toLowerCase()
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() === wanted) return Array.isArray(value) ? value[0] : value
  }
  return undefined
}

/** Constant-time comparison; strings of different lengths are unequal without throwing. */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

/** HMAC-SHA256 of the raw body, hex (default) or base64. */
export function signHmacSha256(rawBody: Buffer | string, secret: string | Buffer, encoding: "hex" | "base64" = "hex"): string {
  return createHmac("sha256", secret).update(rawBody).digest(encoding)
}

/** Verifies one HMAC-SHA256 signature over the raw body; `prefix` (e.g. "sha256=") is stripped when present. */
export function verifyHmacSha256(input: {
  rawBody: Buffer
  signature: string | undefined
  secret: string | Buffer
  encoding?: "hex" | "base64"
  prefix?: string
}): SignatureVerdict {
  let given = input.signature?.trim()
  if (!given) return { ok: false, reason: "missing_signature", message: "webhook signature header missing" }
  if (input.prefix && given.startsWith(input.prefix)) given = given.slice(input.prefix.length)
  const expected = signHmacSha256(input.rawBody, input.secret, input.encoding)
  return safeEqual(given, expected) ? { ok: true } : { ok: false, reason: "bad_signature", message: "webhook signature does not match the body" }
}

/**
 * Verifies a Standard Webhooks delivery (webhook-id, webhook-timestamp, webhook-signature "v1,<base64>", possibly
 * several; secret "whsec_<base64>"). The timestamp is checked here against `now` (testable); the signature is
 * computed by the `standardwebhooks` reference implementation and compared in constant time.
 */
export function verifyStandardWebhook(input: {
  rawBody: Buffer
  headers: WebhookHeaders
  secret: string
  toleranceSeconds?: number
  now?: Date
}): SignatureVerdict {
  const id = headerValue(input.headers, "webhook-id")
  const timestamp = headerValue(input.headers, "webhook-timestamp")
  const signatures = headerValue(input.headers, "webhook-signature")
  if (!id || !timestamp || !signatures) {
    return { ok: false, reason: "missing_signature", message: "webhook-id, webhook-timestamp and webhook-signature headers are required" }
  }
  const seconds = /^\d{1,12}$/.test(timestamp) ? Number(timestamp) : NaN
  const skew = Math.abs((input.now ?? new Date()).getTime() / 1000 - seconds)
  if (!(skew <= (input.toleranceSeconds ?? STANDARD_WEBHOOKS_TOLERANCE_S))) {
    return { ok: false, reason: "timestamp_out_of_tolerance", message: "webhook-timestamp is missing, malformed or outside the tolerance" }
  }
  let expected: string
  try {
    expected = new Webhook(input.secret).sign(id, new Date(seconds * 1000), input.rawBody).split(",")[1]
  } catch {
    return { ok: false, reason: "bad_signature", message: "webhook secret is not usable" }
  }
  const matches = signatures.split(" ").some((candidate) => {
    const [version, value] = candidate.split(",")
    return version === "v1" && value !== undefined && safeEqual(value, expected)
  })
  return matches
    ? { ok: true, id, timestamp: new Date(seconds * 1000) }
    : { ok: false, reason: "bad_signature", message: "webhook signature does not match the body" }
}

/** The headers a Standard Webhooks sender adds (the sandbox ERP, tests, the benchmark). */
export function signStandardWebhook(input: { id: string; timestamp: Date; rawBody: Buffer | string; secret: string }): Record<string, string> {
  return {
    "webhook-id": input.id,
    "webhook-timestamp": String(Math.floor(input.timestamp.getTime() / 1000)),
    "webhook-signature": new Webhook(input.secret).sign(input.id, input.timestamp, input.rawBody),
  }
}
