import { planStockLevels } from "../plan"

const item = (id: string, sku: string, stocked: number | null, reserved = 0) => ({ id, sku, level: stocked === null ? null : { id: `lvl_${id}`, stocked_quantity: stocked, reserved_quantity: reserved } })

describe("planStockLevels", () => {
  it("sets stocked to the ERP's forecast plus the reservations the ERP already counts, writing only what differs", () => {
    const plan = planStockLevels({
      locationId: "sloc_1",
      levels: [
        { sku: "A", onHand: 10, forecast: 8 },
        { sku: "B", onHand: 5, forecast: 5 },
        { sku: "C", onHand: 3, forecast: 3 },
        { sku: "ERP-ONLY", onHand: 1, forecast: 1 },
      ],
      items: [item("i_a", "A", 20, 4), item("i_b", "B", 5), item("i_c", "C", null)],
      // 2 of A's 4 reserved units are orders the ERP has (its forecast has them subtracted); 2 it has not heard of.
      countedReservations: new Map([["i_a", 2]]),
    })
    expect(plan.update).toEqual([{ id: "lvl_i_a", inventory_item_id: "i_a", location_id: "sloc_1", stocked_quantity: 10 }])
    expect(plan.create).toEqual([{ inventory_item_id: "i_c", location_id: "sloc_1", stocked_quantity: 3 }])
    expect(plan).toMatchObject({ unchanged: 1, erpOnly: ["ERP-ONLY"], clamped: [] })
    expect(plan.imported.map((i) => [i.sku, i.forecast, i.counted_reserved, i.stocked])).toEqual([["A", 8, 2, 10], ["B", 5, 0, 5], ["C", 3, 0, 3]])
    // What Medusa still sells of A: 10 stocked − 4 reserved = 6 = the ERP's 8 less the 2 it has not heard of.
  })

  it("never writes a negative stock: an ERP that promised more than it holds gives 0, and says so", () => {
    const plan = planStockLevels({ locationId: "sloc_1", levels: [{ sku: "A", onHand: 0, forecast: -3.5 }], items: [item("i_a", "A", 2)], countedReservations: new Map([["i_a", 1]]) })
    expect(plan.update).toEqual([{ id: "lvl_i_a", inventory_item_id: "i_a", location_id: "sloc_1", stocked_quantity: 0 }])
    expect(plan.clamped).toEqual(["A"])
  })

  it("rounds a fractional forecast down: Medusa never sells a unit the ERP has only part of", () => {
    const plan = planStockLevels({ locationId: "sloc_1", levels: [{ sku: "A", onHand: 2.5, forecast: 2.5 }], items: [item("i_a", "A", 2)], countedReservations: new Map() })
    expect(plan).toMatchObject({ update: [], unchanged: 1 })
  })
})
