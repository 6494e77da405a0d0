import { ModuleProvider } from "@medusajs/framework/utils"
import { SandboxCarrierProvider } from "./service"

export { SandboxCarrierProvider }

export default ModuleProvider("integration_hub", { services: [SandboxCarrierProvider] })
