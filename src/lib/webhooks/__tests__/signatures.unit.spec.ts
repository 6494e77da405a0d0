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
