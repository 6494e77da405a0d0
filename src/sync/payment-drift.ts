import type { FilterablePaymentProps, IPaymentModuleService, MedusaContainer, PaymentDTO } from "@medusajs/framework/types"
import { ContainerRegistrationKeys, generateEntityId, MathBN, Modules } from "@medusajs/framework/utils"
import { IntegrationError } from "../lib/errors"
import { redactString } from "../lib/http/redact"
import { currencyDigits } from "../lib/money"
import type { DriftField } from "../modules/integration-hub/models/payment-drift"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import type { GatewayPaymentState, PaymentGatewayProvider } from "../providers/types"
import { hubOf } from "./hub"

/** Medusa payments read per page: memory stays flat however many payments the window holds. */
const PAGE = 100

export type DriftCheckWindow = { since: Date; until: Date }
export type DriftCheckResult = {
  /** Payments compared with their gateway. */
  checked: number
  /** Disagreements found by this run (new or still open), one per payment and field. */
  drifted: number
  /** Open disagreements this run found gone. */
  resolved: number
  /** Payments whose gateway could not be asked, in words; they are checked again next time. */
  errors: Array<{ payment_id: string; message: string }>
}

/** Medusa's view of a payment in the gateway's vocabulary (GatewayPaymentState["status"]). */
export type MedusaPaymentStatus = "authorized" | "captured" | "partially_refunded" | "refunded" | "canceled"
type Disagreement = { field: DriftField; medusa: string; gateway: string | null }
export type PaymentWithMoney = Pick<PaymentDTO, "id" | "provider_id" | "data" | "currency_code" | "canceled_at" | "payment_collection_id"> & {
  captures?: Array<{ amount: PaymentDTO["amount"] }> | null
  refunds?: Array<{ amount: PaymentDTO["amount"] }> | null
}

/**
 * The daily reconciliation of payments (the gateway owns payment state): every payment an enabled payment
 * connection claims that was captured or refunded in the window — and every payment with an open disagreement —
 * is compared with what the gateway says (its provider's getPaymentState, through the hub's HTTP layer and rate
 * limit). Each disagreement is an open `payment_drift` row; one that is gone is resolved. Nothing in Medusa or at
 * the gateway is changed. A gateway that fails for one payment is an error naming it, and the run goes on.
 */
export async function checkPaymentDrift(container: MedusaContainer, window: DriftCheckWindow, opts: { connectionId?: string } = {}): Promise<DriftCheckResult> {
  const hub = hubOf(container)
  const payments = container.resolve<IPaymentModuleService>(Modules.PAYMENT)
  const result: DriftCheckResult = { checked: 0, drifted: 0, resolved: 0, errors: [] }
  for (const connection of hub.listConnections({ kind: "payment", enabledOnly: true })) {
    if (opts.connectionId && connection.id !== opts.connectionId) continue
    const provider = hub.getProvider(connection.id, "payment")
    const check = (page: PaymentWithMoney[]) => checkPage(container, hub, connection.id, provider, page, result)
    // Payments with an open disagreement first (a disagreement outside the window still resolves), then the window's.
    const reopened = new Set<string>()
    for (let after = ""; ; ) {
      const ids = (await hub.execute<{ payment_id: string }>(
        `SELECT DISTINCT payment_id FROM payment_drift WHERE connection_id = ? AND resolved_at IS NULL AND deleted_at IS NULL AND payment_id > ? ORDER BY payment_id LIMIT ${PAGE}`,
        [connection.id, after]
      )).map((r) => r.payment_id)
      if (!ids.length) break
      ids.forEach((id) => reopened.add(id))
      await check(await withMoney(payments, ids))
      after = ids[ids.length - 1]
    }
    for (let after = ""; ; ) {
      const page = await payments.listPayments(windowFilter(window, after), { select: ["id"], order: { id: "ASC" }, take: PAGE })
      if (!page.length) break
      await check(await withMoney(payments, page.map((p) => p.id).filter((id) => !reopened.has(id))))
      after = page[page.length - 1].id
    }
  }
  return result
}

