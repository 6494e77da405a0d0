import type { INotificationModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { createSyncStep } from "../../sync-step"
import type { FulfillmentForTracking } from "../index"

export const notifyCustomerStepId = "notify-customer"

/** The templates the store's notification provider renders; their data is in the README. */
export const SHIPMENT_TEMPLATES = { shipped: "integration-hub-shipment-shipped", delivered: "integration-hub-shipment-delivered" } as const

/**
 * Tells the customer, through Medusa's Notification module, each status the fulfillment has reached (shipped with
 * the tracking link, delivered): by e-mail, and by SMS when the store registered an SMS provider and the order has
 * a phone. Once per status and channel, however often the carrier's webhook repeats: a notification sent before
 * (found by fulfillment, status and channel) is not sent again; one that failed is sent again under a new key.
 */
export const notifyCustomerStep = createSyncStep(
  notifyCustomerStepId,
  async (input: { fulfillment: FulfillmentForTracking; reached: Array<"shipped" | "delivered">; carrier: string | null }, { container }) => {
    const notifications = container.resolve<INotificationModuleService>(Modules.NOTIFICATION)
    const f = input.fulfillment
    const channels = [...(f.email ? [{ channel: "email", to: f.email }] : []), ...(f.phone && smsRegistered(container) ? [{ channel: "sms", to: f.phone }] : [])]
    const sent: string[] = []
    for (const status of input.reached) {
      for (const { channel, to } of channels) {
        const trigger_type = `integration-hub.shipment.${status}`
        const before = await notifications.listNotifications({ resource_id: f.id, trigger_type, channel })
        if (before.some((n) => n.status !== "failure")) continue
        const label = f.labels[0]
        await notifications.createNotifications({
          to, channel, template: SHIPMENT_TEMPLATES[status], trigger_type, resource_type: "fulfillment", resource_id: f.id,
          idempotency_key: `integration-hub:${f.id}:${status}:${channel}:${before.length}`,
          data: {
            order_id: f.order_id, order_display_id: f.order_display_id, fulfillment_id: f.id, carrier: input.carrier,
            tracking_number: label?.tracking_number ?? null, tracking_url: label?.tracking_url || null,
          },
        })
        sent.push(`${status} by ${channel}`)
      }
    }
    return new StepResponse(sent)
  },
  undefined,
  { label: { does: "notify the customer" } }
)

/** Whether the store registered a notification provider for the "sms" channel (Medusa allows one per channel). */
function smsRegistered(container: MedusaContainer): boolean {
  const config = container.resolve(ContainerRegistrationKeys.CONFIG_MODULE) as { modules?: Record<string, unknown> }
  const module = config.modules?.[Modules.NOTIFICATION] as { options?: { providers?: Array<{ options?: { channels?: string[] } }> } } | undefined
  return !!module?.options?.providers?.some((p) => p.options?.channels?.includes("sms"))
}
