import type { ZodType } from "@medusajs/framework/zod"
import { createHash, createPublicKey, timingSafeEqual, verify, JsonWebKey } from "node:crypto"
import { MathBN } from "@medusajs/framework/utils"
import { IntegrationError } from "../../lib/errors"
import { HttpClient } from "../../lib/http/client"
import { headerValue, SignatureVerdict } from "../../lib/webhooks/signatures"
import type { InboundEvent, InboundRequest, LabelRequest, ProviderDeps, ProviderStateStore, ShipmentAddress, ShipmentRequest, ShippingLabel, ShippingProvider, ShippingRate, TrackingStatus } from "../types"
import { isCustomerAddress, LabelSubject, requireLabelSubject, requireSameKindOfLabel, requireShippableAddress } from "../shipping-address"
import { parseWebhookBody } from "../webhook-body"
import { assertProviderOptions } from "../validate-options"
import { ShipStationClient } from "./client"
import { jwksSchema, ShipStationAddress, ShipStationLabel, ShipStationOptions, shipStationOptionsSchema, ShipStationRate, webhookBodySchema } from "./types"
import { WebhookKeySet } from "./webhook-keys"

/** ShipStation keeps at most 50 characters of `external_shipment_id` (it truncates the rest). */
const EXTERNAL_ID_MAX = 50
/** How far a webhook's x-shipengine-timestamp may be from our clock. */
const WEBHOOK_TOLERANCE_S = 300

/**
 * ShipStation API v2 as a shipping connection: rates from `/v2/rates` for the configured carrier accounts,
 * labels bought with `/v2/labels` under our reference as `external_shipment_id` (looked up first, so a retry
 * after a lost answer finds the label instead of buying a second), voids, and tracking from `/v2/labels/{id}/track`.
 * A return label is bought the same way, marked `is_return_label` (the customer ships from, the stock location
 * receives): not with `/v2/labels/{id}/return`, which takes no external_shipment_id and so could not be idempotent.
 * Addresses and parcels are checked before anything is sent: a missing phone, postal code or weight is refused
 * naming the field.
 */
export class ShipStationShippingProvider implements ShippingProvider {
  static identifier = "shipstation"
  static kind = "shipping" as const
  /** ShipStation allows 200 requests per minute per account. */
  static defaultRateLimit = { requests: 200, perSeconds: 60 }
  readonly kind = "shipping" as const

  private readonly options: ShipStationOptions
  private readonly client: ShipStationClient
  private readonly connectionId: string
  private readonly state: ProviderStateStore
  private readonly webhookKeys: WebhookKeySet

