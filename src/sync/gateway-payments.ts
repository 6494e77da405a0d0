import type { FilterablePaymentProps, IPaymentModuleService, MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, Modules } from "@medusajs/framework/utils"
import type { GatewayPaymentEvents, PaymentGatewayProvider } from "../providers/types"
import { recordGatewayRefundsWorkflow } from "../workflows/record-gateway-refunds"
import { recordPaymentIssueWorkflow } from "../workflows/record-payment-issue"
import { hubOf } from "./hub"
import type { OperationResult } from "./operations"
import { orderOfPayment } from "./order-of-payment"
import { PaymentIssue, paymentIssuesOf } from "./payment-issues"

/** A gateway event as the inbound runner hands it over. */
export type GatewayEventInput = {
  connection_id: string
  sync_record_id: string
  event: { id: string; type: string; occurred_at: string; data: Record<string, unknown> }
}

type Found = { payment_id: string; order_id: string; order_display_id: number | null }

/**
 * The Medusa payment (and its order) that is the gateway's payment `gatewayPaymentId`: found through the
 * provider's filter on Medusa's Payment module and confirmed by the provider, so a payment of another provider
 * that happens to hold the same id is never taken for it.
 */
export async function findMedusaPayment(container: MedusaContainer, connectionId: string, gatewayPaymentId: string): Promise<Found | null> {
  const provider = hubOf(container).getProvider(connectionId, "payment") as PaymentGatewayProvider
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const candidates = await payments.listPayments(provider.medusaPaymentFilter(gatewayPaymentId) as FilterablePaymentProps, { select: ["id", "provider_id", "data"], take: 5 })
  const payment = candidates.find((p) => provider.gatewayPaymentId({ id: p.id, provider_id: p.provider_id, data: p.data ?? null }) === gatewayPaymentId)
  if (!payment) return null
  const orderId = await orderOfPayment(container, payment.id)
  if (!orderId) return null
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data: [order] } = await query.graph({ entity: "order", fields: ["id", "display_id"], filters: { id: orderId } })
  return { payment_id: payment.id, order_id: orderId, order_display_id: order?.display_id ?? null }
}

/**
 * Finds the order the event is about and shows the event's record on it (the record moves from the gateway's
 * payment to the order; the stored event keeps the gateway's id, so events about one payment still queue
 * behind each other). An event about a payment this store does not have is kept and skipped, in words.
 */
async function onOrder(container: MedusaContainer, input: GatewayEventInput, apply: (found: Found) => Promise<OperationResult>): Promise<OperationResult> {
  const gatewayPaymentId = String(input.event.data.payment_id ?? "")
  const found = gatewayPaymentId ? await findMedusaPayment(container, input.connection_id, gatewayPaymentId) : null
  if (!found) {
    return { result: { status: "skipped", skip_code: "unknown_payment", summary: `${input.event.type} for gateway payment ${gatewayPaymentId || "(none)"}, which is not a payment of an order of this store: recorded, nothing changed` } }
  }
  await hubOf(container).updateSyncRecords({ id: input.sync_record_id, entity_type: "order", entity_id: found.order_id })
  return apply(found)
}

export function applyGatewayRefunds(container: MedusaContainer, input: GatewayEventInput): Promise<OperationResult> {
  return onOrder(container, input, (found) =>
    recordGatewayRefundsWorkflow(container).run({
      input: { connection_id: input.connection_id, payment_id: found.payment_id, order_id: found.order_id, data: input.event.data as GatewayPaymentEvents["payment.refunded"] },
      throwOnError: false,
    })
  )
}

export function applyPaymentIssue(container: MedusaContainer, input: GatewayEventInput): Promise<OperationResult> {
  return onOrder(container, input, async (found) => {
    const at = new Date(input.event.occurred_at)
    const [issue] = paymentIssuesOf([{ event_type: input.event.type, occurred_at: at, created_at: at, payload: input.event.data }])
    let superseded = false
    if (issue.kind === "dispute") {
      // The dispute as every event about it stored so far leaves it: a later state applied first wins.
      const events = await hubOf(container).listWebhookEvents({ connection_id: input.connection_id, entity_type: "gateway_payment", entity_id: String(input.event.data.payment_id) })
      const now = paymentIssuesOf(events).find((i): i is Extract<PaymentIssue, { kind: "dispute" }> => i.kind === "dispute" && i.dispute === issue.dispute)
      superseded = !!now && now.occurred_at > issue.occurred_at && now.state !== issue.state
    }
    return recordPaymentIssueWorkflow(container).run({
      input: { connection_id: input.connection_id, order_id: found.order_id, order_display_id: found.order_display_id, issue, superseded },
      throwOnError: false,
    })
  })
}
