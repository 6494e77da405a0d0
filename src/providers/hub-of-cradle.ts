import { MedusaError } from "@medusajs/framework/utils"
import { INTEGRATION_HUB_MODULE } from "../modules/integration-hub"
import type IntegrationHubModuleService from "../modules/integration-hub/service"

/** What a Medusa module provider of the hub's (fulfillment, payment) is given: its module's container. */
export type HubCradle = { [INTEGRATION_HUB_MODULE]?: IntegrationHubModuleService }

/**
 * The hub's module as a Medusa module provider reaches it: through its module's `dependencies` in medusa-config.
 * Without them the container has no hub (awilix throws on the lookup): the error says what to add, and where.
 */
export function hubOfCradle(cradle: HubCradle, provider: string, module: "fulfillment" | "payment"): IntegrationHubModuleService {
  let hub: IntegrationHubModuleService | undefined
  try {
    hub = cradle[INTEGRATION_HUB_MODULE]
  } catch {
    hub = undefined
  }
  if (!hub) {
    throw new MedusaError(
      MedusaError.Types.INVALID_DATA,
      `The ${provider} cannot reach the integration hub: add dependencies: ["${INTEGRATION_HUB_MODULE}"] to the ${module} module in medusa-config (see the README).`
    )
  }
  return hub
}
