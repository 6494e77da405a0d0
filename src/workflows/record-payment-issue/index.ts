import { createWorkflow, transform, when, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { PaymentIssue } from "../../sync/payment-issues"
import type { EffectOutcome } from "../outcome"
import { alertStaffStep } from "./steps/alert-staff"

export type RecordPaymentIssueInput = {
  connection_id: string
  order_id: string
  order_display_id: number | null
  /** The issue as this event tells it. */
  issue: PaymentIssue
  /** A later event about the same dispute was applied first: this one is history, no alert. */
  superseded: boolean
}

export const recordPaymentIssueWorkflowId = "record-payment-issue"

const words = (issue: PaymentIssue) =>
  issue.kind === "dispute"
    ? `dispute ${issue.dispute} ${issue.state === "open" ? "opened" : issue.state}: ${issue.amount} ${issue.currency_code}, reason ${issue.reason.replace(/_/g, " ")}` +
      (issue.state === "open" && issue.due_by ? `, answer by ${issue.due_by.slice(0, 10)}` : "")
    : `payment ${issue.kind === "failed" ? "failed" : "canceled"} at the gateway: ${issue.reason}`

/**
 * A dispute, a failed or a cancelled payment reported by the gateway after the order exists, put on the order:
 * the order page shows it (from the stored event) and a dispute alerts staff through the Notification module,
 * once per state. Nothing in Medusa's payment changes: the gateway's word is shown, staff decide.
 */
export const recordPaymentIssueWorkflow = createWorkflow(recordPaymentIssueWorkflowId, (input: RecordPaymentIssueInput) => {
  const alerted = when({ input }, ({ input }) => input.issue.kind === "dispute" && !input.superseded).then(() =>
    alertStaffStep(transform({ input }, ({ input }) => ({
      connection_id: input.connection_id, order_id: input.order_id, order_display_id: input.order_display_id,
      issue: input.issue as Extract<PaymentIssue, { kind: "dispute" }>,
    })))
  )
  return new WorkflowResponse(
    transform({ input, alerted }, ({ input, alerted }): EffectOutcome => {
      const text = `order #${input.order_display_id ?? input.order_id}: ${words(input.issue)}`
      if (input.superseded) return { status: "skipped", skip_code: "superseded", summary: `${text} (a later event about it came first: shown as history, no alert)` }
      return {
        status: "synced",
        external_id: input.issue.kind === "dispute" ? input.issue.dispute : input.issue.payment_id,
        external_number: null,
        summary: `${text}${alerted?.length ? `; staff alerted (${alerted.join(", ")})` : ""}`,
      }
    })
  )
})
