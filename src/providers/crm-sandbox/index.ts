import { ModuleProvider } from "@medusajs/framework/utils"
import { SandboxCrmProvider } from "./service"

export { SandboxCrmProvider }

export default ModuleProvider("integration_hub", { services: [SandboxCrmProvider] })
