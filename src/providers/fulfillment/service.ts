import type { CalculatedShippingOptionPrice, CalculateShippingOptionPriceDTO, CreateFulfillmentResult, FulfillmentOption, Logger } from "@medusajs/framework/types"
import { AbstractFulfillmentProviderService, MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import type IntegrationHubModuleService from "../../modules/integration-hub/service"
import type { ShipmentRequest, ShippingRate } from "../types"
import { HubCradle, hubOfCradle } from "../hub-of-cradle"
import { assertProviderOptions } from "../validate-options"
import { LineToShip, MedusaAddress, shipmentFrom } from "./shipment"

export const hubFulfillmentOptionsSchema = z.object({
  /** The unit the store's variant weights are in (Medusa stores a bare number). */
  weightUnit: z.enum(["g", "kg", "lb", "oz"]).default("g"),
  /** How long a rate quote is reused for the same cart contents and address (checkout asks on every cart change). */
  rateCacheSeconds: z.number().int().min(0).max(3600).default(300),
  /**
   * Rules for the "by the routing rules" option: the first route whose conditions the cart meets picks the
   * shipping connection (destination countries, ISO 3166-1 alpha-2; parcel weight in grams); none met: the
   * first enabled shipping connection.
   */
  routes: z.array(z.object({
    connection: z.string().min(1),
    countries: z.array(z.string().length(2).transform((c) => c.toUpperCase())).min(1).optional(),
    minWeightGrams: z.number().min(0).optional(),
    maxWeightGrams: z.number().positive().optional(),
  })).default([]),
})
type HubFulfillmentOptions = z.output<typeof hubFulfillmentOptionsSchema>

/** What the provider keeps on a shipping method and a fulfillment (`data`): the connection and the rate chosen. */
export type CarrierData = { connection_id: string; carrier_id?: string; service_code?: string; routed?: boolean }

/** The fulfillment option that lets the routing rules choose the connection per cart. */
export const ROUTED = "routed"

type Cradle = HubCradle & { logger: Logger }
/** The cart as Medusa hands it to a fulfillment provider (calculatePrice, validateFulfillmentData). */
type CartContext = { id?: string; currency_code?: string; shipping_address?: MedusaAddress; items?: LineToShip[]; from_location?: { address?: MedusaAddress; name?: string } }

/**
 * The hub's shipping connections as a Medusa fulfillment provider: each enabled shipping connection is a
 * fulfillment option, priced at checkout from its carriers' rates (the cheapest service, or the one the storefront
 * chose). Every call goes through the hub (its HTTP layer, rate limit, breaker and call log): the store registers
 * the fulfillment module with `dependencies: ["integration_hub"]`, so this provider reaches the hub's module.
 * Labels are not bought here but by the hub's `create-shipment-labels` effect when the fulfillment is created: a
 * durable sync record, retried through carrier outages, shown on the order page with Retry.
 */
export class HubFulfillmentProvider extends AbstractFulfillmentProviderService {
  static identifier = "integration-hub"

  private readonly options: HubFulfillmentOptions
  private readonly quotes = new Map<string, { at: number; rates: ShippingRate[] }>()

  static validateOptions(options: Record<string, unknown>): void {
    assertProviderOptions(hubFulfillmentOptionsSchema, options)
  }

  constructor(private readonly cradle: Cradle, options: unknown) {
    super()
    this.options = hubFulfillmentOptionsSchema.parse(options ?? {})
  }

  /** The hub's module, which the store makes reachable with the fulfillment module's `dependencies`. */
  private hub(): IntegrationHubModuleService {
    return hubOfCradle(this.cradle, "integration-hub fulfillment provider", "fulfillment")
  }

  async getFulfillmentOptions(): Promise<FulfillmentOption[]> {
    const connections = this.hub().listConnections({ kind: "shipping", enabledOnly: true })
    const each = connections.map((c) => ({ id: c.id, connection_id: c.id, name: `${c.id} (${c.provider}): the cheapest service, priced by the carrier` }))
    return connections.length > 1 ? [...each, { id: ROUTED, connection_id: ROUTED, name: "The carrier the routing rules choose for the cart (destination, weight)" }] : each
  }

  async validateOption(data: Record<string, unknown>): Promise<boolean> {
    return !!this.connectionOf(data)
  }

  async canCalculate(data: { data?: Record<string, unknown> | null }): Promise<boolean> {
    return !!this.connectionOf(data.data ?? {})
  }

  /**
   * Keeps the connection on the cart's shipping method — for the routed option, the one the rules choose for this
   * cart — and the service, when the storefront chose one.
   */
  async validateFulfillmentData(optionData: Record<string, unknown>, data: Record<string, unknown>, context: Record<string, unknown>): Promise<CarrierData> {
    const option = this.requireConnection(optionData)
    const connectionId = option === ROUTED ? this.route(routeOf(this.cartShipment(ROUTED, context as CartContext))) : option
    const chosen = z.object({ carrier_id: z.string().min(1), service_code: z.string().min(1) }).partial().safeParse(data ?? {})
    return { connection_id: connectionId, ...(option === ROUTED ? { routed: true } : {}), ...(chosen.success ? chosen.data : {}) }
  }

  async calculatePrice(
    optionData: CalculateShippingOptionPriceDTO["optionData"],
    data: CalculateShippingOptionPriceDTO["data"],
    context: CalculateShippingOptionPriceDTO["context"]
  ): Promise<CalculatedShippingOptionPrice> {
    const option = this.requireConnection(optionData)
    const request = this.cartShipment(option, context as unknown as CartContext)
    const connectionId = option === ROUTED ? this.route(routeOf(request)) : option
    const rates = await this.rates(connectionId, request)
    const wanted = (data ?? {}) as Partial<CarrierData>
    const rate = wanted.service_code ? rates.find((r) => r.serviceCode === wanted.service_code && (!wanted.carrier_id || r.carrierId === wanted.carrier_id)) : rates[0]
    if (!rate) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `${connectionId} has no rate${wanted.service_code ? ` for service ${wanted.service_code}` : ""} for this cart's address and parcel`)
    }
    return { calculated_amount: Number(rate.amount), is_calculated_price_tax_inclusive: false }
  }

  /** The fulfillment is created at once; the hub buys its label right after (order.fulfillment_created). */
  async createFulfillment(data: Record<string, unknown>, _items: unknown, order?: { shipping_address?: MedusaAddress | null }): Promise<CreateFulfillmentResult> {
    let connectionId = this.requireConnection(data)
    // A shipping method added without the cart step (e.g. by an order edit) may still say "routed": route by destination.
    if (connectionId === ROUTED) connectionId = this.route({ country: order?.shipping_address?.country_code?.toUpperCase() ?? "", grams: 0 })
    return { data: { ...data, connection_id: connectionId, weight_unit: this.options.weightUnit, label: "pending" }, labels: [] }
  }

  /** The label, if one was bought, is voided by the hub's effect on order.fulfillment_canceled. */
  async cancelFulfillment(): Promise<Record<string, unknown>> {
    return {}
  }

  async createReturnFulfillment(): Promise<CreateFulfillmentResult> {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Return labels through the integration hub's carriers are not supported yet: use a manual return shipping option")
  }

  /** A cart (as Medusa passes it to the provider) as the parcel a carrier prices. */
  private cartShipment(option: string, cart: CartContext): ShipmentRequest {
    return shipmentFrom({
      what: `Cannot price shipping for cart ${cart.id ?? ""}`.trim(),
      connectionId: option,
      to: cart.shipping_address,
      from: cart.from_location?.address ? { ...cart.from_location.address, name: cart.from_location.name } : null,
      lines: cart.items ?? [],
      currencyCode: cart.currency_code ?? "usd",
      weightUnit: this.options.weightUnit,
    })
  }

  /** The connection the routing rules choose for a destination and weight: the first route met, else the first enabled connection. */
  private route({ country, grams }: { country: string; grams: number }): string {
    const enabled = new Set(this.hub().listConnections({ kind: "shipping", enabledOnly: true }).map((c) => c.id))
    const route = this.options.routes.find((r) =>
      enabled.has(r.connection) && (!r.countries || r.countries.includes(country)) && (r.minWeightGrams === undefined || grams >= r.minWeightGrams) && (r.maxWeightGrams === undefined || grams <= r.maxWeightGrams)
    )
    const chosen = route?.connection ?? [...enabled][0]
    if (!chosen) throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "No shipping connection of the integration hub is enabled to ship this cart")
    return chosen
  }

  /** Rates of one connection for one shipment, reused for `rateCacheSeconds` (checkout asks again on every cart change). */
  private async rates(connectionId: string, request: ShipmentRequest): Promise<ShippingRate[]> {
    const key = `${connectionId}:${JSON.stringify(request)}`
    const cached = this.quotes.get(key)
    if (cached && Date.now() - cached.at < this.options.rateCacheSeconds * 1000) return cached.rates
    const rates = await this.hub().getProvider(connectionId, "shipping").getRates(request)
    this.quotes.set(key, { at: Date.now(), rates })
    for (const [k, v] of this.quotes) if (Date.now() - v.at >= this.options.rateCacheSeconds * 1000) this.quotes.delete(k)
    return rates
  }

  private connectionOf(data: Record<string, unknown>): string | null {
    const id = typeof data.connection_id === "string" ? data.connection_id : null
    if (id === ROUTED) return ROUTED
    return id && this.hub().findConnection(id)?.kind === "shipping" ? id : null
  }

  private requireConnection(data: Record<string, unknown>): string {
    const id = this.connectionOf(data)
    if (!id) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `This shipping option names no shipping connection of the integration hub (data.connection_id ${JSON.stringify(data.connection_id ?? null)}): pick one of ${this.hub().listConnections({ kind: "shipping" }).map((c) => `"${c.id}"`).join(", ") || "none configured"}`
      )
    }
    return id
  }
}

/** What the routing rules look at in a shipment: its destination country and its weight. */
const routeOf = (request: ShipmentRequest) => ({ country: request.to.countryCode ?? "", grams: request.parcels.reduce((g, p) => g + p.weightGrams, 0) })
