import type { MedusaContainer } from "@medusajs/framework/types"
import { checkPaymentDrift } from "../sync/payment-drift"

/** The check covers the last day and this margin more, so a late or slow run leaves no gap between two windows. */
export const DRIFT_WINDOW_MS = 25 * 3600_000

/**
 * Daily: compares the payments captured or refunded in the last 25 hours (and those with an open disagreement)
 * with their gateway, and records each disagreement (payment drift). Changes nothing in Medusa or at the gateway.
 */
export default async function checkPaymentDriftJob(container: MedusaContainer, now = new Date()) {
  return checkPaymentDrift(container, { since: new Date(now.getTime() - DRIFT_WINDOW_MS), until: now })
}

export const config = { name: "integration-hub-check-payment-drift", schedule: "41 4 * * *" }
