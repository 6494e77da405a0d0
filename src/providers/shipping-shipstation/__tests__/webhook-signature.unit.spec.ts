import { readFileSync } from "node:fs"
import { createServer, Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
import { IntegrationError } from "../../../lib/errors"
import { HttpClient, HttpClientConfig, HttpRequest, HttpResponse } from "../../../lib/http/client"
import { CIRCUIT_OPEN } from "../../../lib/http/circuit-breaker"
import { buildProvider } from "../../../testing/erp-contract"
import type { InboundRequest } from "../../types"
import { ShipStationShippingProvider } from "../service"

// A fixed vector for ShipStation's RSA-SHA256 webhook signature: base64 of RSA-SHA256 over "<x-shipengine-timestamp>.<raw body>",
// by the key the JWKS names in x-shipengine-rsa-sha256-key-id. The key pair is test data made for this test
// (fixtures/webhook-test-key.pem, `openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`; fixtures/jwks.json is
// its public half as ShipStation publishes keys). The signature was made with OpenSSL 3.0, outside our code:
//   printf '%s' "1700000000.$BODY" | openssl dgst -sha256 -sign fixtures/webhook-test-key.pem | base64 -w0
const TIMESTAMP = "1700000000"
const BODY = '{"resource_url":"https://api.shipstation.com/v2/labels/se-label-1/track","resource_type":"API_TRACK","data":{"tracking_number":"1Z999AA10123456784","status_code":"DE"}}'
const SIGNATURE =
  "Rr9o+AcexRlezTKOumzNtkxrVJ98qZgaNtkFPCNG822zGZ5KHSO0reJPrHEbqDQV+4LIWgkyu5r2ZwKoL+O5rTvr1R5A7E68XbBYI8EoFNJB1glBnBc/wK8GTvox" +
  "ACJf4qpEHUFstFHsjd8qbKRgfKaJdfITjW/njdOV/TMRInTUzYhZ4kipu4dqaSgq2mORquaEj2UdvVaBQhLbtfdwKbPmGhTJWVAJIdw5GaPr7ih+4Y11dDNY35QF" +
  "X7co7udy3VfU+ho5LFb9dC4zoS5KnxhfvFdb//9EKL3pqU787DiXS+KslLfpcDmvQlmt8EYRtQ+0yx3X07pInbmAF1jT8Q=="
const JWKS = readFileSync(join(__dirname, "fixtures", "jwks.json"), "utf8")

function delivery(opts: { body?: string; signature?: string; timestamp?: string; keyId?: string } = {}): InboundRequest {
  return {
    rawBody: Buffer.from(opts.body ?? BODY),
    headers: { "x-shipengine-rsa-sha256-key-id": opts.keyId ?? "test-key-1", "x-shipengine-rsa-sha256-signature": opts.signature ?? SIGNATURE, "x-shipengine-timestamp": opts.timestamp ?? TIMESTAMP },
  }
}

describe("ShipStation's webhook signature, checked against a fixed vector", () => {
  let jwks: Server
  let jwksUrl: string

  beforeAll(async () => {
    jwks = createServer((req, res) => res.writeHead(200, { "content-type": "application/json" }).end(JWKS))
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve))
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`
  })
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())))
  // The vector's timestamp is fixed: our clock is put 10 s after it.
  beforeEach(() => jest.spyOn(Date, "now").mockReturnValue((Number(TIMESTAMP) + 10) * 1000))
  afterEach(() => jest.restoreAllMocks())

  const provider = () => buildProvider(ShipStationShippingProvider, { apiKey: "TEST_shipstation_key", carrierIds: ["se-100001"], webhookJwksUrl: jwksUrl }, { id: "shipping" }).provider

  it("accepts the vector's signature", async () => {
    expect(await provider().verifyWebhook(delivery())).toEqual({ ok: true, timestamp: new Date(Number(TIMESTAMP) * 1000) })
  })

  it.each([
    // "Rr9o" → "Rr9p": the signature's third byte changed.
    ["a signature one byte off", delivery({ signature: SIGNATURE.replace(/^Rr9o/, "Rr9p") })],
    ["a body one byte off", delivery({ body: BODY.replace('"status_code":"DE"', '"status_code":"DF"') })],
    ["another timestamp (it is signed too)", delivery({ timestamp: "1700000001" })],
  ])("refuses %s", async (_, request) => {
    expect(await provider().verifyWebhook(request)).toMatchObject({ ok: false, reason: "bad_signature" })
  })
})

/** The connection's own client while its circuit is open (or its rate limit spent): every call refused unsent. */
class RefusingHttpClient extends HttpClient {
  override request<T>(req: HttpRequest): Promise<HttpResponse<T>> {
    return Promise.reject(new IntegrationError(`circuit open: ${req.operation} not sent`, { connectionId: this.connectionId, code: CIRCUIT_OPEN, retryable: true }))
  }
}

describe("ShipStation's webhook keys: fetched at most once a minute, outside the connection's rate limit and breaker", () => {
  let jwks: Server
  let jwksUrl: string
  let fetches = 0
  let clock = 0

  beforeAll(async () => {
    jwks = createServer((req, res) => {
      fetches++
      res.writeHead(200, { "content-type": "application/json" }).end(JWKS)
    })
    await new Promise<void>((resolve) => jwks.listen(0, "127.0.0.1", resolve))
    jwksUrl = `http://127.0.0.1:${(jwks.address() as AddressInfo).port}/jwks`
  })
  afterAll(() => new Promise<void>((resolve) => jwks.close(() => resolve())))
  beforeEach(() => {
    fetches = 0
    clock = (Number(TIMESTAMP) + 10) * 1000
    jest.spyOn(Date, "now").mockImplementation(() => clock)
  })
  afterEach(() => jest.restoreAllMocks())

  const options = () => ({ apiKey: "TEST_shipstation_key", carrierIds: ["se-100001"], webhookJwksUrl: jwksUrl })

  it("checks a signed delivery while the connection's own client refuses every call (the keys do not spend its budget)", async () => {
    const { provider } = buildProvider(ShipStationShippingProvider, options(), { id: "shipping", httpClient: (config: HttpClientConfig) => new RefusingHttpClient(config) })
    expect(await provider.verifyWebhook(delivery())).toEqual({ ok: true, timestamp: new Date(Number(TIMESTAMP) * 1000) })
    expect(fetches).toBe(1)
  })

  it("refuses forged key ids within the minute without fetching the keys again, and looks again once the minute is over", async () => {
    const { provider } = buildProvider(ShipStationShippingProvider, options(), { id: "shipping" })
    expect(await provider.verifyWebhook(delivery())).toMatchObject({ ok: true })
    expect(fetches).toBe(1)
    const forged = await Promise.all(Array.from({ length: 20 }, (_, i) => provider.verifyWebhook(delivery({ keyId: `forged-${i}` }))))
    expect(forged.map((v) => v.ok === false && v.reason)).toEqual(forged.map(() => "bad_signature"))
    expect(fetches).toBe(1)

    clock += 60_000
    expect(await provider.verifyWebhook(delivery({ keyId: "forged-late" }))).toMatchObject({ ok: false, reason: "bad_signature" })
    expect(fetches).toBe(2)
    expect(await provider.verifyWebhook(delivery({ keyId: "forged-later" }))).toMatchObject({ ok: false, reason: "bad_signature" })
    // The published key still verifies, from the keys at hand.
    expect(await provider.verifyWebhook(delivery())).toMatchObject({ ok: true })
    expect(fetches).toBe(2)
  })
})
