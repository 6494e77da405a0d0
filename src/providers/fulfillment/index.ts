import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { HubFulfillmentProvider } from "./service"

export { HubFulfillmentProvider }

export default ModuleProvider(Modules.FULFILLMENT, { services: [HubFulfillmentProvider] })
