import { headerValue, safeEqual, signHmacSha256, signStandardWebhook, verifyHmacSha256, verifyStandardWebhook } from "../signatures"

const BODY = Buffer.from('{"type":"sale.updated","data":{"reference":"medusa:order_1"}}')
const HMAC_SECRET = "hmac-secret-value"
const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
const NOW = new Date("2026-11-22T12:00:00Z")

describe("verifyHmacSha256", () => {
  const hex = signHmacSha256(BODY, HMAC_SECRET)
  const base64 = signHmacSha256(BODY, HMAC_SECRET, "base64")

  it.each([
    ["hex", { signature: hex }, { ok: true }],
    ["base64", { signature: base64, encoding: "base64" as const }, { ok: true }],
    ["hex with a prefix", { signature: `sha256=${hex}`, prefix: "sha256=" }, { ok: true }],
    ["hex without the expected prefix", { signature: hex, prefix: "sha256=" }, { ok: true }],
    ["a signature of another secret", { signature: signHmacSha256(BODY, "other") }, { ok: false, reason: "bad_signature" }],
    ["a signature of another length", { signature: hex.slice(0, 10) }, { ok: false, reason: "bad_signature" }],
    ["base64 checked as hex", { signature: base64 }, { ok: false, reason: "bad_signature" }],
    ["an empty signature", { signature: "  " }, { ok: false, reason: "missing_signature" }],
    ["no signature", { signature: undefined }, { ok: false, reason: "missing_signature" }],
  ])("%s", (_, input, expected) => {
    expect(verifyHmacSha256({ rawBody: BODY, secret: HMAC_SECRET, ...input })).toMatchObject(expected)
  })

  it("refuses a tampered body", () => {
    expect(verifyHmacSha256({ rawBody: Buffer.from(`${BODY} `), secret: HMAC_SECRET, signature: hex })).toMatchObject({ ok: false, reason: "bad_signature" })
  })
})

describe("verifyStandardWebhook", () => {
  const signed = (at: Date, body: Buffer | string = BODY, secret = SECRET) => signStandardWebhook({ id: "msg_1", timestamp: at, rawBody: body, secret })
  const verify = (headers: Record<string, string | undefined>, body = BODY) => verifyStandardWebhook({ rawBody: body, headers, secret: SECRET, now: NOW })
  const secondsAgo = (s: number) => new Date(NOW.getTime() - s * 1000)

  it("accepts what signStandardWebhook signed, and returns its id and time", () => {
    expect(verify(signed(NOW))).toEqual({ ok: true, id: "msg_1", timestamp: new Date(Math.floor(NOW.getTime() / 1000) * 1000) })
  })

  it.each([
    ["299 s old", 299, true],
    ["301 s old", 301, false],
    ["299 s in the future", -299, true],
    ["301 s in the future", -301, false],
  ])("a timestamp %s", (_, ago, ok) => {
    const verdict = verify(signed(secondsAgo(ago)))
    expect(verdict.ok).toBe(ok)
    if (!ok) expect(verdict).toMatchObject({ reason: "timestamp_out_of_tolerance" })
  })

  it.each([
    ["webhook-id", "missing_signature"],
    ["webhook-timestamp", "missing_signature"],
    ["webhook-signature", "missing_signature"],
  ])("without %s", (header, reason) => {
    const headers: Record<string, string | undefined> = { ...signed(NOW), [header]: undefined }
    expect(verify(headers)).toMatchObject({ ok: false, reason })
  })

  it.each([
    ["a tampered body", () => verify(signed(NOW), Buffer.from(`${BODY} `)), "bad_signature"],
    ["another secret", () => verify(signed(NOW, BODY, "whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==")), "bad_signature"],
    ["a non-numeric timestamp", () => verify({ ...signed(NOW), "webhook-timestamp": "yesterday" }), "timestamp_out_of_tolerance"],
    ["a v2 signature only", () => verify({ ...signed(NOW), "webhook-signature": signed(NOW)["webhook-signature"].replace("v1,", "v2,") }), "bad_signature"],
    ["a changed id", () => verify({ ...signed(NOW), "webhook-id": "msg_2" }), "bad_signature"],
  ])("refuses %s", (_, run, reason) => {
    expect(run()).toMatchObject({ ok: false, reason })
  })

  it("accepts a header with several signatures when one matches (secret rotation)", () => {
    const good = signed(NOW)
    const old = signed(NOW, BODY, "whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==")["webhook-signature"]
    expect(verify({ ...good, "webhook-signature": `${old} ${good["webhook-signature"]}` })).toMatchObject({ ok: true })
  })

  it("never puts the secret or the signature in its message", () => {
    const headers = signed(NOW, BODY, "whsec_b3RoZXItc2VjcmV0LW90aGVyLXNlY3JldA==")
    const verdict = verify(headers)
    expect(verdict.ok).toBe(false)
    const text = JSON.stringify(verdict)
    expect(text).not.toContain(SECRET)
    expect(text).not.toContain(headers["webhook-signature"].split(",")[1])
  })
})

