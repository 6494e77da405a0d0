import { randomBytes } from "node:crypto"
import {
  dataKeyIdOf, decryptSecret, encryptSecret, keyEncryptionKey, maskSecret, newDataKey, rewrapDataKey, SecretError, unwrapDataKey, wrapDataKey,
} from "../envelope"

const SECRET = "sk_live_51Abc_secret_value_9f3k"
const kekA = keyEncryptionKey(Buffer.from("a".repeat(64), "hex"))
const kekB = keyEncryptionKey(Buffer.from("b".repeat(64), "hex"))

describe("envelope encryption of connection secrets", () => {
  const dk = { id: "idk_1", key: newDataKey() }
  const keys = (id: string) => (id === dk.id ? dk.key : undefined)

  it("reads back what it wrote, with a fresh IV each time, and no plaintext in the stored value", () => {
    const one = encryptSecret(dk, "carrier", "apiKey", SECRET)
    const two = encryptSecret(dk, "carrier", "apiKey", SECRET)
    expect(one).not.toBe(two)
    expect(one).toMatch(/^v1\.idk_1\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/)
    expect(one).not.toContain(SECRET)
    expect(Buffer.from(one.split(".")[4], "base64").toString("utf8")).not.toContain("secret")
    expect(decryptSecret(keys, "carrier", "apiKey", one)).toBe(SECRET)
    expect(dataKeyIdOf(one)).toBe("idk_1")
  })

  it("refuses a tampered value, a value moved to another connection or field, and an unknown key, in words that name where", () => {
    const stored = encryptSecret(dk, "carrier", "apiKey", SECRET)
    const parts = stored.split(".")
    const body = Buffer.from(parts[4], "base64")
    body[0] ^= 1
    const tampered = [...parts.slice(0, 4), body.toString("base64")].join(".")
    const attempt = (fn: () => string) => {
      try {
        fn()
      } catch (err) {
        expect(err).toBeInstanceOf(SecretError)
        expect((err as Error).message).not.toContain(SECRET)
        return (err as Error).message
      }
      throw new Error("it was read")
    }
    expect(attempt(() => decryptSecret(keys, "carrier", "apiKey", tampered))).toBe(
      `the secret "apiKey" of connection "carrier" is damaged or was tampered with (or moved from another connection or field): it does not decrypt; enter it again`
    )
    expect(attempt(() => decryptSecret(keys, "erp", "apiKey", stored))).toMatch(/^the secret "apiKey" of connection "erp" is damaged or was tampered with/)
    expect(attempt(() => decryptSecret(keys, "carrier", "apiSecret", stored))).toMatch(/^the secret "apiSecret" of connection "carrier"/)
    expect(attempt(() => decryptSecret(() => undefined, "carrier", "apiKey", stored))).toBe(
      `the secret "apiKey" of connection "carrier" was encrypted under data key "idk_1", which this store does not have`
    )
    expect(attempt(() => decryptSecret(keys, "carrier", "apiKey", SECRET))).toBe(`the secret "apiKey" of connection "carrier" is not an encrypted value this plugin wrote`)
  })

  it("wraps data keys under the encryptionKey, refuses another key by its fingerprint, and re-wraps without touching the secrets", () => {
    const wrapped = wrapDataKey(kekA, dk.id, dk.key)
    expect(wrapped.kek_fingerprint).toBe(kekA.fingerprint)
    expect(wrapped.wrapped).not.toContain(dk.key.toString("base64"))
    expect(unwrapDataKey(kekA, wrapped).equals(dk.key)).toBe(true)
    expect(() => unwrapDataKey(kekB, wrapped)).toThrow(
      new SecretError(
        `Data key "idk_1" was wrapped under another encryptionKey (fingerprint ${kekA.fingerprint}; the configured one is ${kekB.fingerprint}): configure the encryptionKey it was made with, or re-wrap the data keys from the old one`
      )
    )
    const value = encryptSecret(dk, "crm", "accessToken", SECRET)
    const rewrapped = rewrapDataKey(kekA, kekB, wrapped)
    expect(rewrapped.kek_fingerprint).toBe(kekB.fingerprint)
    const key = unwrapDataKey(kekB, rewrapped)
    expect(decryptSecret((id) => (id === "idk_1" ? key : undefined), "crm", "accessToken", value)).toBe(SECRET)
    // A wrapped key that was altered (or moved to another id) is refused.
    expect(() => unwrapDataKey(kekA, { ...wrapped, id: "idk_2" })).toThrow(/^Data key "idk_2" is damaged or was tampered with/)
  })

  it("derives different key-encryption keys from different encryptionKeys, and needs 32 bytes", () => {
    expect(kekA.key.equals(kekB.key)).toBe(false)
    expect(kekA.fingerprint).toMatch(/^[0-9a-f]{16}$/)
    expect(() => keyEncryptionKey(randomBytes(16))).toThrow("encryptionKey must be 32 bytes")
  })

  it("masks a secret down to its last four characters", () => {
    expect(maskSecret(SECRET)).toBe("••••9f3k")
    expect(maskSecret("short")).toBe("••••")
  })
})