  static optionsSchema: ZodType = shipStationOptionsSchema

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(shipStationOptionsSchema, options)
  }

  constructor(deps: ProviderDeps, options: unknown) {
    this.options = shipStationOptionsSchema.parse(options)
    this.connectionId = deps.connection.id
    this.client = new ShipStationClient(deps.createHttpClient(this.options.baseUrl.replace(/\/+$/, ""), [this.options.apiKey]), this.options.apiKey)
    this.state = deps.state
    // Not the connection's client: deliveries (forged ones too) must not spend the rate limit or trip the breaker
    // that label buying goes through. The key set is fetched at most once a minute (WebhookKeySet), and logged.
    const jwksUrl = new URL(this.options.webhookJwksUrl)
    const jwksHttp = new HttpClient({ baseURL: jwksUrl.origin, timeoutMs: deps.connection.timeoutMs, recorder: deps.createRecorder([]) })
    this.webhookKeys = new WebhookKeySet(async () => {
      const res = await jwksHttp.request<unknown>({ method: "GET", url: `${jwksUrl.pathname}${jwksUrl.search}`, operation: "webhooks.jwks", safe: true })
      return new Map(jwksSchema.parse(res.data).keys.map((k) => [k.kid, k as JsonWebKey]))
    })
  }

  testConnection(): Promise<void> {
    return this.client.carriers()
  }

  externalUrl(): string | null {
    // ShipStation's web app has no stable public URL per label.
    return null
  }

  describeCall(operation: string): string | null {
    return DESCRIPTIONS[operation] ?? null
  }

  async getRates(input: ShipmentRequest): Promise<ShippingRate[]> {
    const res = await this.client.rates({
      rate_options: { carrier_ids: this.options.carrierIds, preferred_currency: input.currencyCode.toLowerCase() },
      shipment: this.shipment(input),
    })
    const rates = res.rate_response.rates.map((r) => toRate(r, input.currencyCode))
    if (!rates.length && res.rate_response.errors.length) {
      throw this.permanent(`ShipStation returned no rates: ${res.rate_response.errors.map((e) => e.message).join("; ")}`, "shipstation_no_rates")
    }
    return rates.sort((a, b) => MathBN.convert(a.amount).minus(b.amount).toNumber())
  }

  async createLabel(input: LabelRequest): Promise<ShippingLabel> {
    const checker = { connectionId: this.connectionId, carrier: "ShipStation" }
    const subject = requireLabelSubject(input, checker)
    const shipment = this.shipment(input, subject.isReturn)
    const externalId = externalShipmentId(input.reference)
    const existing = await this.labelFor(externalId)
    if (existing) {
      requireSameKindOfLabel({ labelId: existing.label_id, isReturn: existing.is_return_label === true }, subject, input.reference, checker)
      await this.remember(existing.label_id, subject)
      return toLabel(existing, false)
    }
    const label = await this.client.createLabel({
      label_format: this.options.labelFormat,
      label_layout: this.options.labelLayout,
      label_download_type: "url",
      // A return label in ShipStation's words, with the Medusa return as its RMA number ("so you know what is being returned").
      ...(subject.isReturn ? { is_return_label: true, rma_number: subject.returnId } : {}),
      shipment: {
        ...shipment,
        carrier_id: input.carrierId,
        service_code: input.serviceCode,
        external_shipment_id: externalId,
        // ShipStation's default, "the ship_from address": on a return label the customer's, where an undeliverable return goes back.
        return_to: shipment.ship_from,
        ...(subject.isReturn ? { is_return: true } : {}),
        confirmation: "none",
        advanced_options: {},
        insurance_provider: "none",
        tags: [],
      },
    })
    await this.remember(label.label_id, subject)
    return toLabel(label, true)
  }

  /** What a label ships (the order, and its fulfillment or return), for its tracking events (kept in the hub's database). */
  private remember(labelId: string, subject: LabelSubject): Promise<void> {
    return this.state.set(`label:${labelId}`, { order_id: subject.orderId, fulfillment_id: subject.fulfillmentId, return_id: subject.returnId, is_return: subject.isReturn })
  }

  /**
   * As ShipStation documents it: an RSA-SHA256 signature of "<x-shipengine-timestamp>.<raw body>" in
   * x-shipengine-rsa-sha256-signature (base64), by the published key x-shipengine-rsa-sha256-key-id, within 5
   * minutes; and, when options.webhookToken is set, that token in x-integration-hub-token.
   */
  async verifyWebhook(request: InboundRequest): Promise<SignatureVerdict> {
    if (this.options.webhookToken) {
      const token = headerValue(request.headers, "x-integration-hub-token")
      if (!token) return { ok: false, reason: "missing_signature", message: "x-integration-hub-token header missing (options.webhookToken is set)" }
      const [a, b] = [Buffer.from(token), Buffer.from(this.options.webhookToken)]
      if (a.length !== b.length || !timingSafeEqual(a, b)) return { ok: false, reason: "bad_signature", message: "x-integration-hub-token does not match options.webhookToken" }
    }
    if (!this.options.verifyWebhookSignature) return { ok: true }
    const keyId = headerValue(request.headers, "x-shipengine-rsa-sha256-key-id")
    const signature = headerValue(request.headers, "x-shipengine-rsa-sha256-signature")
    const timestamp = headerValue(request.headers, "x-shipengine-timestamp")
    if (!keyId || !signature || !timestamp) return { ok: false, reason: "missing_signature", message: "x-shipengine-rsa-sha256-key-id, -signature or x-shipengine-timestamp header missing" }
    const at = new Date(/^\d+$/.test(timestamp) ? Number(timestamp) * 1000 : timestamp)
    if (Number.isNaN(at.getTime()) || Math.abs(Date.now() - at.getTime()) > WEBHOOK_TOLERANCE_S * 1000) {
      return { ok: false, reason: "timestamp_out_of_tolerance", message: `x-shipengine-timestamp ${timestamp} is more than ${WEBHOOK_TOLERANCE_S} s from now` }
    }
    const jwk = await this.webhookKeys.get(keyId)
    if (!jwk) return { ok: false, reason: "bad_signature", message: `no published ShipStation key has id ${keyId}` }
    const signed = Buffer.concat([Buffer.from(`${timestamp}.`), request.rawBody])
    const valid = verify("sha256", signed, createPublicKey({ key: jwk, format: "jwk" }), Buffer.from(signature, "base64"))
    return valid ? { ok: true, timestamp: at } : { ok: false, reason: "bad_signature", message: "the RSA-SHA256 signature does not match the body" }
  }

  /** A tracking event ("shipment.tracking") about a label this hub bought; other events are kept as they come. */
  async parseWebhook(request: InboundRequest): Promise<InboundEvent> {
    const body = parseWebhookBody(request.rawBody, webhookBodySchema, "a ShipStation webhook")
    // ShipStation sends no event id: the same body delivered again is the same event.
    const id = createHash("sha256").update(request.rawBody).digest("hex")
    const timestamp = headerValue(request.headers, "x-shipengine-timestamp")
    const occurred = body.data?.events?.[0]?.occurred_at ?? (timestamp && /^\d+$/.test(timestamp) ? new Date(Number(timestamp) * 1000).toISOString() : timestamp)
    const occurredAt = occurred && !Number.isNaN(Date.parse(occurred)) ? new Date(occurred) : null
    const labelId = /\/v2\/labels\/([^/]+)\/track/.exec(body.resource_url)?.[1] ?? body.data?.label_id ?? null
    if (!/TRACK/i.test(body.resource_type) || !labelId) return { id, type: body.resource_type, occurredAt, subject: null, data: { resource_url: body.resource_url } }
    // return_id and is_return are absent on labels remembered before return labels.
    const shipped = await this.state.get<{ order_id: string; fulfillment_id: string | null; return_id?: string | null; is_return?: boolean }>(`label:${labelId}`)
    return {
      id,
      type: "shipment.tracking",
      occurredAt,
      subject: shipped ? { entity_type: "order", entity_id: shipped.order_id } : null,
      data: {
        label_id: labelId, fulfillment_id: shipped?.fulfillment_id ?? null, return_id: shipped?.return_id ?? null, is_return: shipped?.is_return ?? false,
        tracking_number: body.data?.tracking_number ?? null, claimed_status: body.data?.status_code ?? null,
      },
    }
  }

  async voidLabel(labelId: string): Promise<{ voided: boolean; summary: string }> {
    const res = await this.client.voidLabel(labelId)
    if (res.approved || res.reason_code === "label_already_voided") return { voided: true, summary: `label ${labelId} voided${res.approved ? "" : " before"}` }
    return { voided: false, summary: `ShipStation did not void label ${labelId}: ${res.message}${res.reason_code ? ` (${res.reason_code})` : ""}` }
  }

  async getTracking(labelId: string): Promise<TrackingStatus> {
    const t = await this.client.track(labelId)
    const latest = t.events[0]
    const occurred = t.actual_delivery_date ?? latest?.occurred_at ?? null
    return {
      trackingNumber: t.tracking_number,
      status: trackingStatus(t.status_code),
      occurredAt: occurred && !Number.isNaN(Date.parse(occurred)) ? new Date(occurred) : null,
      description: t.status_description ?? t.carrier_status_description ?? latest?.description ?? null,
    }
  }

  /** The live (not voided) label bought for our external shipment id, if any. */
  private async labelFor(externalId: string): Promise<ShipStationLabel | null> {
    const shipment = await this.client.shipmentByExternalId(externalId)
    if (!shipment) return null
    const labels = await this.client.labelsOfShipment(shipment.shipment_id)
    return labels.find((l) => !l.voided && l.status !== "voided" && l.status !== "error") ?? null
  }

  /** On a return (`isReturn`) `from` is the customer and `to` the stock location, as ShipStation's ship_from and ship_to. */
  private shipment(input: ShipmentRequest, isReturn = false) {
    if (!input.parcels.length) throw this.permanent("The shipment has no parcel to ship", "shipment_no_parcel")
    return {
      ship_to: shipStationAddress(input.to, "ship_to", this.connectionId, isReturn),
      ship_from: shipStationAddress(input.from, "ship_from", this.connectionId, isReturn),
      packages: input.parcels.map((p, i) => {
        // ShipStation wants more than 1 of the unit: grams.
        if (!(p.weightGrams > 1)) throw this.permanent(`Parcel ${i + 1} weighs ${p.weightGrams} g: give the products a weight in Medusa (in grams), then retry`, "shipment_no_weight")
        const dimensions = p.lengthCm && p.widthCm && p.heightCm ? { dimensions: { unit: "centimeter", length: p.lengthCm, width: p.widthCm, height: p.heightCm } } : {}
        return { weight: { value: p.weightGrams, unit: "gram" }, ...dimensions }
      }),
    }
  }

  private permanent(message: string, code: string): IntegrationError {
    return new IntegrationError(message, { connectionId: this.connectionId, code, retryable: false })
  }
}

