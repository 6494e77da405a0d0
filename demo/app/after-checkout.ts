// What staff do to an order after checkout, through Medusa's own workflows (the admin's order-edit and return
// routes call the same ones): the demo and the tests change orders the way a store does.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import {
  beginOrderEditOrderWorkflow,
  beginReceiveReturnWorkflow,
  beginReturnOrderWorkflow,
  confirmOrderEditRequestWorkflow,
  confirmReturnReceiveWorkflow,
  confirmReturnRequestWorkflow,
  orderEditAddNewItemWorkflow,
  orderEditUpdateItemQuantityWorkflow,
  receiveItemReturnRequestWorkflow,
  requestItemReturnWorkflow,
  requestOrderEditRequestWorkflow,
  updateOrderWorkflow,
} from "@medusajs/medusa/core-flows"

type Item = { id: string; title: string; variant_sku: string | null; quantity: number }
type ItemRow = Omit<Item, "quantity"> & { quantity?: unknown; detail?: { quantity?: unknown } | null }

/** The order's items, by title. */
export async function orderItems(container: MedusaContainer, orderId: string): Promise<Map<string, Item>> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    // query.graph fills an item's quantity only when its detail is read too.
    entity: "order", fields: ["items.id", "items.title", "items.variant_sku", "items.quantity", "items.detail.quantity"], filters: { id: orderId },
  })
  const items = ((data[0] as { items?: Array<ItemRow | null> })?.items ?? []).filter((i): i is ItemRow => !!i)
  return new Map(items.map(({ detail, ...i }) => [i.title, { ...i, quantity: Number(i.quantity ?? detail?.quantity) }]))
}

/**
 * An order edit as staff make it in the admin: begin, change quantities (0 takes an item out) and add variants,
 * request, confirm. Medusa emits `order-edit.confirmed`.
 */
export async function editOrder(
  container: MedusaContainer,
  orderId: string,
  edit: { quantities?: Record<string, number>; add?: Array<{ variantId: string; quantity: number }> }
): Promise<void> {
  await beginOrderEditOrderWorkflow(container).run({ input: { order_id: orderId, description: "customer service" } })
  const items = await orderItems(container, orderId)
  const changed = Object.entries(edit.quantities ?? {}).map(([title, quantity]) => {
    const item = items.get(title)
    if (!item) throw new Error(`Order ${orderId} has no item "${title}" (it has ${[...items.keys()].join(", ")})`)
    return { id: item.id, quantity }
  })
  if (changed.length) await orderEditUpdateItemQuantityWorkflow(container).run({ input: { order_id: orderId, items: changed } })
  if (edit.add?.length) {
    await orderEditAddNewItemWorkflow(container).run({ input: { order_id: orderId, items: edit.add.map((a) => ({ variant_id: a.variantId, quantity: a.quantity })) } })
  }
  await requestOrderEditRequestWorkflow(container).run({ input: { order_id: orderId } })
  await confirmOrderEditRequestWorkflow(container).run({ input: { order_id: orderId, confirmed_by: "demo" } })
}

/** A corrected shipping address, as staff change it on the order page. Medusa emits `order.updated`. */
export async function changeShippingAddress(container: MedusaContainer, orderId: string, address: Record<string, string>): Promise<void> {
  await updateOrderWorkflow(container).run({ input: { id: orderId, user_id: "demo", shipping_address: address } })
}

/**
 * A return as staff record it: requested (Medusa emits `order.return_requested`), then, `receive` being true, the
 * parcel received (`order.return_received`). Items by title with the quantity sent back; returns the return's id.
 */
export async function returnItems(
  container: MedusaContainer,
  orderId: string,
  items: Record<string, number>,
  opts: { locationId?: string; receive?: boolean } = {}
): Promise<string> {
  const { result: change } = await beginReturnOrderWorkflow(container).run({ input: { order_id: orderId, location_id: opts.locationId } })
  const returnId = (change as { return_id?: string | null }).return_id
  if (!returnId) throw new Error(`Medusa began no return for order ${orderId}`)
  const byTitle = await orderItems(container, orderId)
  const lines = Object.entries(items).map(([title, quantity]) => {
    const item = byTitle.get(title)
    if (!item) throw new Error(`Order ${orderId} has no item "${title}"`)
    return { id: item.id, quantity }
  })
  await requestItemReturnWorkflow(container).run({ input: { return_id: returnId, items: lines } })
  await confirmReturnRequestWorkflow(container).run({ input: { return_id: returnId, confirmed_by: "demo" } })
  if (opts.receive === false) return returnId
  await receiveReturn(container, returnId, lines)
  return returnId
}

/** The parcel of a requested return arrives: its items are received and the receipt confirmed. */
export async function receiveReturn(container: MedusaContainer, returnId: string, lines: Array<{ id: string; quantity: number }>): Promise<void> {
  await beginReceiveReturnWorkflow(container).run({ input: { return_id: returnId } })
  await receiveItemReturnRequestWorkflow(container).run({ input: { return_id: returnId, items: lines } })
  await confirmReturnReceiveWorkflow(container).run({ input: { return_id: returnId, confirmed_by: "demo" } })
}
