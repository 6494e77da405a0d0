import { MathBN } from "@medusajs/framework/utils"
import type { GatewayRefund } from "../../providers/types"

/** A refund Medusa holds on the payment; `gateway_refund_id` when the hub recorded it from the gateway. */
export type MedusaRefund = { id: string; amount: string; created_at: string; gateway_refund_id: string | null }

export type RefundPlan = {
  /** Refunds made at the gateway that Medusa does not have yet: each becomes one Medusa refund. */
  record: GatewayRefund[]
  /** Gateway refunds Medusa already has: recorded by the hub before, or made from Medusa (which called the gateway). */
  known: number
  /** Refunds the gateway has not completed (pending, failed, canceled): nothing to record for them (yet). */
  unsettled: number
  /** Medusa's own refund whose gateway call caused the event, not yet visible in Medusa (still being saved). */
  awaiting: string | null
}

const byCreation = <T extends { created_at: string; id: string }>(a: T, b: T) => a.created_at.localeCompare(b.created_at) || a.id.localeCompare(b.id)

/**
 * Which of the gateway's refunds of a payment Medusa is missing. Matched first by the gateway refund id the hub
 * stored on the refunds it recorded; then the refund the event's own API call made (Medusa refunds with its refund
 * id as the idempotency key); then Medusa's other refunds (made from Medusa's admin, each of which called the
 * gateway) pair with gateway refunds of the same amount, oldest with oldest. What is left was made at the gateway.
 * The same data always gives the same plan, so a repeated or late event records nothing twice.
 */
export function planGatewayRefunds(gateway: GatewayRefund[], medusa: MedusaRefund[], requestedWithKey: string | null): RefundPlan {
  const succeeded = gateway.filter((r) => r.status === "succeeded").sort(byCreation)
  const linked = new Set(medusa.map((r) => r.gateway_refund_id).filter((id): id is string => !!id))
  let open = succeeded.filter((r) => !linked.has(r.id))
  let unlinked = medusa.filter((r) => !r.gateway_refund_id).sort(byCreation)
  let awaiting: string | null = null
  if (requestedWithKey?.startsWith("ref") && open.length) {
    // The newest gateway refund was made by that call: it is Medusa's refund `requestedWithKey`.
    const own = unlinked.find((r) => r.id === requestedWithKey)
    open = open.slice(0, -1)
    if (own) unlinked = unlinked.filter((r) => r !== own)
    else awaiting = requestedWithKey
  }
  const record: GatewayRefund[] = []
  for (const refund of open) {
    const match = unlinked.find((r) => MathBN.eq(r.amount, refund.amount))
    if (match) unlinked = unlinked.filter((r) => r !== match)
    else record.push(refund)
  }
  return { record, known: succeeded.length - record.length - (awaiting ? 1 : 0), unsettled: gateway.length - succeeded.length, awaiting }
}
