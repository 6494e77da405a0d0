import { buildProvider, memoryStateStore } from "../../../testing/erp-contract"
import type { LabelRequest } from "../../types"
import { SandboxCarrierProvider } from "../service"

const address = { name: "Jane Doe", company: null, phone: "+1 207 555 0134", street: "12 Harbour Street", city: "Portland", province: "ME", postalCode: "04101", countryCode: "US" }
const request = (reference: string): LabelRequest => ({
  from: { ...address, name: "Main warehouse" }, to: address, parcels: [{ weightGrams: 1500 }], currencyCode: "USD",
  reference, subject: { orderId: "order_1", fulfillmentId: "ful_1" }, carrierId: "se-sandbox-post", serviceCode: "standard",
})
/** A return label: the customer ships the goods back to the warehouse. */
const returnRequest = (reference: string, overrides: Partial<LabelRequest> = {}): LabelRequest => ({
  ...request(reference), from: address, to: { ...address, name: "Main warehouse" }, subject: { orderId: "order_1", returnId: "ret_1" }, isReturn: true, ...overrides,
})
/** The sandbox carrier's scan of a label, as its webhook sends it (parsing does not check the signature). */
const scan = (labelId: string, status: string) => ({
  rawBody: Buffer.from(JSON.stringify({ type: "label.tracking", timestamp: "2026-12-01T10:00:00.000Z", data: { label_id: labelId, status } })),
  headers: { "webhook-id": `evt_${labelId}` },
})

describe("sandbox carrier", () => {
  it("rates by started kilogram, cheapest first", async () => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    const rates = await provider.getRates(request("x"))
    expect(rates.map((r) => [r.serviceCode, r.amount, r.deliveryDays])).toEqual([["standard", "6.90", 4], ["express", "14.90", 1]])
  })

  it("buys one label per reference, voids it until it is scanned, and refuses an address a carrier cannot use", async () => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    const first = await provider.createLabel(request("medusa:ful_1"))
    expect(await provider.createLabel(request("medusa:ful_1"))).toEqual({ ...first, created: false })
    expect(await provider.getTracking(first.labelId)).toMatchObject({ trackingNumber: first.trackingNumber, status: "pending" })
    expect(await provider.voidLabel(first.labelId)).toEqual({ voided: true, summary: `label ${first.labelId} voided` })
    const second = await provider.createLabel(request("medusa:ful_1"))
    expect(second).toMatchObject({ created: true })
    expect(second.labelId).not.toBe(first.labelId)
    await expect(provider.getRates({ ...request("y"), to: { ...address, phone: null } })).rejects.toThrow("Cannot ship with the sandbox carrier: the customer's shipping address has no phone number (ship_to)")
  })

  it("buys one return label per reference, kept as a return label, its tracking number saying so", async () => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    const outbound = await provider.createLabel(request("medusa:ful_1"))
    const first = await provider.createLabel(returnRequest("medusa:ret_1"))
    expect(first).toEqual({
      labelId: "sbx-ret-2", trackingNumber: "SBR000000002", trackingUrl: "https://sandbox-carrier.invalid/track/SBR000000002",
      carrier: "sandbox-post", labelUrl: "https://sandbox-carrier.invalid/labels/sbx-ret-2.pdf", created: true,
    })
    expect(outbound).toMatchObject({ labelId: "sbx-lbl-1", trackingNumber: "SBX000000001" })
    expect(await provider.createLabel(returnRequest("medusa:ret_1"))).toEqual({ ...first, created: false })
    expect(await provider.getTracking(first.labelId)).toMatchObject({ trackingNumber: "SBR000000002", status: "pending" })
  })

  it("names the order and the return (no fulfillment) on a return label's tracking event, and the fulfillment on an outbound one's", async () => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    const back = await provider.createLabel(returnRequest("medusa:ret_1"))
    const out = await provider.createLabel(request("medusa:ful_1"))
    expect(await provider.parseWebhook(scan(back.labelId, "in_transit"))).toEqual({
      id: `evt_${back.labelId}`, type: "shipment.tracking", occurredAt: new Date("2026-12-01T10:00:00.000Z"), subject: { entity_type: "order", entity_id: "order_1" },
      data: { label_id: back.labelId, fulfillment_id: null, return_id: "ret_1", is_return: true, tracking_number: back.trackingNumber, claimed_status: "in_transit" },
    })
    expect((await provider.parseWebhook(scan(out.labelId, "delivered"))).data).toEqual({
      label_id: out.labelId, fulfillment_id: "ful_1", return_id: null, is_return: false, tracking_number: out.trackingNumber, claimed_status: "delivered",
    })
    expect(await provider.getTracking(back.labelId)).toMatchObject({ status: "in_transit" })
  })

  it.each<[string, LabelRequest, string, string]>([
    ["a return label that names no return", returnRequest("medusa:ret_1", { subject: { orderId: "order_1" } }), "label_subject_incomplete",
      "Cannot buy a return label with the sandbox carrier for medusa:ret_1: the request names no return of order order_1 (subject.returnId). Pass the Medusa return's id, then retry."],
    ["an outbound label that names no fulfillment", { ...request("medusa:ful_1"), subject: { orderId: "order_1" } }, "label_subject_incomplete",
      "Cannot buy a shipping label with the sandbox carrier for medusa:ful_1: the request names no fulfillment of order order_1 (subject.fulfillmentId). Pass the Medusa fulfillment's id, then retry."],
    ["a return from a customer without a phone", returnRequest("medusa:ret_1", { from: { ...address, phone: null } }), "shipment_address_incomplete",
      "Cannot ship with the sandbox carrier: the customer's shipping address has no phone number (ship_from). Ask for a phone at checkout, or add it to the order's address, then retry."],
    ["a return to a stock location without a postal code", returnRequest("medusa:ret_1", { to: { ...address, postalCode: "" } }), "shipment_address_incomplete",
      "Cannot ship with the sandbox carrier: the stock location's address has no postal code (ship_to). Add the postal code, then retry."],
  ])("refuses %s, naming what to fix", async (_, input, code, message) => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    await expect(provider.createLabel(input)).rejects.toMatchObject({ code, retryable: false, message })
  })

  it("refuses to hand out a label of the other kind for a reference: an outbound label is not a return label", async () => {
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier" })
    const outbound = await provider.createLabel(request("medusa:ful_1"))
    await expect(provider.createLabel(returnRequest("medusa:ful_1"))).rejects.toMatchObject({
      code: "label_reference_conflict",
      message: `Cannot buy the return label for medusa:ful_1 with the sandbox carrier: it already holds outbound label ${outbound.labelId} under that reference. Give each fulfillment and each return its own reference (e.g. "medusa:<return id>"), then retry.`,
    })
  })

  it("reads a label bought before return labels (no return_id, no is_return) as an outbound one", async () => {
    const state = memoryStateStore()
    await state.set("label:sbx-lbl-7", { id: "sbx-lbl-7", tracking: "SBX000000007", reference: "medusa:ful_7", order_id: "order_7", fulfillment_id: "ful_7", status: "pending", voided: false, service: "standard" })
    await state.set("ref:medusa:ful_7", { id: "sbx-lbl-7" })
    const { provider } = buildProvider(SandboxCarrierProvider, {}, { id: "carrier", state })
    expect(await provider.createLabel(request("medusa:ful_7"))).toMatchObject({ labelId: "sbx-lbl-7", created: false })
    expect((await provider.parseWebhook(scan("sbx-lbl-7", "in_transit"))).data).toMatchObject({ fulfillment_id: "ful_7", return_id: null, is_return: false })
  })
})
