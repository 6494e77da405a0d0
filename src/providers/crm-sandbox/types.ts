import { z } from "@medusajs/framework/zod"
import type { CrmContactField, CrmDealInput } from "../types"

const stage = z.string().trim().min(1, "must name a deal stage of the pipeline")

export const sandboxCrmOptionsSchema = z.object({
  pipeline: z
    .string()
    .trim()
    .min(1, "must name the deal pipeline orders go to")
    .default("default")
    .meta({ title: "Deal pipeline", description: "The deal pipeline orders go to (the sandbox has whatever pipeline it is given)." }),
  dealStages: z
    .strictObject({
      placed: stage.default("won").meta({ title: "Stage of a placed order", description: "The pipeline stage a deal takes when its order is placed." }),
      canceled: stage.default("lost").meta({ title: "Stage of a canceled order", description: "The pipeline stage a deal takes when its order is canceled." }),
      refunded: stage.default("lost").meta({ title: "Stage of a refunded order", description: "The pipeline stage a deal takes when its order is refunded." }),
    })
    .prefault({})
    .meta({ title: "Deal stages", description: 'The stage of each order state in that pipeline; an unknown state (a typo such as "cancelled") is refused.' }),
  allowFailureInjection: z
    .boolean()
    .default(false)
    .meta({ title: "Allow simulated failures in production", description: 'Allow simulated failures (the sandbox-failures admin route) when NODE_ENV is "production".' }),
})
export type SandboxCrmOptions = z.output<typeof sandboxCrmOptionsSchema>

/** A contact as the sandbox CRM keeps it: unique by our customer id (`reference`) and by e-mail (lower case). */
export type SandboxContact = {
  id: string
  /** Our stable customer id; null for a guest until the customer signs up. */
  reference: string | null
  email: string
  firstName: string | null
  lastName: string | null
  phone: string | null
  company: string | null
  guest: boolean
  /** Associated companies. */
  companyIds: string[]
  /** Each write after the creation, with what it changed (the sandbox's version history). */
  updates: Array<{ at: string; fields: Partial<Record<CrmContactField | "reference" | "guest", string | boolean | null>> }>
  created_at: string
  updated_at: string
}

/** A company, found by its name (case-insensitive) and created once. */
export type SandboxCompany = { id: string; name: string; created_at: string }

export type SandboxDeal = {
  id: string
  /** Our stable order reference: one deal per reference. */
  reference: string
  name: string
  pipeline: string
  stage: string
  amount: string
  currencyCode: string
  closeDate: string | null
  contactId: string
  companyId: string | null
  /** The order's lines, stored with the deal when it was created and never changed. */
  lines: CrmDealInput["lines"]
  /** Each later write, with what it changed (stage, amount). */
  updates: Array<{ at: string; fields: Partial<Record<"stage" | "amount", string>> }>
  created_at: string
  updated_at: string
}
