import type { ErpShipment } from "../../../providers/types"
import { OrderForErpFulfilment, planErpFulfilment } from "../plan"

const shipment = (lines: ErpShipment["lines"]): ErpShipment => ({ externalId: "7", number: "CS7", saleReference: "medusa:order_1", doneAt: "2026-12-06T10:00:00Z", trackingNumber: null, carrier: null, lines })
const order = (over: Partial<OrderForErpFulfilment> = {}): OrderForErpFulfilment => ({
  id: "order_1", display_id: 12, status: "pending",
  items: [
    { id: "item_shirt", title: "Blue shirt", variant_sku: "SHIRT", quantity: 3, detail: { fulfilled_quantity: 1 } },
    { id: "item_mug", title: "Red mug", variant_sku: "MUG", quantity: 1, detail: { fulfilled_quantity: 0 } },
  ],
  fulfillments: [],
  ...over,
})

describe("planErpFulfilment", () => {
  it("fulfils the shipped lines only, up to what is still unfulfilled, and says what was fulfilled already", () => {
    expect(planErpFulfilment(order(), shipment([{ sku: "SHIRT", quantity: 3 }]), "erp")).toEqual({
      number: "12", existing: null, items: [{ id: "item_shirt", quantity: 2 }], notes: ["1 of SHIRT already fulfilled in Medusa, not fulfilled again"],
    })
    expect(planErpFulfilment(order(), shipment([{ sku: "MUG", quantity: 1 }]), "erp").items).toEqual([{ id: "item_mug", quantity: 1 }])
  })

  it("refuses a SKU the order does not have, naming the order, the shipment and the SKU", () => {
    expect(() => planErpFulfilment(order(), shipment([{ sku: "CAP", quantity: 1 }]), "erp")).toThrow(
      "Cannot fulfil order #12 from erp's shipment CS7: it shipped SKU 'CAP', which order #12 does not have. Check the shipment in erp; fulfil the order in Medusa by hand if the ERP is right."
    )
  })

  it.each<[string, Partial<OrderForErpFulfilment>, string]>([
    ["a shipment fulfilled and shipped before", { fulfillments: [{ id: "ful_1", metadata: { integration_hub: { erp_shipment: "erp:7" } }, shipped_at: "2026-12-06" }] }, "was fulfilled and shipped in Medusa before (fulfillment ful_1)"],
    ["a canceled order", { status: "canceled" }, "order #12 is canceled in Medusa"],
    ["everything fulfilled already", { items: [{ id: "item_mug", variant_sku: "MUG", quantity: 1, detail: { fulfilled_quantity: 1 } }] }, "everything erp's shipment CS7 shipped is fulfilled in Medusa already"],
  ])("skips %s, saying so", (_, over, words) => {
    expect(() => planErpFulfilment(order(over), shipment([{ sku: "MUG", quantity: 1 }]), "erp")).toThrow(words)
  })

  it("finds the fulfillment a stopped run made from the shipment: only its shipment is left", () => {
    const made = order({ fulfillments: [{ id: "ful_2", metadata: { integration_hub: { erp_shipment: "erp:7", items: [{ id: "item_mug", quantity: 1 }] } }, shipped_at: null }], items: [{ id: "item_mug", variant_sku: "MUG", quantity: 1, detail: { fulfilled_quantity: 1 } }] })
    expect(planErpFulfilment(made, shipment([{ sku: "MUG", quantity: 1 }]), "erp")).toEqual({ number: "12", existing: { id: "ful_2" }, items: [{ id: "item_mug", quantity: 1 }], notes: [] })
  })
})
