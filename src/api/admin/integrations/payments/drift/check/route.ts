import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { DRIFT_WINDOW_MS } from "../../../../../../jobs/check-payment-drift"
import { checkPaymentDrift } from "../../../../../../sync/payment-drift"
import type { CheckPaymentDriftBodyType } from "../../../validators"

/**
 * POST /admin/integrations/payments/drift/check — runs the payment drift check now (body optional: `{ since, until }`,
 * default the daily job's window: the last 25 hours) and returns `{ checked, drifted, resolved, errors, since, until }`.
 */
export async function POST(req: MedusaRequest<CheckPaymentDriftBodyType>, res: MedusaResponse) {
  const body = req.validatedBody ?? {}
  const until = body.until ?? new Date()
  const since = body.since ?? new Date(until.getTime() - DRIFT_WINDOW_MS)
  const result = await checkPaymentDrift(req.scope, { since, until })
  res.json({ ...result, since: since.toISOString(), until: until.toISOString() })
}
