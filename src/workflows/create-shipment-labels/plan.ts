import { IntegrationError } from "../../lib/errors"
import type { LabelRequest } from "../../providers/types"
import { CarrierData, HubFulfillmentProvider } from "../../providers/fulfillment/service"
import { LineToShip, MedusaAddress, shipmentFrom, WeightUnit } from "../../providers/fulfillment/shipment"

/** The provider id prefix of fulfillments the hub ships (the fulfillment provider's identifier). */
export const HUB_FULFILLMENT_PROVIDER = HubFulfillmentProvider.identifier

export const ORDER_FIELDS_FOR_LABELS = [
  "id", "display_id", "currency_code", "shipping_address.*",
  "items.id", "items.title", "items.variant.title", "items.variant.weight", "items.variant.length", "items.variant.width", "items.variant.height",
  "fulfillments.id", "fulfillments.provider_id", "fulfillments.data", "fulfillments.metadata", "fulfillments.canceled_at", "fulfillments.location_id",
  "fulfillments.items.line_item_id", "fulfillments.items.quantity",
  "fulfillments.labels.id", "fulfillments.labels.tracking_number", "fulfillments.labels.tracking_url", "fulfillments.labels.label_url",
]

export type FulfillmentLabel = { id?: string; tracking_number: string; tracking_url: string; label_url: string }
/** What the hub keeps on a fulfillment it ships, next to the checkout's choice. */
export type ShippedData = CarrierData & { weight_unit?: WeightUnit; label?: "pending" | "bought" | "voided"; label_id?: string; tracking_number?: string; carrier?: string }

export type OrderForLabels = {
  id: string
  display_id?: number | null
  currency_code: string
  shipping_address?: MedusaAddress | null
  items?: Array<{ id: string; title: string; variant?: LineToShip["variant"] } | null> | null
  fulfillments?: Array<{
    id: string
    provider_id?: string | null
    data?: Record<string, unknown> | null
    metadata?: Record<string, unknown> | null
    canceled_at?: string | Date | null
    location_id?: string | null
    items?: Array<{ line_item_id?: string | null; quantity: number | string } | null> | null
    labels?: Array<FulfillmentLabel | null> | null
  } | null> | null
}

export type LabelToBuy = { fulfillment_id: string; request: LabelRequest; service: { carrier_id?: string; service_code?: string }; data: Record<string, unknown>; labels: FulfillmentLabel[] }
export type LabelToVoid = { fulfillment_id: string; label_id: string; data: Record<string, unknown> }
export type LabelPlan = { number: string; buy: LabelToBuy[]; void: LabelToVoid[] }

/** Stable reference of a fulfillment's shipment at the carrier: one label per fulfillment. */
export const shipmentReference = (fulfillmentId: string) => `medusa:${fulfillmentId}`

/**
 * What this connection has to do for the order: buy a label for each live fulfillment of its own that has none
 * yet, and void the label of each cancelled one. A line without weight, or an address a carrier cannot use, is
 * refused here, naming the order and the variant, before any call.
 */
export function planLabels(
  order: OrderForLabels,
  locations: Array<{ id: string; name?: string | null; address?: MedusaAddress | null }>,
  opts: { connectionId: string }
): LabelPlan {
  const number = String(order.display_id ?? order.id)
  const items = new Map((order.items ?? []).filter((i): i is NonNullable<typeof i> => !!i).map((i) => [i.id, i]))
  const plan: LabelPlan = { number, buy: [], void: [] }
  for (const f of order.fulfillments ?? []) {
    if (!f || !f.provider_id?.startsWith(`${HUB_FULFILLMENT_PROVIDER}_`) || madeFromErpShipment(f)) continue
    const data = (f.data ?? {}) as ShippedData
    if (data.connection_id !== opts.connectionId) continue
    if (f.canceled_at) {
      if (data.label === "bought" && data.label_id) plan.void.push({ fulfillment_id: f.id, label_id: data.label_id, data: f.data ?? {} })
      continue
    }
    if (data.label === "bought") continue
    const location = locations.find((l) => l.id === f.location_id)
    const lines: LineToShip[] = (f.items ?? []).filter((i): i is NonNullable<typeof i> => !!i).map((i) => {
      const item = i.line_item_id ? items.get(i.line_item_id) : undefined
      if (!item) throw new IntegrationError(`Cannot buy a label for order #${number}: fulfillment ${f.id} holds an item the order no longer has`, { connectionId: opts.connectionId, code: "shipment_item_missing", retryable: false })
      return { title: item.title, quantity: i.quantity, variant: item.variant }
    })
    const request = shipmentFrom({
      what: `Cannot buy a label for order #${number}`,
      connectionId: opts.connectionId,
      to: order.shipping_address,
      from: location?.address ? { ...location.address, name: location.name } : null,
      lines,
      currencyCode: order.currency_code,
      weightUnit: data.weight_unit ?? "g",
    })
    plan.buy.push({
      fulfillment_id: f.id,
      request: { ...request, reference: shipmentReference(f.id), subject: { orderId: order.id, fulfillmentId: f.id }, carrierId: data.carrier_id ?? "", serviceCode: data.service_code ?? "" },
      service: { carrier_id: data.carrier_id, service_code: data.service_code },
      data: f.data ?? {},
      labels: (f.labels ?? []).filter((l): l is FulfillmentLabel => !!l),
    })
  }
  return plan
}

/** A fulfillment the hub made from a shipment the ERP's warehouse completed: the ERP shipped it, no label is bought. */
export const madeFromErpShipment = (f: { metadata?: unknown }) =>
  typeof ((f.metadata as { integration_hub?: { erp_shipment?: unknown } } | null)?.integration_hub?.erp_shipment) === "string"
