import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { SandboxGatewayCheckoutProvider } from "./service"

export { SandboxGatewayCheckoutProvider }

export default ModuleProvider(Modules.PAYMENT, { services: [SandboxGatewayCheckoutProvider] })