/** Payments with a capture or a refund made in the window, after `after` (keyset paging by id). */
function windowFilter({ since, until }: DriftCheckWindow, after: string): FilterablePaymentProps {
  const within = { created_at: { $gte: since, $lt: until } }
  const filter = { ...(after ? { id: { $gt: after } } : {}), $or: [{ captures: within }, { refunds: within }] }
  // The Payment module filters by its relations (MikroORM joins them), which its filter type does not list.
  return filter as unknown as FilterablePaymentProps
}

async function withMoney(payments: IPaymentModuleService, ids: string[]): Promise<PaymentWithMoney[]> {
  if (!ids.length) return []
  return payments.listPayments({ id: ids }, {
    select: ["id", "provider_id", "data", "currency_code", "canceled_at", "payment_collection_id", "amount"],
    relations: ["captures", "refunds"],
    order: { id: "ASC" },
  })
}

async function checkPage(
  container: MedusaContainer, hub: IntegrationHubModuleService, connectionId: string, provider: PaymentGatewayProvider, page: PaymentWithMoney[], result: DriftCheckResult
): Promise<void> {
  const claimed = page.flatMap((p) => {
    const gatewayId = provider.gatewayPaymentId({ id: p.id, provider_id: p.provider_id, data: p.data ?? null })
    return gatewayId ? [{ payment: p, gatewayId }] : []
  })
  if (!claimed.length) return
  const orders = await orderIdsOf(container, claimed.map((c) => c.payment.payment_collection_id))
  for (const { payment, gatewayId } of claimed) {
    let state: GatewayPaymentState | null
    try {
      state = await provider.getPaymentState(gatewayId)
    } catch (err) {
      if (!isUnknownAtGateway(err)) {
        const message = redactString(err instanceof Error ? err.message : String(err), hub.connectionSecrets(connectionId))
        result.errors.push({ payment_id: payment.id, message: `Could not read payment ${payment.id} (${gatewayId} at ${connectionId}) from the gateway: ${message}` })
        continue
      }
      state = null
    }
    result.checked += 1
    const found = state ? compare(payment, state) : [{ field: "missing_at_gateway" as const, medusa: medusaView(payment).status, gateway: null }]
    const row = { connectionId, paymentId: payment.id, orderId: orders.get(payment.payment_collection_id) ?? null, gatewayId }
    for (const d of found) await upsertDrift(hub, row, d)
    result.drifted += found.length
    // A gateway that no longer knows the payment says nothing about its amounts: their rows stay as they were.
    if (state) result.resolved += await resolveOthers(hub, connectionId, payment.id, found.map((d) => d.field))
  }
}

/** Medusa's amounts and status of a payment: its captures and refunds summed with the currency's precision. */
export function medusaView(payment: PaymentWithMoney): { captured: string; refunded: string; status: MedusaPaymentStatus } {
  const digits = currencyDigits(payment.currency_code)
  const sum = (rows: Array<{ amount: PaymentDTO["amount"] }> | null | undefined) => (rows ?? []).reduce((t, r) => MathBN.add(t, r.amount), MathBN.convert(0))
  const captured = sum(payment.captures)
  const refunded = sum(payment.refunds)
  return { captured: captured.toFixed(digits), refunded: refunded.toFixed(digits), status: medusaStatus(!!payment.canceled_at, captured.toFixed(digits), refunded.toFixed(digits)) }
}

/**
 * Medusa's status in the gateway's words: canceled when Medusa canceled it; authorized while nothing is captured;
 * refunded once the refunds reach what was captured, partially refunded below; captured otherwise (a partial capture
 * included: the gateway's captured amount is compared on its own).
 */
export function medusaStatus(canceled: boolean, captured: string, refunded: string): MedusaPaymentStatus {
  if (canceled) return "canceled"
  if (!MathBN.gt(captured, 0)) return "authorized"
  if (MathBN.gt(refunded, 0)) return MathBN.gte(refunded, captured) ? "refunded" : "partially_refunded"
  return "captured"
}

