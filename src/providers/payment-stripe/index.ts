import { ModuleProvider } from "@medusajs/framework/utils"
import { StripePaymentProvider } from "./service"

export { StripePaymentProvider }

export default ModuleProvider("integration_hub", { services: [StripePaymentProvider] })
