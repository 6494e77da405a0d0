import type { MedusaContainer } from "@medusajs/framework/types"
import { INTEGRATION_HUB_MODULE } from "../modules/integration-hub"
import type IntegrationHubModuleService from "../modules/integration-hub/service"

export const hubOf = (container: MedusaContainer) => container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
