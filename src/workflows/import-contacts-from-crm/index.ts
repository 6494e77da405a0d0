import { createWorkflow, transform, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import { applyContactChangesStep } from "./steps/apply-contact-changes"
import { PlanContactChangesInput, planContactChangesStep } from "./steps/plan-contact-changes"
import { recordContactConflictsStep } from "./steps/record-contact-conflicts"

export type ImportContactsPageInput = PlanContactChangesInput & { /** Decide and report, write nothing. */ shadow: boolean }

export type ImportContactsPageResult = { applied: number; conflicts: number; unchanged: number; unlinked: number; unknown: string[]; resend: string[] }

export const importContactsPageWorkflowId = "import-contacts-from-crm"

/**
 * One page of contacts changed in the CRM into Medusa: plan field by field by the source-of-truth rules → record the
 * writes that lost as conflicts → write the CRM's winning values with Medusa's own customer workflow. A failure
 * in the last step removes the conflicts it recorded and puts back the customers it had changed.
 */
export const importContactsPageWorkflow = createWorkflow(importContactsPageWorkflowId, (input: ImportContactsPageInput) => {
  const plan = planContactChangesStep(input)
  recordContactConflictsStep(transform({ plan, input }, ({ plan, input }) => ({ connection_id: input.connection_id, conflicts: input.shadow ? [] : plan.conflicts })))
  applyContactChangesStep(transform({ plan, input }, ({ plan, input }) => ({ connection_id: input.connection_id, updates: input.shadow ? [] : plan.updates })))
  return new WorkflowResponse(
    transform({ plan, input }, ({ plan, input }): ImportContactsPageResult => ({
      applied: plan.updates.length, conflicts: plan.conflicts.length, unchanged: plan.unchanged, unlinked: plan.unlinked, unknown: plan.unknown,
      resend: input.shadow ? [] : plan.resend,
    }))
  )
})
