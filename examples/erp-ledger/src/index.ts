import { ModuleProvider } from "@medusajs/framework/utils"
import { LedgerErpProvider } from "./service"

export default ModuleProvider("integration_hub", { services: [LedgerErpProvider] })
