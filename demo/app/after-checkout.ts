// What staff do to an order after checkout, through Medusa's own workflows (the admin's order-edit and return
// routes call the same ones): the demo and the tests change orders the way a store does.
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import {
  beginOrderEditOrderWorkflow,
  beginReceiveReturnWorkflow,
  beginClaimOrderWorkflow,
  beginExchangeOrderWorkflow,
  beginReturnOrderWorkflow,
  cancelOrderExchangeWorkflow,
  confirmClaimRequestWorkflow,
  createClaimShippingMethodWorkflow,
  createExchangeShippingMethodWorkflow,
  createOrderFulfillmentWorkflow,
  createOrderShipmentWorkflow,
  confirmExchangeRequestWorkflow,
  confirmOrderEditRequestWorkflow,
  confirmReturnReceiveWorkflow,
  confirmReturnRequestWorkflow,
  orderEditAddNewItemWorkflow,
  orderClaimAddNewItemWorkflow,
  orderClaimItemWorkflow,
  orderClaimRequestItemReturnWorkflow,
  orderEditUpdateItemQuantityWorkflow,
  orderExchangeAddNewItemWorkflow,
  orderExchangeRequestItemReturnWorkflow,
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

/** Items by title with a quantity, as the order's item ids Medusa's workflows take. */
async function linesOf(container: MedusaContainer, orderId: string, items: Record<string, number>): Promise<Array<{ id: string; quantity: number }>> {
  const byTitle = await orderItems(container, orderId)
  return Object.entries(items).map(([title, quantity]) => {
    const item = byTitle.get(title)
    if (!item) throw new Error(`Order ${orderId} has no item "${title}" (it has ${[...byTitle.keys()].join(", ")})`)
    return { id: item.id, quantity }
  })
}

/**
 * An exchange as staff make it in the admin: items the customer sends back (by title), variants sent out instead,
 * confirmed (Medusa emits `order.exchange_created`; the outbound items join the order, the return is requested).
 * Returns the exchange's and its return's ids.
 */
export async function exchangeItems(
  container: MedusaContainer,
  orderId: string,
  exchange: { back: Record<string, number>; out: Array<{ variantId: string; quantity: number }>; locationId?: string; shipping: { optionId: string; amount?: number } }
): Promise<{ exchangeId: string; returnId: string | null }> {
  const { result: change } = await beginExchangeOrderWorkflow(container).run({ input: { order_id: orderId, created_by: "demo" } })
  const exchangeId = (change as { exchange_id?: string | null }).exchange_id
  if (!exchangeId) throw new Error(`Medusa began no exchange for order ${orderId}`)
  const back = await linesOf(container, orderId, exchange.back)
  // The admin's route passes the exchange's return (none yet: the workflow makes it), as here.
  if (back.length) await orderExchangeRequestItemReturnWorkflow(container).run({ input: { exchange_id: exchangeId, return_id: undefined as unknown as string, items: back, ...(exchange.locationId ? { location_id: exchange.locationId } : {}) } })
  await orderExchangeAddNewItemWorkflow(container).run({ input: { exchange_id: exchangeId, items: exchange.out.map((o) => ({ variant_id: o.variantId, quantity: o.quantity })) } })
  // What goes out needs a shipping method (the admin asks for one): with it, Medusa reserves the items' stock.
  await createExchangeShippingMethodWorkflow(container).run({
    input: { exchange_id: exchangeId, shipping_option_id: exchange.shipping.optionId, ...(exchange.shipping.amount !== undefined ? { custom_amount: exchange.shipping.amount } : {}) },
  })
  await confirmExchangeRequestWorkflow(container).run({ input: { exchange_id: exchangeId, confirmed_by: "demo" } })
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order_exchange", fields: ["id", "return_id"], filters: { id: exchangeId } })
  return { exchangeId, returnId: (data[0] as { return_id?: string | null } | undefined)?.return_id ?? null }
}

/** Staff cancel an exchange (Medusa emits no event: the hub's sweep finds it). */
export async function cancelExchange(container: MedusaContainer, exchangeId: string): Promise<void> {
  await cancelOrderExchangeWorkflow(container).run({ input: { exchange_id: exchangeId, canceled_by: "demo" } })
}

/**
 * A claim as staff make it: items the customer reports (damaged, missing: written off, or `returned` to be sent
 * back), replacements sent out (`type: "replace"`, at `unitPrice` when staff set one) or money back (`type: "refund"`, refunded by staff as any
 * refund). Medusa emits `order.claim_created`. Returns the claim's id.
 */
export async function claimItems(
  container: MedusaContainer,
  orderId: string,
  claim: {
    type: "replace" | "refund"; claimed?: Record<string, number>; returned?: Record<string, number>; locationId?: string
    out?: { items: Array<{ variantId: string; quantity: number; unitPrice?: number }>; shipping: { optionId: string; amount?: number } }
  }
): Promise<string> {
  const { result: change } = await beginClaimOrderWorkflow(container).run({ input: { order_id: orderId, type: claim.type, created_by: "demo" } })
  const claimId = (change as { claim_id?: string | null }).claim_id
  if (!claimId) throw new Error(`Medusa began no claim for order ${orderId}`)
  const claimed = await linesOf(container, orderId, claim.claimed ?? {})
  if (claimed.length) await orderClaimItemWorkflow(container).run({ input: { claim_id: claimId, items: claimed.map((c) => ({ ...c, reason: "production_failure" as const })) } })
  const returned = await linesOf(container, orderId, claim.returned ?? {})
  if (returned.length) await orderClaimRequestItemReturnWorkflow(container).run({ input: { claim_id: claimId, return_id: undefined as unknown as string, items: returned, ...(claim.locationId ? { location_id: claim.locationId } : {}) } })
  if (claim.out) {
    // A replacement at no charge is priced 0 by staff; without a price it costs what the variant does.
    const items = claim.out.items.map((o) => ({ variant_id: o.variantId, quantity: o.quantity, ...(o.unitPrice !== undefined ? { unit_price: o.unitPrice } : {}) }))
    await orderClaimAddNewItemWorkflow(container).run({ input: { claim_id: claimId, items } })
    const { optionId, amount } = claim.out.shipping
    await createClaimShippingMethodWorkflow(container).run({ input: { claim_id: claimId, shipping_option_id: optionId, ...(amount !== undefined ? { custom_amount: amount } : {}) } })
  }
  await confirmClaimRequestWorkflow(container).run({ input: { claim_id: claimId, confirmed_by: "demo" } })
  return claimId
}

/**
 * A parcel as staff send it: these items fulfilled from the location, then marked shipped (the admin's "Mark as
 * shipped"; Medusa emits `shipment.created`). Returns the fulfillment's id.
 */
export async function shipParcel(container: MedusaContainer, orderId: string, items: Array<{ id: string; quantity: number }>, locationId: string): Promise<string> {
  const { result: fulfillment } = await createOrderFulfillmentWorkflow(container).run({ input: { order_id: orderId, items, location_id: locationId } })
  await createOrderShipmentWorkflow(container).run({ input: { order_id: orderId, fulfillment_id: fulfillment.id, items, labels: [] } })
  return fulfillment.id
}
