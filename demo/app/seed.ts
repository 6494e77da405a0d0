import type { ExecArgs } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { writeFileSync } from "node:fs"
import { seedStore } from "./store"

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
    }
  } else {
    seeded = await seedStore(container)
    logger.info("Seeded the demo store: region, warehouse, shipping, 4 products, publishable key")
  }
  if (process.env.DEMO_SEED_FILE) writeFileSync(process.env.DEMO_SEED_FILE, JSON.stringify(seeded))
}
