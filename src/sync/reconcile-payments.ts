import type { MedusaContainer } from "@medusajs/framework/types"
import type { ConnectionConfig } from "../modules/integration-hub/options"
import type { Drift, Found } from "./drift"
import { hubOf } from "./hub"
import { checkPaymentDrift, describeDrift } from "./payment-drift"

/** Payment gateway: the payment drift check over the window; every disagreement still open is a drift item. */
export async function reconcilePayments(container: MedusaContainer, connection: ConnectionConfig, from: Date, to: Date): Promise<Found> {
  const hub = hubOf(container)
  const result = await checkPaymentDrift(container, { since: from, until: to }, { connectionId: connection.id })
  const open = await hub.listPaymentDrifts({ connection_id: connection.id, resolved_at: null })
  // The gateway owns payment state; what Medusa records of it is Medusa's payment flow: the hub reports, staff decide.
  const drifts: Drift[] = open.map((d) => ({
    entity_type: "payment", entity_id: d.payment_id, kind: "payment", message: describeDrift(d),
    details: { field: d.field, medusa: d.medusa_value, gateway: d.gateway_value, order_id: d.order_id }, fixes: ["ignore"],
  }))
  for (const e of result.errors) drifts.push({ entity_type: "payment", entity_id: e.payment_id, kind: "payment", message: e.message, details: {}, fixes: ["ignore"] })
  return { checked: result.checked, drifts }
}
