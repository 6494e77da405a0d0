import { ModuleProvider } from "@medusajs/framework/utils"
import { SandboxErpProvider } from "./service"

export { SandboxErpProvider }

export default ModuleProvider("integration_hub", { services: [SandboxErpProvider] })
