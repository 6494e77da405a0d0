import { readFileSync } from "node:fs"
import { createServer, Server } from "node:http"
import type { AddressInfo } from "node:net"
import { join } from "node:path"
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

function delivery(opts: { body?: string; signature?: string; timestamp?: string } = {}): InboundRequest {
  return {
    rawBody: Buffer.from(opts.body ?? BODY),
    headers: { "x-shipengine-rsa-sha256-key-id": "test-key-1", "x-shipengine-rsa-sha256-signature": opts.signature ?? SIGNATURE, "x-shipengine-timestamp": opts.timestamp ?? TIMESTAMP },
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
