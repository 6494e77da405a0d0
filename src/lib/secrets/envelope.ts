import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from "node:crypto"
import { MedusaError } from "@medusajs/framework/utils"

/**
 * Envelope encryption of connection secrets (n8n's two layers): each secret is AES-256-GCM-encrypted under a data
 * key, with a random 96-bit IV per value and the connection id and field name as associated data (a value moved to
 * another connection or field does not decrypt); data keys are kept in the database wrapped — AES-256-GCM again —
 * under a key-encryption key derived from the plugin's `encryptionKey`. Rotating a data key re-encrypts values
 * with a new one; a new `encryptionKey` only re-wraps the data keys. Nothing here logs or echoes a secret.
 */

/**
 * A value that cannot be read back (damaged, tampered with, under another key, moved) or kept (no encryptionKey).
 * Never holds the secret. A MedusaError, so an admin route answers it in these words (400), not as a 500.
 */
export class SecretError extends MedusaError {
  constructor(message: string) {
    super(MedusaError.Types.NOT_ALLOWED, message)
    this.name = "SecretError"
  }
}

const ALGORITHM = "aes-256-gcm"
const IV_BYTES = 12
const TAG_BYTES = 16
const VERSION = "v1"

/** The key-encryption key of an `encryptionKey` (32 bytes), by HKDF-SHA256, and its fingerprint (safe to store and show). */
export function keyEncryptionKey(encryptionKey: Buffer): { key: Buffer; fingerprint: string } {
  if (encryptionKey.length !== 32) throw new SecretError("encryptionKey must be 32 bytes")
  const key = Buffer.from(hkdfSync("sha256", encryptionKey, "medusa-integration-hub", "key-encryption-key v1", 32))
  return { key, fingerprint: createHmac("sha256", key).update("fingerprint").digest("hex").slice(0, 16) }
}

/** A fresh data key (32 random bytes). */
export const newDataKey = (): Buffer => randomBytes(32)

function seal(key: Buffer, plaintext: Buffer, aad: string): string {
  const iv = randomBytes(IV_BYTES)
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES })
  cipher.setAAD(Buffer.from(aad, "utf8"))
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()])
  return [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64")).join(".")
}

function open(key: Buffer, sealed: string, aad: string): Buffer | null {
  const parts = sealed.split(".")
  if (parts.length !== 3) return null
  const [iv, tag, body] = parts.map((p) => Buffer.from(p, "base64"))
  if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES) return null
  try {
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES })
    decipher.setAAD(Buffer.from(aad, "utf8"))
    decipher.setAuthTag(tag)
    return Buffer.concat([decipher.update(body), decipher.final()])
  } catch {
    return null
  }
}

/** A data key as the database keeps it: wrapped under the key-encryption key whose fingerprint it names. */
export type WrappedDataKey = { id: string; wrapped: string; kek_fingerprint: string }

export function wrapDataKey(kek: { key: Buffer; fingerprint: string }, id: string, dataKey: Buffer): WrappedDataKey {
  return { id, wrapped: seal(kek.key, dataKey, `data-key:${id}`), kek_fingerprint: kek.fingerprint }
}

export function unwrapDataKey(kek: { key: Buffer; fingerprint: string }, stored: WrappedDataKey): Buffer {
  // Fingerprints are not secret: they only tell which encryptionKey wrapped a data key.
  if (stored.kek_fingerprint !== kek.fingerprint) {
    throw new SecretError(
      `Data key "${stored.id}" was wrapped under another encryptionKey (fingerprint ${stored.kek_fingerprint}; the configured one is ${kek.fingerprint}): ` +
        `configure the encryptionKey it was made with, or re-wrap the data keys from the old one`
    )
  }
  const key = open(kek.key, stored.wrapped, `data-key:${stored.id}`)
  if (!key || key.length !== 32) throw new SecretError(`Data key "${stored.id}" is damaged or was tampered with: it does not decrypt under the configured encryptionKey`)
  return key
}

/** A data key re-wrapped under a new key-encryption key (a new `encryptionKey`); the secrets under it are untouched. */
export const rewrapDataKey = (from: { key: Buffer; fingerprint: string }, to: { key: Buffer; fingerprint: string }, stored: WrappedDataKey): WrappedDataKey =>
  wrapDataKey(to, stored.id, unwrapDataKey(from, stored))

const aadOf = (connectionId: string, field: string) => `secret:${connectionId}\u0000${field}`

/** One secret value, encrypted: `v1.<data key id>.<iv>.<tag>.<ciphertext>` (base64 parts). */
export function encryptSecret(dataKey: { id: string; key: Buffer }, connectionId: string, field: string, plaintext: string): string {
  return `${VERSION}.${dataKey.id}.${seal(dataKey.key, Buffer.from(plaintext, "utf8"), aadOf(connectionId, field))}`
}

/** The data key id a stored value was encrypted under (to rotate what is under an old one). */
export function dataKeyIdOf(stored: string): string | null {
  const [version, id] = stored.split(".")
  return version === VERSION && id ? id : null
}

/** Reads a secret back; refuses in words, naming the connection and the field, what cannot be read. */
export function decryptSecret(dataKeys: (id: string) => Buffer | undefined, connectionId: string, field: string, stored: string): string {
  const [version, id, ...sealed] = stored.split(".")
  const where = `the secret "${field}" of connection "${connectionId}"`
  if (version !== VERSION || !id || sealed.length !== 3) throw new SecretError(`${where} is not an encrypted value this plugin wrote`)
  const key = dataKeys(id)
  if (!key) throw new SecretError(`${where} was encrypted under data key "${id}", which this store does not have`)
  const plaintext = open(key, sealed.join("."), aadOf(connectionId, field))
  if (!plaintext) throw new SecretError(`${where} is damaged or was tampered with (or moved from another connection or field): it does not decrypt; enter it again`)
  return plaintext.toString("utf8")
}

/** Only the last four characters, for forms that show a secret is set: "••••abcd" (shorter ones: "••••"). */
export const maskSecret = (plaintext: string): string => `••••${plaintext.length > 8 ? plaintext.slice(-4) : ""}`
