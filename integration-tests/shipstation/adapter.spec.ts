import type { Logger } from "@medusajs/framework/types"
import { buildProvider, memoryCredentialStore, memoryStateStore } from "../../src/testing/erp-contract"
import { IntegrationError } from "../../src/lib/errors"
import type { CallLogEntry } from "../../src/lib/http/call-recorder"
import { ConnectionRegistry } from "../../src/modules/integration-hub/connections"
import { pluginOptionsSchema } from "../../src/modules/integration-hub/options"
import { externalShipmentId, ShipStationShippingProvider, trackingStatus } from "../../src/providers/shipping-shipstation/service"
import type { LabelRequest, ShipmentRequest } from "../../src/providers/types"
import { ShipStationTestServer, startShipStationTestServer } from "./server"

jest.setTimeout(60_000)

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined } as unknown as Logger

const FROM = { name: "Acme Shop", company: "Acme", phone: "+1 512-555-0199", street: "4009 Marathon Blvd", city: "Austin", province: "TX", postalCode: "78756", countryCode: "US" }
const TO = { name: "Jane Doe", company: null, phone: "+1 408-555-0100", street: "525 S Winchester Blvd\nApt 4", city: "San Jose", province: "CA", postalCode: "95128", countryCode: "US" }
const shipment = (overrides: Partial<ShipmentRequest> = {}): ShipmentRequest => ({ from: FROM, to: TO, parcels: [{ weightGrams: 900, lengthCm: 30, widthCm: 20, heightCm: 10 }], currencyCode: "USD", ...overrides })
let seq = 0
const label = (overrides: Partial<LabelRequest> = {}): LabelRequest => {
  const fulfillmentId = `ful_${Date.now()}${++seq}`
  return { ...shipment(), reference: `medusa:${fulfillmentId}`, subject: { orderId: "order_test", fulfillmentId }, carrierId: "se-100001", serviceCode: "ups_ground", ...overrides }
}
/** A return label as the returns flow asks for it: the customer ships from, the stock location receives. */
const returnLabel = (overrides: Partial<LabelRequest> = {}): LabelRequest => {
  const returnId = `ret_${Date.now()}${++seq}`
  return { ...shipment({ from: TO, to: FROM }), reference: `medusa:${returnId}`, subject: { orderId: "order_test", returnId }, isReturn: true, carrierId: "se-100001", serviceCode: "ups_ground", ...overrides }
}
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected the call to fail") }, (err: unknown) => err as IntegrationError)

