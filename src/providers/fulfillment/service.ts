import type { CalculatedShippingOptionPrice, CalculateShippingOptionPriceDTO, CreateFulfillmentResult, FulfillmentOption, Logger } from "@medusajs/framework/types"
import { AbstractFulfillmentProviderService, MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import type IntegrationHubModuleService from "../../modules/integration-hub/service"
import { INTEGRATION_HUB_MODULE } from "../../modules/integration-hub"
import type { ShipmentRequest, ShippingRate } from "../types"
import { assertProviderOptions } from "../validate-options"
import { LineToShip, MedusaAddress, shipmentFrom } from "./shipment"

export const hubFulfillmentOptionsSchema = z.object({
  /** The unit the store's variant weights are in (Medusa stores a bare number). */
  weightUnit: z.enum(["g", "kg", "lb", "oz"]).default("g"),
  /** How long a rate quote is reused for the same cart contents and address (checkout asks on every cart change). */
  rateCacheSeconds: z.number().int().min(0).max(3600).default(300),
})
type HubFulfillmentOptions = z.output<typeof hubFulfillmentOptionsSchema>

/** What the provider keeps on a shipping method and a fulfillment (`data`): the connection and the rate chosen. */
export type CarrierData = { connection_id: string; carrier_id?: string; service_code?: string; service_name?: string }

type Cradle = { logger: Logger; [INTEGRATION_HUB_MODULE]?: IntegrationHubModuleService }

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
    let hub: IntegrationHubModuleService | undefined
    try {
      hub = this.cradle[INTEGRATION_HUB_MODULE]
    } catch {
      hub = undefined
    }
    if (!hub) {
      throw new MedusaError(
        MedusaError.Types.INVALID_DATA,
        `The integration-hub fulfillment provider cannot reach the integration hub: add dependencies: ["${INTEGRATION_HUB_MODULE}"] to the fulfillment module in medusa-config (see the README, "Shipping").`
      )
    }
    return hub
  }

  async getFulfillmentOptions(): Promise<FulfillmentOption[]> {
    return this.hub()
      .listConnections({ kind: "shipping", enabledOnly: true })
      .map((c) => ({ id: c.id, connection_id: c.id, name: `${c.id} (${c.provider}): the cheapest service, priced by the carrier` }))
  }

  async validateOption(data: Record<string, unknown>): Promise<boolean> {
    return !!this.connectionOf(data)
  }

  async canCalculate(data: { data?: Record<string, unknown> | null }): Promise<boolean> {
    return !!this.connectionOf(data.data ?? {})
  }

  /** Keeps the connection (and the service, when the storefront chose one) on the cart's shipping method. */
  async validateFulfillmentData(optionData: Record<string, unknown>, data: Record<string, unknown>): Promise<CarrierData> {
    const connectionId = this.requireConnection(optionData)
    const chosen = z.object({ carrier_id: z.string().min(1), service_code: z.string().min(1) }).partial().safeParse(data ?? {})
    return { connection_id: connectionId, ...(chosen.success ? chosen.data : {}) }
  }

  async calculatePrice(
    optionData: CalculateShippingOptionPriceDTO["optionData"],
    data: CalculateShippingOptionPriceDTO["data"],
    context: CalculateShippingOptionPriceDTO["context"]
  ): Promise<CalculatedShippingOptionPrice> {
    const connectionId = this.requireConnection(optionData)
    const cart = context as unknown as { id?: string; currency_code?: string; shipping_address?: MedusaAddress; items?: LineToShip[]; from_location?: { address?: MedusaAddress; name?: string } }
    const request = shipmentFrom({
      what: `Cannot price shipping for cart ${cart.id ?? ""}`.trim(),
      connectionId,
      to: cart.shipping_address,
      from: cart.from_location?.address ? { ...cart.from_location.address, name: cart.from_location.name } : null,
      lines: cart.items ?? [],
      currencyCode: cart.currency_code ?? "usd",
      weightUnit: this.options.weightUnit,
    })
    const rates = await this.rates(connectionId, request)
    const wanted = (data ?? {}) as Partial<CarrierData>
    const rate = wanted.service_code ? rates.find((r) => r.serviceCode === wanted.service_code && (!wanted.carrier_id || r.carrierId === wanted.carrier_id)) : rates[0]
    if (!rate) {
      throw new MedusaError(MedusaError.Types.NOT_ALLOWED, `${connectionId} has no rate${wanted.service_code ? ` for service ${wanted.service_code}` : ""} for this cart's address and parcel`)
    }
    return { calculated_amount: Number(rate.amount), is_calculated_price_tax_inclusive: false }
  }

  /** The fulfillment is created at once; the hub buys its label right after (order.fulfillment_created). */
  async createFulfillment(data: Record<string, unknown>): Promise<CreateFulfillmentResult> {
    return { data: { ...data, connection_id: this.requireConnection(data), weight_unit: this.options.weightUnit, label: "pending" }, labels: [] }
  }

  /** The label, if one was bought, is voided by the hub's effect on order.fulfillment_canceled. */
  async cancelFulfillment(): Promise<Record<string, unknown>> {
    return {}
  }

  async createReturnFulfillment(): Promise<CreateFulfillmentResult> {
    throw new MedusaError(MedusaError.Types.NOT_ALLOWED, "Return labels through the integration hub's carriers are not supported yet: use a manual return shipping option")
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
