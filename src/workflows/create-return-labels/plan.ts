import { IntegrationError } from "../../lib/errors"
import type { LabelRequest, ShipmentAddress } from "../../providers/types"
import { requireShippableAddress } from "../../providers/shipping-address"
import { LineToShip, MedusaAddress, shipmentFrom } from "../../providers/fulfillment/shipment"
import { toNumber } from "../sync-order-to-erp/order-mapper"
import { HUB_FULFILLMENT_PROVIDER, OrderForLabels, ShippedData } from "../create-shipment-labels/plan"

type Quantity = number | string | { value: string | number } | null | undefined

/** What the workflow reads of an order: the customer's address, item weights and its hub fulfillments. */
export const ORDER_FIELDS_FOR_RETURN_LABELS = [
  "id", "display_id", "currency_code", "shipping_address.*",
  "items.id", "items.title", "items.variant.title", "items.variant.weight", "items.variant.length", "items.variant.width", "items.variant.height",
  "fulfillments.id", "fulfillments.provider_id", "fulfillments.data", "fulfillments.canceled_at", "fulfillments.location_id", "fulfillments.items.line_item_id",
]
/** What it reads of the order's returns, read as returns: through the order, query.graph leaves out their items' quantities. */
export const RETURN_FIELDS_FOR_LABELS = ["id", "status", "canceled_at", "location_id", "metadata", "items.item_id", "items.quantity"]

/** The return label the hub keeps on a Medusa return, under `metadata.integration_hub.return_label`. */
export type ReturnLabel = {
  connection_id: string
  label_id: string
  tracking_number: string
  carrier: string
  label_url: string | null
  tracking_url: string | null
  service_code: string
  /** Set once the label was voided (its return was cancelled before the parcel came back). */
  voided_at?: string
}

export type ReturnForLabels = {
  id: string
  status: string
  canceled_at?: string | Date | null
  location_id?: string | null
  metadata?: Record<string, unknown> | null
  items?: Array<{ item_id: string; quantity: Quantity } | null> | null
}

type LabelledFulfillment = NonNullable<NonNullable<OrderForLabels["fulfillments"]>[number]>

/** The order as the shipping labels read it (its address, items and hub fulfillments), with its returns. */
export type OrderForReturnLabels = Pick<OrderForLabels, "id" | "display_id" | "currency_code" | "shipping_address" | "items"> & {
  fulfillments?: Array<(Pick<LabelledFulfillment, "id" | "provider_id" | "data" | "canceled_at" | "location_id"> & { items?: Array<{ line_item_id?: string | null } | null> | null }) | null> | null
  returns?: Array<ReturnForLabels | null> | null
}

export type StockLocation = { id: string; name?: string | null; address?: MedusaAddress | null }

/** The rate of a return label: the service the order was shipped with, when its fulfillment says, else the cheapest. */
export type ReturnService = { carrier_id?: string; service_code?: string; shipped_with: string }
export type ReturnLabelToBuy = { return_id: string; request: LabelRequest; service: ReturnService }
export type ReturnLabelToVoid = { return_id: string; label: ReturnLabel }
/** A label kept on a return already, the reason a run has nothing to buy. */
export type HeldReturnLabel = { return_id: string; tracking_number: string; voided: boolean }
export type ReturnLabelPlan = { number: string; buy: ReturnLabelToBuy[]; void: ReturnLabelToVoid[]; held: HeldReturnLabel[] }

/** Stable reference of a return's parcel at the carrier: one return label per Medusa return. */
export const returnReference = (returnId: string) => `medusa:${returnId}`

/** The return label kept on a return's metadata; null when none (or not one the hub wrote). */
export function returnLabelOf(metadata: Record<string, unknown> | null | undefined): ReturnLabel | null {
  const hub = metadata?.integration_hub as { return_label?: Partial<ReturnLabel> } | null | undefined
  const label = hub && typeof hub === "object" ? hub.return_label : undefined
  return label && typeof label.connection_id === "string" && typeof label.label_id === "string" ? (label as ReturnLabel) : null
}

const isCanceled = (r: ReturnForLabels) => !!r.canceled_at || r.status === "canceled"