/** Our reference as ShipStation's external_shipment_id: as is when it fits 50 characters, else a stable digest. */
export function externalShipmentId(reference: string): string {
  if (reference.length <= EXTERNAL_ID_MAX) return reference
  return `medusa:${createHash("sha256").update(reference).digest("hex").slice(0, EXTERNAL_ID_MAX - 7)}`
}

/**
 * An address in ShipStation's shape, refusing one a carrier cannot ship to, naming the field: ShipStation needs
 * every field present. Where a country has no provinces, the city stands in for `state_province`. The customer's
 * address (the recipient's, or on a return the sender's) is residential unless it names a company.
 */
export function shipStationAddress(a: ShipmentAddress, role: "ship_to" | "ship_from", connectionId: string, isReturn = false): ShipStationAddress {
  const { country, phone, postalCode } = requireShippableAddress(a, role, { connectionId, carrier: "ShipStation", isReturn })
  const [line1, ...rest] = a.street.split("\n").map((l) => l.trim()).filter(Boolean)
  return {
    name: a.name.trim() || a.company?.trim() || "Recipient",
    phone,
    ...(a.company?.trim() ? { company_name: a.company.trim() } : {}),
    address_line1: line1,
    ...(rest.length ? { address_line2: rest.join(", ") } : {}),
    city_locality: a.city.trim(),
    state_province: a.province?.trim() || a.city.trim(),
    postal_code: postalCode,
    country_code: country,
    address_residential_indicator: isCustomerAddress(role, isReturn) && !a.company?.trim() ? "yes" : "no",
  }
}

