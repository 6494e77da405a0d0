import { Module } from "@medusajs/framework/utils"
import validateOptionsLoader from "./loaders/validate-options"
import IntegrationHubModuleService from "./service"

export const INTEGRATION_HUB_MODULE = "integration_hub"

export default Module(INTEGRATION_HUB_MODULE, {
  service: IntegrationHubModuleService,
  loaders: [validateOptionsLoader],
})

export { IntegrationHubModuleService }
