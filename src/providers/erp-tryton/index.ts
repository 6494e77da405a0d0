import { ModuleProvider } from "@medusajs/framework/utils"
import { TrytonErpProvider } from "./service"

export { TrytonErpProvider }

export default ModuleProvider("integration_hub", { services: [TrytonErpProvider] })