/**
 * What this connection has to do for the order's returns: buy one return label for each requested return whose goods
 * it shipped (the hub fulfillment holding a returned item, else the order's first hub fulfillment), and void the
 * label of each return cancelled before its parcel came back. The customer ships from the order's shipping address
 * to the return's stock location (or, when the return names none, the location the goods were shipped from). A
 * line without weight, an address without phone or postal code, is refused here, naming the order and the
 * return, before any call. Pure: no I/O.
 */
export function planReturnLabels(order: OrderForReturnLabels, locations: StockLocation[], opts: { connectionId: string }): ReturnLabelPlan {
  const number = String(order.display_id ?? order.id)
  const items = new Map((order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i).map((i) => [i.id, i]))
  const shipped = (order.fulfillments ?? [])
    .filter((f): f is NonNullable<typeof f> => !!f && !f.canceled_at && !!f.provider_id?.startsWith(`${HUB_FULFILLMENT_PROVIDER}_`))
    .filter((f) => typeof (f.data as ShippedData | null)?.connection_id === "string")
    .sort((a, b) => a.id.localeCompare(b.id))
  const plan: ReturnLabelPlan = { number, buy: [], void: [], held: [] }
  const returns = (order.returns ?? []).filter((r): r is ReturnForLabels => !!r).sort((a, b) => a.id.localeCompare(b.id))
  for (const ret of returns) {
    const label = returnLabelOf(ret.metadata)
    if (label) {
      if (label.connection_id !== opts.connectionId) continue
      if (isCanceled(ret) && !label.voided_at) plan.void.push({ return_id: ret.id, label })
      else plan.held.push({ return_id: ret.id, tracking_number: label.tracking_number, voided: !!label.voided_at })
      continue
    }
    // Open (not confirmed yet), received (the goods are back) or cancelled: no parcel to send.
    if (ret.status !== "requested" || isCanceled(ret)) continue
    const returned = (ret.items ?? []).filter((i): i is NonNullable<typeof i> => !!i)
    const owner = shipped.find((f) => (f.items ?? []).some((i) => returned.some((r) => r.item_id === i?.line_item_id))) ?? shipped[0]
    const data = (owner?.data ?? {}) as ShippedData
    if (!owner || data.connection_id !== opts.connectionId) continue
    const what = `Cannot buy a return label for order #${number} (return ${ret.id})`
    const lines: LineToShip[] = returned.map((i) => {
      const item = items.get(i.item_id)
      if (!item) throw new IntegrationError(`${what}: it holds an item the order no longer has (${i.item_id})`, { connectionId: opts.connectionId, code: "shipment_item_missing", retryable: false })
      return { title: item.title, quantity: toNumber(i.quantity), variant: item.variant }
    })
    const location = locations.find((l) => l.id === (ret.location_id || owner.location_id))
    // Made as the outbound parcel (its messages name the customer's address and the stock location), then turned round.
    const outbound = shipmentFrom({
      what, connectionId: opts.connectionId, to: order.shipping_address, from: location?.address ? { ...location.address, name: location.name } : null,
      lines, currencyCode: order.currency_code, weightUnit: data.weight_unit ?? "g",
    })
    const request = { ...outbound, from: outbound.to, to: outbound.from }
    requireReturnAddress(request.from, "ship_from", what, opts.connectionId)
    requireReturnAddress(request.to, "ship_to", what, opts.connectionId)
    plan.buy.push({
      return_id: ret.id,
      request: { ...request, reference: returnReference(ret.id), subject: { orderId: order.id, returnId: ret.id }, isReturn: true, carrierId: data.carrier_id ?? "", serviceCode: data.service_code ?? "" },
      service: { carrier_id: data.carrier_id, service_code: data.service_code, shipped_with: owner.id },
    })
  }
  return plan
}

/** The carriers' address check (shipping-address.ts), in the words of this return: which order, which return. */
function requireReturnAddress(address: ShipmentAddress, role: "ship_to" | "ship_from", what: string, connectionId: string): void {
  const carrier = connectionId
  try {
    requireShippableAddress(address, role, { connectionId, carrier, isReturn: true })
  } catch (err) {
    if (!(err instanceof IntegrationError)) throw err
    const reason = err.message.replace(`Cannot ship with ${carrier}: `, "")
    throw new IntegrationError(`${what}: ${reason}`, { connectionId, code: err.code, retryable: false, cause: err })
  }
}