/** Every field on which Medusa and the gateway disagree. */
export function compare(payment: PaymentWithMoney, state: GatewayPaymentState): Disagreement[] {
  const medusa = medusaView(payment)
  const digits = currencyDigits(payment.currency_code)
  const found: Disagreement[] = []
  if (payment.currency_code.toUpperCase() !== state.currencyCode.toUpperCase()) found.push({ field: "currency", medusa: payment.currency_code.toUpperCase(), gateway: state.currencyCode.toUpperCase() })
  if (!MathBN.eq(medusa.captured, state.capturedAmount)) found.push({ field: "captured_amount", medusa: medusa.captured, gateway: MathBN.convert(state.capturedAmount).toFixed(digits) })
  if (!MathBN.eq(medusa.refunded, state.refundedAmount)) found.push({ field: "refunded_amount", medusa: medusa.refunded, gateway: MathBN.convert(state.refundedAmount).toFixed(digits) })
  if (medusa.status !== state.status) found.push({ field: "status", medusa: medusa.status, gateway: state.status })
  return found
}

/** A disagreement in staff's words, e.g. "Medusa has 40.00 refunded, the gateway 43.00". */
export function describeDrift(row: { field: string; medusa_value: string; gateway_value: string | null; gateway_payment_id: string }): string {
  const words = (status: string | null) => (status ?? "unknown").replace(/_/g, " ")
  switch (row.field) {
    case "captured_amount":
      return `Medusa has ${row.medusa_value} captured, the gateway ${row.gateway_value}`
    case "refunded_amount":
      return `Medusa has ${row.medusa_value} refunded, the gateway ${row.gateway_value}`
    case "currency":
      return `Medusa has the payment in ${row.medusa_value}, the gateway in ${row.gateway_value}`
    case "status":
      return `Medusa sees the payment as ${words(row.medusa_value)}, the gateway as ${words(row.gateway_value)}`
    case "missing_at_gateway":
      return `The gateway does not know payment ${row.gateway_payment_id}, which Medusa has as ${words(row.medusa_value)}`
    default:
      return `Medusa has ${row.medusa_value}, the gateway ${row.gateway_value ?? "nothing"} (${row.field})`
  }
}

/** A gateway's answer that it has no such payment (the sandbox's payment_not_found, a vendor's HTTP 404). */
function isUnknownAtGateway(err: unknown): boolean {
  return err instanceof IntegrationError && (err.code === "payment_not_found" || err.httpStatus === 404)
}

/** The order of each payment collection, when it belongs to one. */
async function orderIdsOf(container: MedusaContainer, collectionIds: string[]): Promise<Map<string, string>> {
  const { data } = await container.resolve(ContainerRegistrationKeys.QUERY).graph({
    entity: "payment_collection", fields: ["id", "order.id"], filters: { id: [...new Set(collectionIds)] },
  })
  return new Map(data.flatMap((c) => (c.order?.id ? [[c.id, c.order.id] as [string, string]] : [])))
}

/** New: detected now; still there: seen now, with the values of this check. Atomic, whatever runs at the same time. */
async function upsertDrift(hub: IntegrationHubModuleService, row: { connectionId: string; paymentId: string; orderId: string | null; gatewayId: string }, d: Disagreement): Promise<void> {
  await hub.execute(
    `INSERT INTO payment_drift (id, connection_id, payment_id, order_id, gateway_payment_id, field, medusa_value, gateway_value, detected_at, last_seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, clock_timestamp(), clock_timestamp())
     ON CONFLICT (connection_id, payment_id, field) WHERE resolved_at IS NULL AND deleted_at IS NULL
     DO UPDATE SET medusa_value = EXCLUDED.medusa_value, gateway_value = EXCLUDED.gateway_value, gateway_payment_id = EXCLUDED.gateway_payment_id,
       order_id = COALESCE(EXCLUDED.order_id, payment_drift.order_id), last_seen_at = clock_timestamp(), updated_at = now()`,
    [generateEntityId(undefined, "idrift"), row.connectionId, row.paymentId, row.orderId, row.gatewayId, d.field, d.medusa, d.gateway]
  )
}

/** Resolves the payment's open rows whose field no longer disagrees; returns how many. */
async function resolveOthers(hub: IntegrationHubModuleService, connectionId: string, paymentId: string, still: DriftField[]): Promise<number> {
  const keep = still.length ? ` AND field NOT IN (${still.map(() => "?").join(", ")})` : ""
  const rows = await hub.execute(
    `UPDATE payment_drift SET resolved_at = clock_timestamp(), updated_at = now()
      WHERE connection_id = ? AND payment_id = ? AND resolved_at IS NULL AND deleted_at IS NULL${keep} RETURNING id`,
    [connectionId, paymentId, ...still]
  )
  return rows.length
}
