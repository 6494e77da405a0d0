import type { MedusaContainer } from "@medusajs/framework/types"
import { reconcileDueConnections } from "../sync/reconcile"

/**
 * Every hour: reconciles each connection whose `reconciliation.everyHours` (daily by default) have passed since its
 * last scheduled reconciliation (the interval is an option, so the job checks).
 */
export default async function reconcileJob(container: MedusaContainer) {
  await reconcileDueConnections(container)
}

export const config = { name: "integration-hub-reconcile", schedule: "7 * * * *" }
