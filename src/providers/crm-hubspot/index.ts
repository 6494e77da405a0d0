import { ModuleProvider } from "@medusajs/framework/utils"
import { HubSpotCrmProvider } from "./service"

export { HubSpotCrmProvider }

export default ModuleProvider("integration_hub", { services: [HubSpotCrmProvider] })
