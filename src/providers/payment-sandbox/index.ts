import { ModuleProvider } from "@medusajs/framework/utils"
import { SandboxGatewayProvider } from "./service"

export { SandboxGatewayProvider }

export default ModuleProvider("integration_hub", { services: [SandboxGatewayProvider] })
