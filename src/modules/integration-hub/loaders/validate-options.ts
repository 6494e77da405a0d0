import type { LoaderOptions } from "@medusajs/framework/types"
import { validatePluginOptions } from "../connections"

/** Stops the boot on invalid plugin options, with one line per problem naming the option. */
export default async function validateOptionsLoader({ options }: LoaderOptions): Promise<void> {
  validatePluginOptions(options)
}