function toRate(r: ShipStationRate, currencyCode: string): ShippingRate {
  const parts = [r.shipping_amount, r.insurance_amount, r.confirmation_amount, r.other_amount].filter((m): m is { currency: string; amount: number } => !!m)
  const amount = parts.reduce((sum, m) => sum.plus(m.amount), MathBN.convert(0))
  return {
    carrierId: r.carrier_id,
    carrier: r.carrier_code,
    serviceCode: r.service_code,
    serviceName: r.service_type ?? r.service_code,
    amount: amount.toFixed(2),
    currencyCode: /^[a-z]{3}$/i.test(r.shipping_amount.currency) ? r.shipping_amount.currency.toUpperCase() : currencyCode.toUpperCase(),
    deliveryDays: r.delivery_days ?? null,
  }
}

function toLabel(l: ShipStationLabel, created: boolean): ShippingLabel {
  const download = l.label_download
  return {
    labelId: l.label_id,
    trackingNumber: l.tracking_number,
    trackingUrl: l.tracking_url ?? null,
    carrier: l.carrier_code,
    labelUrl: download?.pdf ?? download?.png ?? download?.zpl ?? download?.href ?? null,
    created,
  }
}

/**
 * ShipStation's tracking codes in the hub's words: the two-letter codes its API sends (AC accepted, IT in transit,
 * DE delivered, EX exception, AT delivery attempt, NY not yet in the carrier's system, SP delivered to a collection
 * point, UN unknown) and the detail codes its API description lists (DELIVERED_TO_NEIGHBOUR, PARCEL_LOST, …).
 */
export function trackingStatus(code: string | null | undefined): TrackingStatus["status"] {
  const c = (code ?? "").toUpperCase()
  if (!c || c === "UN" || c === "CARRIER_STATUS_NOT_MAPPED") return "unknown"
  if (c === "DE" || c === "SP" || c.startsWith("DELIVERED") || c === "PROOF_OF_DELIVERY" || c === "PARCEL_COLLECTED_FROM_PICKUP_POINT") return "delivered"
  if (c === "NY" || ["AWAITING_DESPATCH", "NOT_YET_RECEIVED_BY_CARRIER", "ELEC_ADVICE_RECD_BY_CARRIER", "COLLECTION_REQUESTED"].includes(c)) return "pending"
  if (c === "EX" || /FAILED|LOST|DAMAGED|REFUSED|RETURN_TO_SENDER|NOT_DELIVERED|CANCELLED|HELD_BY_CUSTOMS|CUSTOMER_MOVED/.test(c)) return "exception"
  return "in_transit"
}

const DESCRIPTIONS: Record<string, string> = {
  "carriers.list": "list the carrier accounts (checks the API key)",
  "rates.calculate": "ask the carriers for rates",
  "labels.create": "buy the shipping label",
  "shipments.by_external_id": "find the shipment by our reference",
  "labels.list": "list the shipment's labels",
  "labels.void": "void the label",
  "labels.track": "read the label's tracking",
  "webhooks.jwks": "fetch ShipStation's webhook signing keys",
}
