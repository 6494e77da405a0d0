import { HubSpotCrmProvider } from "./crm-hubspot/service"
import { SandboxCrmProvider } from "./crm-sandbox/service"
import { OdooErpProvider } from "./erp-odoo/service"
import { SandboxErpProvider } from "./erp-sandbox/service"
import { TrytonErpProvider } from "./erp-tryton/service"
import { SandboxGatewayProvider } from "./payment-sandbox/service"
import { StripePaymentProvider } from "./payment-stripe/service"
import { SandboxCarrierProvider } from "./shipping-sandbox/service"
import { ShipStationShippingProvider } from "./shipping-shipstation/service"
import type { IntegrationProviderClass } from "./types"

/**
 * The providers that ship with the plugin, by the name a connection's `provider` uses. Adding a vendor is
 * its folder under src/providers plus one line here; third-party providers are loaded by resolve path instead.
 */
export const BUILT_IN_PROVIDERS: Readonly<Record<string, IntegrationProviderClass>> = {
  tryton: TrytonErpProvider,
  odoo: OdooErpProvider,
  sandbox: SandboxErpProvider,
  shipstation: ShipStationShippingProvider,
  "sandbox-carrier": SandboxCarrierProvider,
  stripe: StripePaymentProvider,
  hubspot: HubSpotCrmProvider,
  "sandbox-gateway": SandboxGatewayProvider,
  "sandbox-crm": SandboxCrmProvider,
}
