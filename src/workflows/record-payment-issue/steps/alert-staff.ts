import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { sendAlert } from "../../../sync/alerts"
import type { PaymentIssue } from "../../../sync/payment-issues"
import { createSyncStep } from "../../sync-step"

export const alertStaffStepId = "alert-staff-payment-issue"

/** The e-mail template of a dispute alert; its data is in the README. */
export const DISPUTE_TEMPLATE = "integration-hub-payment-dispute"

type Input = { connection_id: string; order_id: string; order_display_id: number | null; issue: Extract<PaymentIssue, { kind: "dispute" }> }

/**
 * Puts a dispute in front of staff through Medusa's Notification module (the admin feed and the `alerts.notify`
 * addresses): once when it opens, once when it closes, however often the gateway repeats the event.
 */
export const alertStaffStep = createSyncStep(
  alertStaffStepId,
  async ({ connection_id, order_id, order_display_id, issue }: Input, { container }) => {
    const order = `order #${order_display_id ?? order_id}`
    const due = issue.due_by ? `; answer by ${issue.due_by.slice(0, 10)} in the gateway's dashboard` : ""
    const opened = issue.state === "open"
    const reached = await sendAlert(container, connection_id, {
      state: `dispute_${issue.state}`,
      title: opened ? `Payment disputed: ${order}` : `Dispute ${issue.state}: ${order}`,
      description: opened
        ? `The customer's bank disputes ${issue.amount} ${issue.currency_code} of ${order} (reason: ${issue.reason.replace(/_/g, " ")})${due}.`
        : `The dispute of ${issue.amount} ${issue.currency_code} on ${order} is closed: ${issue.state}${issue.state === "lost" ? "; the amount stays with the customer" : ""}.`,
      template: DISPUTE_TEMPLATE,
      resource: { type: "order", id: order_id },
      idempotencyKey: `integration-hub:dispute:${issue.dispute}:${issue.state}`,
      data: { order_id, order_display_id, dispute_id: issue.dispute, amount: issue.amount, currency_code: issue.currency_code, reason: issue.reason, due_by: issue.due_by },
    })
    return new StepResponse(reached)
  },
  undefined,
  { label: { does: "alert staff" } }
)
