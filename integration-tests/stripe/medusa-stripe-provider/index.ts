import { ModuleProvider, Modules } from "@medusajs/framework/utils"
import { StripeTestProviderService } from "./service"

export default ModuleProvider(Modules.PAYMENT, { services: [StripeTestProviderService] })
