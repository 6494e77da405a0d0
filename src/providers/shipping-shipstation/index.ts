import { ModuleProvider } from "@medusajs/framework/utils"
import { ShipStationShippingProvider } from "./service"

export { ShipStationShippingProvider }

export default ModuleProvider("integration_hub", { services: [ShipStationShippingProvider] })
