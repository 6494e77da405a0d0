import type { ILockingModule, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { INTEGRATION_HUB_MODULE } from "../modules/integration-hub"
import type IntegrationHubModuleService from "../modules/integration-hub/service"

/**
 * The hub's module service, from the app's container. The first call also hands the hub the app's locking module,
 * which its own module container does not have (OAuth refreshes lock across instances through it).
 */
export const hubOf = (container: MedusaContainer) => {
  const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
  hub.catalog.useLocking(() => container.resolve<ILockingModule>(Modules.LOCKING))
  return hub
}
