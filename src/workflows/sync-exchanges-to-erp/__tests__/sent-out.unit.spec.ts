import { sentOutItems, withoutSentOut } from "../sent-out"

type Rows = Parameters<typeof sentOutItems>[0]
type OrderItems = { id: string; items?: Array<{ id: string; title?: string } | null> | null }

describe("sentOutItems", () => {
  it("lists the items every exchange and claim sent out, by order", () => {
    const rows: Rows = [
      { order_id: "order_1", additional_items: [{ item_id: "item_a" }, { item_id: "item_b" }] },
      { order_id: "order_2", additional_items: [{ item_id: "item_c" }] },
      { order_id: "order_1", additional_items: [{ item_id: "item_d" }] },
    ]
    expect(sentOutItems(rows)).toEqual(new Map([["order_1", ["item_a", "item_b", "item_d"]], ["order_2", ["item_c"]]]))
  })

  it.each<[string, Rows]>([
    ["a row without order_id", [{ additional_items: [{ item_id: "item_a" }] }]],
    ["an item without item_id", [{ order_id: "order_1", additional_items: [{ item_id: null }, {}, null] }]],
    ["a row without additional items", [{ order_id: "order_1", additional_items: null }, { order_id: "order_1" }]],
  ])("leaves out %s", (_, rows) => {
    expect(sentOutItems([...rows, { order_id: "order_2", additional_items: [{ item_id: "item_z" }] }])).toEqual(new Map([["order_2", ["item_z"]]]))
  })

  it("has nothing for no rows", () => {
    expect(sentOutItems([])).toEqual(new Map())
  })
})

describe("withoutSentOut", () => {
  const order: OrderItems = { id: "order_1", items: [{ id: "item_a", title: "Shirt" }, null, { id: "item_b" }, { id: "item_c" }] }

  it("drops only the items exchanges and claims sent out, keeping the rest of the order as it is", () => {
    const rest = withoutSentOut(order, ["item_b", "item_gone"])
    expect(rest).toEqual({ id: "order_1", items: [{ id: "item_a", title: "Shirt" }, null, { id: "item_c" }] })
    expect(order.items).toHaveLength(4)
  })

  it.each<[string, string[] | undefined]>([
    ["none listed", []],
    ["no list", undefined],
  ])("hands back the same order when there are %s", (_, sentOut) => {
    expect(withoutSentOut(order, sentOut)).toBe(order)
  })

  it("treats an order without items as having none", () => {
    expect(withoutSentOut<OrderItems>({ id: "order_1", items: null }, ["item_a"])).toEqual({ id: "order_1", items: [] })
  })
})
