import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { ContainerRegistrationKeys, MedusaError } from "@medusajs/framework/utils"
import { z } from "@medusajs/framework/zod"
import { SyncSkipped } from "../../../lib/errors"
import { createSyncStep } from "../../sync-step"

export const validateErpSaleUpdateStepId = "validate-erp-sale-update"

const saleUpdated = z.object({
  reference: z.string().regex(/^medusa:order_[A-Za-z0-9]+$/, 'must be our order reference "medusa:order_…"'),
  number: z.string().nullable(),
  state: z.enum(["draft", "quotation", "confirmed", "processing", "done", "cancelled"]),
})

export type ErpSaleState = { state: string; number: string | null; occurred_at: string; event_id: string }
export type ValidatedSaleUpdate = {
  order_id: string
  /** The order's metadata before this update (restored by compensation). */
  metadata: Record<string, unknown> | null
  /** Medusa's status of the order, and when it last changed. */
  order_status: string
  order_updated_at: string
  state: ErpSaleState
}

/** Where the hub keeps what each ERP connection last said about an order. */
export const erpStateOf = (metadata: Record<string, unknown> | null, connectionId: string): ErpSaleState | undefined =>
  ((metadata?.integration_hub as Record<string, Record<string, ErpSaleState>> | undefined)?.erp_sale ?? {})[connectionId]

/**
 * Checks a `sale.updated` event before anything changes: its data, that the order exists, and that it is not
 * older than the state already applied (events arrive out of order; an older one is skipped, not applied).
 */
export const validateErpSaleUpdateStep = createSyncStep(
  validateErpSaleUpdateStepId,
  async (input: { connection_id: string; event_id: string; occurred_at: string; data: Record<string, unknown> }, { container }) => {
    const parsed = saleUpdated.safeParse(input.data)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      throw new MedusaError(MedusaError.Types.INVALID_DATA, `ERP event ${input.event_id} from ${input.connection_id}: field "${issue.path.join(".")}" ${issue.message}`)
    }
    const orderId = parsed.data.reference.slice("medusa:".length)
    const query = container.resolve(ContainerRegistrationKeys.QUERY)
    const { data: [order] } = await query.graph({ entity: "order", fields: ["id", "metadata", "status", "updated_at"], filters: { id: orderId } })
    if (!order) {
      throw new MedusaError(MedusaError.Types.NOT_FOUND, `ERP event ${input.event_id} from ${input.connection_id} is about order ${orderId} (reference ${parsed.data.reference}), which does not exist in Medusa`)
    }
    const metadata = (order.metadata ?? null) as Record<string, unknown> | null
    const applied = erpStateOf(metadata, input.connection_id)
    if (applied && Date.parse(applied.occurred_at) > Date.parse(input.occurred_at)) {
      throw new SyncSkipped(`out of order: the ERP said "${applied.state}" at ${applied.occurred_at}, after this event (${input.occurred_at}); kept the newer state`, "out_of_order")
    }
    const state = { state: parsed.data.state, number: parsed.data.number, occurred_at: input.occurred_at, event_id: input.event_id }
    return new StepResponse<ValidatedSaleUpdate>({ order_id: orderId, metadata, state, order_status: String(order.status), order_updated_at: new Date(order.updated_at as string | Date).toISOString() })
  },
  undefined,
  { label: { does: "check the ERP's update against the order" } }
)
