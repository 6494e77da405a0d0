import { ModuleProvider } from "@medusajs/framework/utils"
import { OdooErpProvider } from "./service"

export { OdooErpProvider }

export default ModuleProvider("integration_hub", { services: [OdooErpProvider] })