// ShipStation's official API description, served by Prism, judges every request (any violation fails the test);
// a stateful double behind it answers, so labels bought can be found, voided and tracked.
describe("ShipStation adapter against the official API description (Prism) and a stateful double", () => {
  let shipstation: ShipStationTestServer
  beforeAll(async () => {
    shipstation = await startShipStationTestServer()
  })
  afterAll(() => shipstation?.close())
  afterEach(() => {
    expect(shipstation.violations).toEqual([])
    shipstation.violations.length = 0
  })
  const options = (overrides: Record<string, unknown> = {}) => ({ apiKey: shipstation.apiKey, baseUrl: shipstation.url, carrierIds: ["se-100001", "se-100002"], ...overrides })
  const provider = (overrides: Record<string, unknown> = {}) => buildProvider(ShipStationShippingProvider, options(overrides), { id: "carrier" })

  it("proves the API key with a read, and names options.apiKey when ShipStation refuses it", async () => {
    await expect(provider().provider.testConnection()).resolves.toBeUndefined()
    const err = await failure(provider({ apiKey: "wrong" }).provider.testConnection())
    expect(err).toMatchObject({ retryable: false, code: "shipstation_unauthorized" })
    expect(err.message).toBe(`ShipStation refused the API key of connection "carrier" (HTTP 401): check options.apiKey`)
  })

  it("rates a parcel with every configured carrier, cheapest first, all charges added up", async () => {
    const rates = await provider().provider.getRates(shipment())
    expect(rates).toEqual([
      { carrierId: "se-100001", carrier: "ups", serviceCode: "ups_ground", serviceName: "UPS® Ground", amount: "10.15", currencyCode: "USD", deliveryDays: 5 },
      { carrierId: "se-100002", carrier: "usps", serviceCode: "usps_priority_mail", serviceName: "USPS Priority Mail", amount: "11.90", currencyCode: "USD", deliveryDays: 2 },
    ])
  })

  it("buys one label per reference: a second call (a retry after a lost answer) finds it by external_shipment_id", async () => {
    const { provider: carrier, logs } = provider()
    const input = label()
    const first = await carrier.createLabel(input)
    expect(first).toMatchObject({ created: true, carrier: "ups", trackingNumber: expect.stringMatching(/^1Z/), labelUrl: expect.stringMatching(/\.pdf$/) })
    const again = await carrier.createLabel(input)
    expect(again).toEqual({ ...first, created: false })
    expect(shipstation.labels().filter((l) => l.external_shipment_id === input.reference)).toHaveLength(1)
    expect(logs.map((l) => l.operation)).toEqual(["shipments.by_external_id", "labels.create", "shipments.by_external_id", "labels.list"])
  })

  it("buys a return label as the description says: is_return_label, the customer as ship_from, once per reference", async () => {
    const { provider: carrier, logs } = provider()
    const input = returnLabel()
    const mark = shipstation.calls.length
    const first = await carrier.createLabel(input)
    expect(first).toMatchObject({ created: true, carrier: "ups", trackingNumber: expect.stringMatching(/^1Z/) })
    const bought = shipstation.calls.slice(mark).filter((c) => c.method === "POST" && c.path === "/v2/labels")
    expect(bought).toHaveLength(1)
    expect(bought[0].body).toMatchObject({
      is_return_label: true,
      rma_number: input.subject.returnId,
      shipment: {
        is_return: true,
        external_shipment_id: input.reference,
        ship_from: { name: "Jane Doe", postal_code: "95128", address_residential_indicator: "yes" },
        ship_to: { name: "Acme Shop", company_name: "Acme", postal_code: "78756", address_residential_indicator: "no" },
        return_to: { name: "Jane Doe", postal_code: "95128" },
      },
    })
    // Prism found the request valid against the description (afterEach checks every test; said here, it is what this one proves).
    expect(shipstation.violations).toEqual([])

    const again = await carrier.createLabel(input)
    expect(again).toEqual({ ...first, created: false })
    expect(shipstation.calls.slice(mark).filter((c) => c.method === "POST" && c.path === "/v2/labels")).toHaveLength(1)
    expect(shipstation.labels().filter((l) => l.external_shipment_id === input.reference)).toEqual([expect.objectContaining({ is_return_label: true, rma_number: input.subject.returnId })])
    expect(logs.map((l) => l.operation)).toEqual(["shipments.by_external_id", "labels.create", "shipments.by_external_id", "labels.list"])
  })

  it("judges the return fields by the description: a mistyped or misplaced is_return_label is a violation", async () => {
    // The adapter's own request, then two altered copies sent as they are: the double answers only what Prism finds valid.
    const mark = shipstation.calls.length
    await provider().provider.createLabel(returnLabel())
    const sent = shipstation.calls.slice(mark).find((c) => c.method === "POST" && c.path === "/v2/labels")!.body as { is_return_label: boolean; shipment: Record<string, unknown> }
    const post = (body: unknown) => fetch(`${shipstation.url}/v2/labels`, { method: "POST", headers: { "api-key": shipstation.apiKey, "content-type": "application/json" }, body: JSON.stringify(body) })
    await post({ ...sent, is_return_label: "yes" })
    const { is_return_label, ...unmarked } = sent
    await post({ ...unmarked, shipment: { ...sent.shipment, is_return_label } })
    expect(shipstation.violations).toEqual([
      { method: "POST", url: "/v2/labels", messages: ["request.body.is_return_label: Request body property is_return_label must be boolean"] },
      { method: "POST", url: "/v2/labels", messages: ["request.body.shipment: Request body property shipment must NOT have additional properties; found 'is_return_label'"] },
    ])
    shipstation.violations.length = 0
  })

  it("names the order and the return on a return label's tracking event", async () => {
    const { provider: carrier } = provider({ verifyWebhookSignature: false, webhookToken: "token-of-sixteen-chars" })
    const input = returnLabel()
    const bought = await carrier.createLabel(input)
    const body = { resource_url: `https://api.shipstation.com/v2/labels/${bought.labelId}/track`, resource_type: "API_TRACK", data: { tracking_number: bought.trackingNumber, status_code: "IT" } }
    const event = await carrier.parseWebhook({ rawBody: Buffer.from(JSON.stringify(body)), headers: {} })
    expect(event).toMatchObject({
      type: "shipment.tracking",
      subject: { entity_type: "order", entity_id: "order_test" },
      data: { label_id: bought.labelId, fulfillment_id: null, return_id: input.subject.returnId, is_return: true, tracking_number: bought.trackingNumber, claimed_status: "IT" },
    })
  })

  it("refuses, before calling ShipStation, a return label that names no return, and one for the customer's address without a phone", async () => {
    const { provider: carrier, logs } = provider()
    const noReturn = await failure(carrier.createLabel(returnLabel({ subject: { orderId: "order_test" } })))
    expect(noReturn).toMatchObject({ retryable: false, code: "label_subject_incomplete" })
    expect(noReturn.message).toMatch(/^Cannot buy a return label with ShipStation for medusa:ret_\w+: the request names no return of order order_test \(subject.returnId\)/)
    const noPhone = await failure(carrier.createLabel(returnLabel({ from: { ...TO, phone: null } })))
    expect(noPhone.message).toContain("Cannot ship with ShipStation: the customer's shipping address has no phone number (ship_from)")
    expect(logs).toEqual([])
  })

  it("refuses to hand out an outbound label for a return under the same reference", async () => {
    const { provider: carrier } = provider()
    const outbound = label()
    const bought = await carrier.createLabel(outbound)
    const err = await failure(carrier.createLabel(returnLabel({ reference: outbound.reference })))
    expect(err).toMatchObject({ retryable: false, code: "label_reference_conflict" })
    expect(err.message).toBe(`Cannot buy the return label for ${outbound.reference} with ShipStation: it already holds outbound label ${bought.labelId} under that reference. Give each fulfillment and each return its own reference (e.g. "medusa:<return id>"), then retry.`)
  })

  it("voids a label, and a second void counts as done; a voided label is bought again for its reference", async () => {
    const { provider: carrier } = provider()
    const input = label()
    const bought = await carrier.createLabel(input)
    expect(await carrier.voidLabel(bought.labelId)).toEqual({ voided: true, summary: `label ${bought.labelId} voided` })
    expect(await carrier.voidLabel(bought.labelId)).toEqual({ voided: true, summary: `label ${bought.labelId} voided before` })
    // The external id is taken by the voided shipment: ShipStation refuses a second shipment with it, in words.
    const err = await failure(carrier.createLabel(input))
    expect(err).toMatchObject({ retryable: false, code: "shipstation_identifier_conflict" })
    expect(err.message).toBe(`ShipStation refused labels.create (HTTP 400): A shipment with external_shipment_id ${input.reference} already exists.`)
  })

  it.each<[string, string, string]>([
    ["AC", "in_transit", "Accepted"],
    ["IT", "in_transit", "In Transit"],
    ["DE", "delivered", "Delivered"],
    ["EX", "exception", "Exception"],
  ])("reads tracking %s as %s", async (code, status, description) => {
    const { provider: carrier } = provider()
    const bought = await carrier.createLabel(label())
    shipstation.setTracking(bought.labelId, code, description)
    expect(await carrier.getTracking(bought.labelId)).toMatchObject({ trackingNumber: bought.trackingNumber, status, description, occurredAt: expect.any(Date) })
  })

  it.each<[string, Partial<ShipmentRequest>, string]>([
    ["a phone", { to: { ...TO, phone: null } }, "the customer's shipping address has no phone number (ship_to)"],
    ["a postal code", { to: { ...TO, postalCode: "" } }, "the customer's shipping address has no postal code (ship_to)"],
    ["a state in the US", { from: { ...FROM, province: null } }, "the stock location's address has no state or province (ship_from)"],
  ])("refuses an address without %s before calling ShipStation, naming the field", async (_, overrides, words) => {
    const { provider: carrier, logs } = provider()
    const err = await failure(carrier.getRates(shipment(overrides)))
    expect(err).toMatchObject({ retryable: false, code: "shipment_address_incomplete" })
    expect(err.message).toContain(`Cannot ship with ShipStation: ${words}`)
    expect(logs).toEqual([])
  })

  it("refuses a parcel without weight before calling ShipStation", async () => {
    const { provider: carrier, logs } = provider()
    const err = await failure(carrier.getRates(shipment({ parcels: [{ weightGrams: 0 }] })))
    expect(err).toMatchObject({ retryable: false, code: "shipment_no_weight" })
    expect(logs).toEqual([])
  })

  it("ships abroad without a province where a country has none (the city stands in)", async () => {
    const rates = await provider().provider.getRates(shipment({ to: { ...TO, province: null, countryCode: "PT", city: "Lisboa", postalCode: "1000-001" } }))
    expect(rates.length).toBe(2)
  })

  it("waits out a 429 for its Retry-After and repeats the rate call in place, once; a timeout is retryable", async () => {
    // The connection exactly as the hub builds it: its guard honours Retry-After and repeats safe calls in place.
    const logs: CallLogEntry[] = []
    const plugin = pluginOptionsSchema.parse({ connections: [{ id: "carrier", kind: "shipping", provider: "shipstation", options: options(), timeoutMs: 1_000 }] })
    const registry = new ConnectionRegistry(plugin, { logSink: async (e) => void logs.push(e), stateFor: () => memoryStateStore(), credentialsFor: () => memoryCredentialStore(), logger: silent })
    const carrier = registry.provider("carrier", "shipping") as ShipStationShippingProvider
    shipstation.behave({ rateLimitNext: { count: 1, retryAfterSeconds: 1 } })
    expect(await carrier.getRates(shipment())).toHaveLength(2)
    expect(logs.map((l) => [l.operation, l.http_status])).toEqual([["rates.calculate", 429], ["rates.calculate", 200]])

    shipstation.behave({ hangNext: 1 })
    const { provider: impatient } = buildProvider(ShipStationShippingProvider, options(), { id: "carrier", timeoutMs: 300 })
    expect(await failure(impatient.getRates(shipment()))).toMatchObject({ retryable: true, code: "timeout" })
  })
})

describe("ShipStation mapping", () => {
  it("keeps a reference that fits ShipStation's 50 characters, and shortens a longer one stably", () => {
    expect(externalShipmentId("medusa:ful_01JD3ZQ4X6V9K2M8N7P5R3T1W0")).toBe("medusa:ful_01JD3ZQ4X6V9K2M8N7P5R3T1W0")
    const long = `medusa:${"x".repeat(60)}`
    expect(externalShipmentId(long)).toHaveLength(50)
    expect(externalShipmentId(long)).toBe(externalShipmentId(long))
  })

  it.each<[string, string]>([
    ["NY", "pending"], ["AC", "in_transit"], ["IT", "in_transit"], ["AT", "in_transit"], ["DE", "delivered"], ["SP", "delivered"],
    ["EX", "exception"], ["UN", "unknown"], ["DELIVERED_TO_NEIGHBOUR", "delivered"], ["PARCEL_LOST", "exception"], ["AWAITING_DESPATCH", "pending"],
    ["OUT_FOR_DELIVERY", "in_transit"], ["CARRIER_STATUS_NOT_MAPPED", "unknown"],
  ])("tracking code %s is %s", (code, status) => {
    expect(trackingStatus(code)).toBe(status)
  })
})
