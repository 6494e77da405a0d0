/** What a carrier provider is given and answers: rates, labels, tracking. */
import type { ErpAddress } from "./erp-types"
import type { IntegrationProvider } from "./types"

/** A carrier: rates at checkout, labels, tracking. */
export interface ShippingProvider extends IntegrationProvider {
  readonly kind: "shipping"
  /** The carriers' prices for the shipment, cheapest first. */
  getRates(input: ShipmentRequest): Promise<ShippingRate[]>
  /** Idempotent by `input.reference`: a label already bought for it is returned (`created: false`), not bought again. */
  createLabel(input: LabelRequest): Promise<ShippingLabel>
  /** Idempotent: a label already voided counts as success. `voided: false` says why the carrier refused. */
  voidLabel(labelId: string): Promise<{ voided: boolean; summary: string }>
  getTracking(labelId: string): Promise<TrackingStatus>
}

/** A parcel: its weight in grams and, when known, its dimensions in centimetres. */
export type Parcel = { weightGrams: number; lengthCm?: number; widthCm?: number; heightCm?: number }
/** An address a carrier ships from or to: a carrier needs a phone and, in many countries, the province. */
export type ShipmentAddress = ErpAddress & { phone: string | null; province: string | null; company: string | null }
export type ShipmentRequest = { from: ShipmentAddress; to: ShipmentAddress; parcels: Parcel[]; currencyCode: string }
export type LabelRequest = ShipmentRequest & {
  /** Our stable reference for the shipment, e.g. "medusa:ful_01H…": one label per reference. */
  reference: string
  /**
   * The Medusa order and what the label ships: a fulfillment, or (a return label) a return. The carrier's later
   * tracking events are about them.
   */
  subject: { orderId: string; fulfillmentId?: string; returnId?: string }
  /**
   * A return label (ShipStation's `is_return_label`): `from` is the customer, `to` the stock location the goods go
   * back to. The customer is given the label; the store pays for it.
   */
  isReturn?: boolean
  /** The rate chosen: the carrier account and its service. */
  carrierId: string
  serviceCode: string
}
export type ShippingRate = {
  /** The carrier account in the shipping system (ShipStation's `se-…` id). */
  carrierId: string
  /** The carrier ("ups", "usps"). */
  carrier: string
  serviceCode: string
  serviceName: string
  /** Everything the carrier charges for it, a decimal string in major units. */
  amount: string
  currencyCode: string
  deliveryDays: number | null
}
export type ShippingLabel = {
  labelId: string
  trackingNumber: string
  trackingUrl: string | null
  carrier: string
  labelUrl: string | null
  /** False when the label was bought before for this reference (nothing was bought now). */
  created: boolean
}
export type TrackingStatus = {
  trackingNumber: string
  status: "pending" | "in_transit" | "delivered" | "exception" | "unknown"
  occurredAt: Date | null
  description: string | null
}
