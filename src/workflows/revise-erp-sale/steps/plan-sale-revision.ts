import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError, SyncSkipped } from "../../../lib/errors"
import { isDone } from "../../../modules/integration-hub/models/sync-record"
import { hubOf } from "../../../sync/hub"
import type { Corrections } from "../../sync-order-to-erp/corrections"
import { ErpOrderDraft, mapOrderForErp, OrderForErp } from "../../sync-order-to-erp/order-mapper"
import { createSyncStep } from "../../sync-step"
import { customerKey, lineChanges, orderAsOf, OrderUpdate } from "../revision"

export const planSaleRevisionStepId = "plan-sale-revision"

export type SaleRevisionPlan = {
  /** "none": the sale already says what the order does; "replace": a sale made anew from the order replaces it. */
  action: "none" | "replace"
  /** The order's create record, which points at its live sale. */
  create_record_id: string
  sale_id: string
  sale_name: string
  /** What changed, in words; a changed e-mail or address is one entry. */
  changes: string[]
  customer_key: string
  /** Labels already bought for the order's parcels when its address changed: they still carry the old one. */
  labels_for_old_address: string[]
  /** The create's corrections (edit-and-retry), which the replacement sends again. */
  corrections: Corrections | null
}

type Input = {
  connection_id: string
  order: OrderForErp & { fulfillments?: Array<{ canceled_at?: unknown; labels?: Array<{ tracking_number?: string | null } | null> | null } | null> | null }
  draft: ErpOrderDraft
  updates: OrderUpdate[]
  /** The edit's own record: its baseline holds the customer fingerprint the sale was last made with. */
  sync_record_id: string
  /** The order has exchanges or claims that sent items out (left out of `order`: they have sales of their own). */
  exchanged: boolean
}

/**
 * Compares the edited order with its sale as the ERP has it (total and lines read back; e-mail and addresses by the
 * fingerprint the sale was made with) and says whether the sale must be replaced. Changes nothing. Before the
 * order's sale exists there is nothing to follow: its create sends the order as it is when it runs.
 */
export const planSaleRevisionStep = createSyncStep(
  planSaleRevisionStepId,
  async (input: Input, { container }) => {
    const hub = hubOf(container)
    const number = `#${input.draft.orderNumber}`
    const [create] = await hub.listSyncRecords({ connection_id: input.connection_id, entity_type: "order", operation: "create", entity_id: input.order.id })
    if (create?.status === "running") {
      throw new IntegrationError(`Order ${number}'s sale is being made in ${input.connection_id} right now: the edit follows once it is made`, { connectionId: input.connection_id, code: "sale_being_made", retryable: true })
    }
    if (!create || !isDone(create.status) || !create.external_id) {
      throw new SyncSkipped(`Order ${number} has no sale in ${input.connection_id} yet (its create is ${create?.status ?? "not requested"}): the create sends the order as it is now, edits included`, "no_sale_yet")
    }
    const erp = hub.getProvider(input.connection_id, "erp")
    if (!erp.getSalesOrder) throw new SyncSkipped(`${input.connection_id}'s provider cannot read a sale back, so order edits are not followed there`, "unsupported")
    const sale = await erp.getSalesOrder(create.external_id)
    const saleName = `sale ${create.external_number ?? create.external_id}`
    if (!sale) {
      throw new IntegrationError(`Order ${number} was edited, but its ${saleName} is no longer in ${input.connection_id} (deleted there): reconcile ${input.connection_id} and resend the order`, { connectionId: input.connection_id, code: "sale_deleted", retryable: false })
    }
    if (sale.state === "cancelled") {
      throw new SyncSkipped(`Order ${number} was edited, but its ${saleName} is cancelled in ${input.connection_id}: nothing to follow (reconciliation reports it if the order is still open)`, "sale_cancelled")
    }
    // Medusa's totals leave out the units a return took back; the ERP's sale keeps them (its return is its own). An
    // exchange's or claim's items are on their own sale (and left out of the order read here), its money too.
    const returned = (input.order.items ?? []).some((i) => Number(i?.detail?.return_received_quantity ?? 0) + Number(i?.detail?.return_dismissed_quantity ?? 0) > 0)
    const afterCheckout = returned ? "goods back from a return" : input.exchanged ? "an exchange or a claim" : null
    const changes = lineChanges(input.draft, afterCheckout ? { ...sale, total: null } : sale)
    const now = customerKey(input.draft)
    const before = ((await hub.retrieveSyncRecord(input.sync_record_id)).baseline as { customer_key?: string } | null)?.customer_key ?? keyAsOf(input, create.synced_at)
    const customerChanged = before !== now
    if (customerChanged) changes.push("the customer's e-mail or an address")
    const labels = customerChanged
      ? (input.order.fulfillments ?? []).filter((f) => f && !f.canceled_at).flatMap((f) => (f!.labels ?? []).map((l) => l?.tracking_number)).filter((t): t is string => !!t)
      : []
    if (afterCheckout && changes.length) {
      throw new IntegrationError(
        `Order ${number} has ${afterCheckout}, so its ${saleName} in ${input.connection_id} is not made anew from the edited order (the ERP's ${returned ? "return" : "exchange sale"} belongs to that sale): make this change (${changes.join("; ")}) in ${input.connection_id} by hand`,
        { connectionId: input.connection_id, code: returned ? "edit_after_return" : "edit_after_exchange", retryable: false }
      )
    }
    return new StepResponse<SaleRevisionPlan>({
      action: changes.length ? "replace" : "none",
      create_record_id: create.id,
      sale_id: create.external_id,
      sale_name: saleName,
      changes,
      customer_key: now,
      labels_for_old_address: labels,
      corrections: (create.corrections as Corrections | null) ?? null,
    })
  },
  undefined,
  { label: { does: "compare the edited order with its sale" } }
)

/** The customer fingerprint of the order as it was when its sale was made (by Medusa's record of its updates). */
function keyAsOf(input: Input, madeAt: Date | string | null): string {
  if (!madeAt) return customerKey(input.draft)
  try {
    // Only the customer part is compared: the zone, which dates the sale, does not matter here.
    return customerKey(mapOrderForErp(orderAsOf(input.order, input.updates, new Date(madeAt)), input.connection_id, "UTC"))
  } catch {
    // The order as it was cannot be mapped (an address Medusa has since completed): it differs from the one now.
    return ""
  }
}