// Signatures computed outside this code, so that a verifier and a signer that agree with each other but not with
// the scheme cannot pass: each is accepted as published, and refused with one byte changed.
describe("known-answer vectors", () => {
  // RFC 4231 §4.3, test case 2. The base64 form: printf '%s' 'what do ya want for nothing?' | openssl dgst -sha256 -hmac Jefe -binary | base64
  const RFC_KEY = "Jefe"
  const RFC_DATA = Buffer.from("what do ya want for nothing?")
  const RFC_HEX = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
  const RFC_BASE64 = "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="

  it.each([
    ["hex", { signature: RFC_HEX }],
    ["hex with a prefix", { signature: `sha256=${RFC_HEX}`, prefix: "sha256=" }],
    ["base64", { signature: RFC_BASE64, encoding: "base64" as const }],
  ])("verifyHmacSha256 accepts RFC 4231's HMAC-SHA256 (%s)", (_, input) => {
    expect(verifyHmacSha256({ rawBody: RFC_DATA, secret: RFC_KEY, ...input })).toEqual({ ok: true })
  })

  it.each([
    ["a signature one hex digit off", RFC_DATA, `${RFC_HEX.slice(0, -1)}2`],
    ["a body one byte off", Buffer.from("what do ya want for nothing!"), RFC_HEX],
  ])("verifyHmacSha256 refuses RFC 4231's vector with %s", (_, rawBody, signature) => {
    expect(verifyHmacSha256({ rawBody, secret: RFC_KEY, signature })).toMatchObject({ ok: false, reason: "bad_signature" })
  })

  it("signHmacSha256 gives RFC 4231's HMAC-SHA256", () => {
    expect([signHmacSha256(RFC_DATA, RFC_KEY), signHmacSha256(RFC_DATA, RFC_KEY, "base64")]).toEqual([RFC_HEX, RFC_BASE64])
  })

  // The Standard Webhooks reference libraries' vector (standard-webhooks/standard-webhooks,
  // libraries/javascript/src/webhook.test.ts, "sign function works"); also reproduced with
  // openssl dgst -sha256 -mac HMAC -macopt hexkey:<the secret's base64 decoded> over "<id>.<timestamp>.<body>".
  const SW_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
  const SW_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
  const SW_TIMESTAMP = 1614265330
  const SW_BODY = Buffer.from('{"test": 2432232314}')
  const SW_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
  const swHeaders = (signature = SW_SIGNATURE) => ({ "webhook-id": SW_ID, "webhook-timestamp": String(SW_TIMESTAMP), "webhook-signature": signature })
  const swVerify = (headers: Record<string, string>, rawBody = SW_BODY) => verifyStandardWebhook({ rawBody, headers, secret: SW_SECRET, now: new Date((SW_TIMESTAMP + 10) * 1000) })

  it("verifyStandardWebhook accepts the published vector", () => {
    expect(swVerify(swHeaders())).toEqual({ ok: true, id: SW_ID, timestamp: new Date(SW_TIMESTAMP * 1000) })
  })

  it.each([
    ["a signature one character off", () => swVerify(swHeaders(SW_SIGNATURE.replace("g0hM", "g1hM")))],
    ["a body one byte off", () => swVerify(swHeaders(), Buffer.from('{"test": 2432232315}'))],
    ["another id", () => swVerify({ ...swHeaders(), "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJel" })],
  ])("verifyStandardWebhook refuses the published vector with %s", (_, run) => {
    expect(run()).toMatchObject({ ok: false, reason: "bad_signature" })
  })

  it("signStandardWebhook gives the published signature", () => {
    expect(signStandardWebhook({ id: SW_ID, timestamp: new Date(SW_TIMESTAMP * 1000), rawBody: SW_BODY, secret: SW_SECRET })).toEqual(swHeaders())
  })
})

describe("helpers", () => {
  it.each([
    [{ "Webhook-Id": "a" }, "webhook-id", "a"],
    [{ "webhook-id": ["b", "c"] }, "Webhook-ID", "b"],
    [{ other: "x" }, "webhook-id", undefined],
  ])("headerValue(%j, %s) is %s", (headers, name, value) => {
    expect(headerValue(headers, name)).toBe(value)
  })

  it.each([
    ["abc", "abc", true],
    ["abc", "abd", false],
    ["abc", "abcd", false],
    ["", "", true],
  ])("safeEqual(%s, %s) is %s", (a, b, equal) => {
    expect(safeEqual(a, b)).toBe(equal)
  })
})
