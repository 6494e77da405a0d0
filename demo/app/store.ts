import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules, ProductStatus, PromotionActions } from "@medusajs/framework/utils"
import {
  addShippingMethodToCartWorkflow,
  completeCartWorkflow,
  createApiKeysWorkflow,
  createCartWorkflow,
  createInventoryLevelsWorkflow,
  createPaymentCollectionForCartWorkflow,
  createPaymentSessionsWorkflow,
  createProductsWorkflow,
  createRegionsWorkflow,
  createSalesChannelsWorkflow,
  createShippingOptionsWorkflow,
  createShippingProfilesWorkflow,
  createStockLocationsWorkflow,
  createTaxRegionsWorkflow,
  linkSalesChannelsToApiKeyWorkflow,
  linkSalesChannelsToStockLocationWorkflow,
  updateCartPromotionsWorkflow,
  updateStoresWorkflow,
} from "@medusajs/medusa/core-flows"
import shopperAddress from "./shopper-address.json"

/**
 * A product to seed; `weight` in grams (what carriers rate and label by), none for one a carrier cannot ship;
 * `allowBackorder`: Medusa sells it beyond its stock (the variant's allow_backorder; off unless given).
 */
export type SeedProduct = { title: string; sku: string | null; price: number; stock: number; weight?: number; allowBackorder?: boolean }

export type SeededStore = {
  regionId: string
  salesChannelId: string
  shippingOptionId: string
  /** The shipping option priced by the hub's carrier connection, when one was asked for. */
  carrierShippingOptionId?: string
  stockLocationId: string
  publishableKey: string
  /** Variant id by product title. */
  variants: Record<string, string>
  /** The payment provider checkout pays with (Medusa's system provider unless the store was seeded with another). */
  paymentProviderId?: string
}

/** Products matching the Tryton peer's catalogue, plus the two a store owner gets wrong. */
export const DEMO_PRODUCTS: SeedProduct[] = [
  { title: "Blue shirt", sku: "SHIRT-BLUE", price: 20, stock: 1000, weight: 250 },
  { title: "Red mug", sku: "MUG-RED", price: 9.5, stock: 1000, weight: 400 },
  { title: "Ghost hat", sku: "HAT-GHOST", price: 15, stock: 1000, weight: 150 },
  { title: "Unlabelled scarf", sku: null, price: 12, stock: 1000 },
]

/** The warehouse the demo ships from: everything a carrier needs on a sender's address. */
export const WAREHOUSE_ADDRESS = { address_1: "1 Dock Rd", city: "Newark", province: "NJ", postal_code: "07114", phone: "+1 973 555 0100", country_code: "us" }

/**
 * A minimal sellable US store, built only with Medusa's own workflows: region with the system payment
 * provider, sales channel, warehouse with manual fulfillment, a flat shipping option, products with stock
 * and a publishable API key. Used by the demo, the benchmark and the integration tests.
 */
export async function seedStore(
  container: MedusaContainer,
  products: SeedProduct[] = DEMO_PRODUCTS,
  opts: { carrierConnectionId?: string; paymentProviderId?: string } = {}
): Promise<SeededStore> {
  const link = container.resolve(ContainerRegistrationKeys.LINK)
  const fulfillment = container.resolve(Modules.FULFILLMENT)
  const storeModule = container.resolve(Modules.STORE)

  const [store] = await storeModule.listStores()
  const { result: [salesChannel] } = await createSalesChannelsWorkflow(container).run({
    input: { salesChannelsData: [{ name: "Webshop" }] },
  })
  await updateStoresWorkflow(container).run({
    input: {
      selector: { id: store.id },
      update: {
        supported_currencies: [{ currency_code: "usd", is_default: true }],
        default_sales_channel_id: salesChannel.id,
      },
    },
  })
  const { result: [region] } = await createRegionsWorkflow(container).run({
    input: { regions: [{ name: "United States", currency_code: "usd", countries: ["us"], payment_providers: ["pp_system_default", ...(opts.paymentProviderId ? [opts.paymentProviderId] : [])] }] },
  })
  await createTaxRegionsWorkflow(container).run({ input: [{ country_code: "us", provider_id: "tp_system" }] })

  const { result: [location] } = await createStockLocationsWorkflow(container).run({
    input: { locations: [{ name: "Main warehouse", address: WAREHOUSE_ADDRESS }] },
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_provider_id: "manual_manual" },
  })
  const { result: [profile] } = await createShippingProfilesWorkflow(container).run({
    input: { data: [{ name: "Default", type: "default" }] },
  })
  const fulfillmentSet = await fulfillment.createFulfillmentSets({
    name: "Main warehouse shipping",
    type: "shipping",
    service_zones: [{ name: "US", geo_zones: [{ country_code: "us", type: "country" }] }],
  })
  await link.create({
    [Modules.STOCK_LOCATION]: { stock_location_id: location.id },
    [Modules.FULFILLMENT]: { fulfillment_set_id: fulfillmentSet.id },
  })
  const { result: [shippingOption] } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: "Standard shipping",
        price_type: "flat",
        provider_id: "manual_manual",
        service_zone_id: fulfillmentSet.service_zones[0].id,
        shipping_profile_id: profile.id,
        type: { label: "Standard", description: "Ships in 2-3 days", code: "standard" },
        prices: [{ currency_code: "usd", amount: 5 }, { region_id: region.id, amount: 5 }],
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })
  await linkSalesChannelsToStockLocationWorkflow(container).run({ input: { id: location.id, add: [salesChannel.id] } })
  const carrierShippingOptionId = opts.carrierConnectionId
    ? await seedCarrierOption(container, { locationId: location.id, serviceZoneId: fulfillmentSet.service_zones[0].id, profileId: profile.id, connectionId: opts.carrierConnectionId })
    : undefined

  const { result: created } = await createProductsWorkflow(container).run({
    input: {
      products: products.map((p) => ({
        title: p.title,
        status: ProductStatus.PUBLISHED,
        shipping_profile_id: profile.id,
        options: [{ title: "Size", values: ["One size"] }],
        variants: [
          {
            title: "One size",
            sku: p.sku ?? undefined,
            weight: p.weight,
            options: { Size: "One size" },
            manage_inventory: true,
            ...(p.allowBackorder ? { allow_backorder: true } : {}),
            prices: [{ amount: p.price, currency_code: "usd" }],
          },
        ],
        sales_channels: [{ id: salesChannel.id }],
      })),
    },
  })
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: variants } = await query.graph({
    entity: "product_variant",
    fields: ["id", "product.title", "inventory_items.inventory_item_id"],
    filters: { product_id: created.map((p) => p.id) },
  })
  await createInventoryLevelsWorkflow(container).run({
    input: {
      inventory_levels: variants.map((v) => ({
        location_id: location.id,
        inventory_item_id: v.inventory_items![0]!.inventory_item_id,
        stocked_quantity: products.find((p) => p.title === v.product?.title)?.stock ?? 0,
      })),
    },
  })
  const { result: [apiKey] } = await createApiKeysWorkflow(container).run({
    input: { api_keys: [{ title: "Webshop", type: "publishable", created_by: "" }] },
  })
  await linkSalesChannelsToApiKeyWorkflow(container).run({ input: { id: apiKey.id, add: [salesChannel.id] } })

  return {
    regionId: region.id,
    salesChannelId: salesChannel.id,
    shippingOptionId: shippingOption.id,
    carrierShippingOptionId,
    stockLocationId: location.id,
    publishableKey: apiKey.token,
    variants: Object.fromEntries(variants.map((v) => [v.product!.title, v.id])),
    ...(opts.paymentProviderId ? { paymentProviderId: opts.paymentProviderId } : {}),
  }
}

