import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { writeFileSync } from "node:fs"
import { updateRegionsWorkflow } from "@medusajs/medusa/core-flows"
import { DEMO_PRODUCTS, seedCarrierOption, seedStore, WAREHOUSE_ADDRESS } from "./store"

/** Medusa's id of the sandbox gateway's checkout provider as demo/app/medusa-config.ts registers it (id "gateway"). */
const GATEWAY_PROVIDER_ID = "pp_sandbox-gateway_gateway"

/** `medusa exec ./seed.ts`: seeds the demo store once and writes what the storefront needs to $DEMO_SEED_FILE. */
export default async function seedDemoStore({ container }: ExecArgs) {
  const logger = container.resolve(ContainerRegistrationKeys.LOGGER)
  const regions = await container.resolve(Modules.REGION).listRegions({ name: "United States" })
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  let seeded
  if (regions.length) {
    logger.info("Demo store already seeded; reusing it")
    const { data: keys } = await query.graph({ entity: "api_key", fields: ["token"], filters: { type: "publishable", title: "Webshop" } })
    const { data: variants } = await query.graph({ entity: "product_variant", fields: ["id", "product.title"] })
    const { data: channels } = await query.graph({ entity: "sales_channel", fields: ["id"], filters: { name: "Webshop" } })
    seeded = {
      regionId: regions[0].id,
      salesChannelId: channels[0].id,
      publishableKey: keys[0].token,
      variants: Object.fromEntries(variants.map((v) => [v.product!.title, v.id])),
      ...(process.env.DEMO_WITH_PLUGIN !== "false" ? { paymentProviderId: GATEWAY_PROVIDER_ID } : {}),
    }
    // A store seeded before the sandbox gateway existed lets its region pay with it now.
    const { data: [region] } = await query.graph({ entity: "region", fields: ["id", "payment_providers.id"], filters: { id: regions[0].id } })
    const providers = (region?.payment_providers ?? []).flatMap((p: { id: string } | null) => (p ? [p.id] : []))
    if (process.env.DEMO_WITH_PLUGIN !== "false" && !providers.includes(GATEWAY_PROVIDER_ID)) {
      await updateRegionsWorkflow(container).run({ input: { selector: { id: regions[0].id }, update: { payment_providers: [...providers, GATEWAY_PROVIDER_ID] } } })
      logger.info("The region pays with the sandbox gateway now")
    }
    // A store seeded before the carrier existed gets its carrier-priced shipping option now, and its products weights.
    const { data: weighed } = await query.graph({ entity: "product_variant", fields: ["id", "weight", "product.title"] })
    for (const v of weighed) {
      const weight = DEMO_PRODUCTS.find((p) => p.title === v.product?.title)?.weight
      if (weight && !v.weight) await container.resolve(Modules.PRODUCT).updateProductVariants(v.id, { weight })
    }
    const { data: options } = await query.graph({ entity: "shipping_option", fields: ["id", "price_type", "service_zone_id", "shipping_profile_id"] })
    const { data: locations } = await query.graph({ entity: "stock_location", fields: ["id", "address.phone"], filters: { name: "Main warehouse" } })
    if (locations[0] && !locations[0].address?.phone) {
      await container.resolve(Modules.STOCK_LOCATION).updateStockLocations({ id: locations[0].id }, { address: WAREHOUSE_ADDRESS })
    }
    const flat = options.find((o) => o.price_type === "flat")
    const locationId = locations[0]?.id
    // Where returns go back to (the after-checkout leg).
    seeded = { ...seeded, stockLocationId: locationId }
    if (process.env.DEMO_WITH_PLUGIN !== "false" && flat && locationId && !options.some((o) => o.price_type === "calculated")) {
      await seedCarrierOption(container, { locationId, serviceZoneId: flat.service_zone_id, profileId: flat.shipping_profile_id, connectionId: "carrier" })
      logger.info("Added the carrier-priced shipping option")
    }
  } else {
    // With the plugin, checkout also offers shipping priced by the hub's carrier connection, and the sandbox gateway.
    seeded = await seedStore(container, undefined, process.env.DEMO_WITH_PLUGIN === "false" ? {} : { carrierConnectionId: "carrier", paymentProviderId: GATEWAY_PROVIDER_ID })
    logger.info("Seeded the demo store: region, warehouse, shipping, 4 products, publishable key")
  }
  if (process.env.DEMO_SEED_FILE) writeFileSync(process.env.DEMO_SEED_FILE, JSON.stringify(seeded))
}
