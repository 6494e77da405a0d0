import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { describeDrift } from "../../../../../sync/payment-drift"
import { hubOf } from "../../serializers"
import type { ListPaymentDriftQueryType } from "../../validators"

/**
 * GET /admin/integrations/payments/drift?status=open|resolved|all&connection_id=&limit=&offset= — disagreements
 * between Medusa and the payment gateways (newest first), each in words and with its order's number when known.
 */
export async function GET(req: MedusaRequest<unknown, ListPaymentDriftQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const { connection_id, status, limit, offset } = req.validatedQuery as ListPaymentDriftQueryType
  const filters = {
    ...(connection_id ? { connection_id } : {}),
    ...(status === "open" ? { resolved_at: null } : status === "resolved" ? { resolved_at: { $ne: null } } : {}),
  }
  const [rows, count] = await hub.listAndCountPaymentDrifts(filters, { order: { detected_at: "DESC", id: "ASC" }, skip: offset, take: limit })
  const orderIds = [...new Set(rows.flatMap((r) => (r.order_id ? [r.order_id] : [])))]
  const { data: orders } = orderIds.length
    ? await req.scope.resolve(ContainerRegistrationKeys.QUERY).graph({ entity: "order", fields: ["id", "display_id"], filters: { id: orderIds } })
    : { data: [] as Array<{ id: string; display_id: number | null }> }
  const displayIds = new Map(orders.map((o) => [o.id, o.display_id ?? null]))
  res.json({
    payment_drift: rows.map((r) => ({
      id: r.id,
      connection_id: r.connection_id,
      payment_id: r.payment_id,
      gateway_payment_id: r.gateway_payment_id,
      order_id: r.order_id,
      order_display_id: r.order_id ? (displayIds.get(r.order_id) ?? null) : null,
      field: r.field,
      medusa_value: r.medusa_value,
      gateway_value: r.gateway_value,
      description: describeDrift(r),
      status: r.resolved_at ? "resolved" : "open",
      detected_at: r.detected_at,
      last_seen_at: r.last_seen_at,
      resolved_at: r.resolved_at,
      note: r.note,
    })),
    count,
    limit,
    offset,
  })
}