/** The fulfillment provider id of the hub's carriers as medusa-config registers it (identifier "integration-hub", id "carriers"). */
export const HUB_CARRIERS_PROVIDER_ID = "integration-hub_carriers"

/**
 * A shipping option priced at checkout by one of the hub's carrier connections, as a store owner creates it in the
 * admin: the hub's fulfillment provider enabled at the warehouse, a calculated option naming the connection.
 */
export async function seedCarrierOption(
  container: MedusaContainer,
  input: { locationId: string; serviceZoneId: string; profileId: string; connectionId: string }
): Promise<string> {
  const { data: [location] } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "stock_location", fields: ["fulfillment_providers.id"], filters: { id: input.locationId },
  })
  if (!(location?.fulfillment_providers ?? []).some((p: { id: string } | null) => p?.id === HUB_CARRIERS_PROVIDER_ID)) {
    await container.resolve(ContainerRegistrationKeys.LINK).create({
      [Modules.STOCK_LOCATION]: { stock_location_id: input.locationId },
      [Modules.FULFILLMENT]: { fulfillment_provider_id: HUB_CARRIERS_PROVIDER_ID },
    })
  }
  const { result: [option] } = await createShippingOptionsWorkflow(container).run({
    input: [
      {
        name: `Carrier (${input.connectionId})`,
        price_type: "calculated",
        provider_id: HUB_CARRIERS_PROVIDER_ID,
        service_zone_id: input.serviceZoneId,
        shipping_profile_id: input.profileId,
        data: { connection_id: input.connectionId },
        type: { label: "Carrier", description: "Priced by the carrier at checkout", code: `carrier-${input.connectionId}` },
        rules: [
          { attribute: "enabled_in_store", value: "true", operator: "eq" },
          { attribute: "is_return", value: "false", operator: "eq" },
        ],
      },
    ],
  })
  return option.id
}

/** The shopper every demo, test and benchmark order ships to (shared with demo/storefront.mjs). */
export const DEMO_ADDRESS: Record<string, string> = shopperAddress

/**
 * Places an order the way checkout does, through Medusa's cart workflows: cart → shipping method →
 * payment session (the store's payment provider, the system provider by default) → complete. Completion emits
 * order.placed. Returns the order id.
 */
export async function placeOrder(
  container: MedusaContainer,
  store: SeededStore,
  input: { email: string; items: Array<{ title: string; quantity: number }>; promoCodes?: string[]; shippingOptionId?: string }
): Promise<string> {
  const { result: cart } = await createCartWorkflow(container).run({
    input: {
      region_id: store.regionId,
      sales_channel_id: store.salesChannelId,
      currency_code: "usd",
      email: input.email,
      shipping_address: DEMO_ADDRESS,
      billing_address: DEMO_ADDRESS,
      items: input.items.map((i) => ({ variant_id: store.variants[i.title], quantity: i.quantity })),
    },
  })
  await addShippingMethodToCartWorkflow(container).run({
    input: { cart_id: cart.id, options: [{ id: input.shippingOptionId ?? store.shippingOptionId }] },
  })
  if (input.promoCodes?.length) {
    await updateCartPromotionsWorkflow(container).run({ input: { cart_id: cart.id, promo_codes: input.promoCodes, action: PromotionActions.ADD } })
  }
  const { result: collection } = await createPaymentCollectionForCartWorkflow(container).run({ input: { cart_id: cart.id } })
  await createPaymentSessionsWorkflow(container).run({
    input: { payment_collection_id: collection.id, provider_id: store.paymentProviderId ?? "pp_system_default" },
  })
  const { result } = await completeCartWorkflow(container).run({ input: { id: cart.id } })
  return result.id
}
