import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { useQueryGraphStep } from "@medusajs/medusa/core-flows"
import { MathBN } from "@medusajs/framework/utils"
import type { EffectOutcome } from "../outcome"
import { advanceFulfillmentStep } from "./steps/advance-fulfillment"
import { confirmTrackingStep } from "./steps/confirm-tracking"
import { notifyCustomerStep } from "./steps/notify-customer"

export type ApplyTrackingUpdateInput = {
  connection_id: string
  event_id: string
  occurred_at: string
  data: {
    label_id?: string | null; fulfillment_id?: string | null; tracking_number?: string | null; claimed_status?: string | null
    /** A return label's event names its Medusa return instead of a fulfillment. */
    return_id?: string | null; is_return?: boolean | null
  }
}

export const applyTrackingUpdateWorkflowId = "apply-tracking-update"

/** A fulfillment as the tracking flow reads it. */
export type FulfillmentForTracking = {
  id: string
  order_id: string
  order_display_id: number | null
  email: string | null
  phone: string | null
  shipped_at: string | null
  delivered_at: string | null
  canceled_at: string | null
  items: Array<{ line_item_id: string; quantity: number }>
  labels: Array<{ id: string; tracking_number: string; tracking_url: string; label_url: string }>
}

const FIELDS = [
  "id", "shipped_at", "delivered_at", "canceled_at", "data",
  "items.line_item_id", "items.quantity", "labels.id", "labels.tracking_number", "labels.tracking_url", "labels.label_url",
  "order.id", "order.display_id", "order.email", "order.shipping_address.phone",
]

type Row = {
  id: string; shipped_at?: Date | string | null; delivered_at?: Date | string | null; canceled_at?: Date | string | null; data?: Record<string, unknown> | null
  items?: Array<{ line_item_id?: string | null; quantity: unknown } | null> | null
  labels?: Array<{ id: string; tracking_number: string; tracking_url: string; label_url: string } | null> | null
  order?: { id: string; display_id?: number | null; email?: string | null; shipping_address?: { phone?: string | null } | null } | null
}

const iso = (d: Date | string | null | undefined) => (d ? new Date(d).toISOString() : null)

/**
 * A carrier's tracking event, applied: confirm the status with the carrier (the webhook body is not trusted) →
 * move the fulfillment forward through Medusa's workflows (never back) → notify the customer once per status.
 * An event about a label this store did not buy, or a cancelled fulfillment, is recorded and changes nothing; so is
 * a return label's (about its return): Medusa receives a return when staff check the parcel, not when it is scanned.
 */
export const applyTrackingUpdateWorkflow = createWorkflow(applyTrackingUpdateWorkflowId, (input: ApplyTrackingUpdateInput) => {
  const ids = transform({ input }, ({ input }) => ({ fulfillment: input.data.fulfillment_id ?? "none" }))
  const { data: rows } = useQueryGraphStep({ entity: "fulfillment", fields: FIELDS, filters: { id: ids.fulfillment } })
  const fulfillment = transform({ rows }, ({ rows }): FulfillmentForTracking | null => {
    const f = rows[0] as unknown as Row | undefined
    if (!f?.order) return null
    return {
      id: f.id, order_id: f.order.id, order_display_id: f.order.display_id ?? null, email: f.order.email ?? null, phone: f.order.shipping_address?.phone ?? null,
      shipped_at: iso(f.shipped_at), delivered_at: iso(f.delivered_at), canceled_at: iso(f.canceled_at),
      items: (f.items ?? []).filter((i): i is NonNullable<typeof i> => !!i?.line_item_id).map((i) => ({ line_item_id: i.line_item_id!, quantity: MathBN.convert(i.quantity as number).toNumber() })),
      labels: (f.labels ?? []).filter((l): l is NonNullable<typeof l> => !!l),
    }
  })
  const applies = transform({ fulfillment, input }, ({ fulfillment, input }) => !!fulfillment && !fulfillment.canceled_at && !!input.data.label_id)
  const applied = when({ applies }, ({ applies }) => applies).then(() => {
    const tracking = confirmTrackingStep(transform({ input }, ({ input }) => ({ connection_id: input.connection_id, label_id: input.data.label_id! })))
    const advanced = advanceFulfillmentStep(transform({ fulfillment, tracking }, ({ fulfillment, tracking }) => ({ fulfillment: fulfillment!, status: tracking.status })))
    const sent = notifyCustomerStep(
      transform({ fulfillment, advanced, rows }, ({ fulfillment, advanced, rows }) => ({
        fulfillment: fulfillment!,
        reached: [...(advanced.shipped ? ["shipped" as const] : []), ...(advanced.delivered ? ["delivered" as const] : [])],
        carrier: String(((rows[0] as unknown as Row).data ?? {}).carrier ?? "") || null,
      }))
    )
    return { tracking, advanced, sent }
  })
  return new WorkflowResponse(
    transform({ applied, fulfillment, input }, ({ applied, fulfillment, input }): EffectOutcome => {
      if (!fulfillment && input.data.return_id) {
        const claimed = input.data.claimed_status ? ` (the event says ${input.data.claimed_status.replace("_", " ")})` : ""
        return {
          status: "skipped", skip_code: "return_label",
          summary: `return label ${input.data.tracking_number ?? input.data.label_id ?? "(none)"} of return ${input.data.return_id}${claimed}: recorded; Medusa receives the return when staff check the parcel, nothing changed`,
        }
      }
      if (!fulfillment) return { status: "skipped", skip_code: "unknown_label", summary: `tracking event for label ${input.data.label_id ?? "(none)"}, which no fulfillment of this store has: recorded, nothing changed` }
      if (!applied) return { status: "skipped", skip_code: "fulfillment_canceled", summary: `fulfillment ${fulfillment.id} is cancelled: the tracking event changed nothing` }
      const { tracking, advanced, sent } = applied
      const changed = advanced.done.length ? `marked ${advanced.done.join(" and ")}` : "no change (never backwards)"
      return {
        status: "synced",
        external_id: input.data.label_id ?? null,
        external_number: tracking.trackingNumber,
        summary: `${tracking.trackingNumber} ${tracking.status.replace("_", " ")} (confirmed with the carrier): ${changed}${sent.length ? `; customer notified (${sent.join(", ")})` : ""}`,
      }
    })
  )
})
