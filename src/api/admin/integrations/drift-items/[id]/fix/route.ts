import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { applyDriftFix } from "../../../../../../sync/reconcile"
import type { FixDriftBodyType } from "../../../validators"

/**
 * POST /admin/integrations/drift-items/:id/fix { fix, reason? } — applies one of the fixes the item offers: "resend"
 * (Medusa's version again), "accept" (the other side's), "ignore" (with a reason). Who chose what, and what it did,
 * stay on the item.
 */
export async function POST(req: AuthenticatedMedusaRequest<FixDriftBodyType>, res: MedusaResponse) {
  const { fix, reason } = req.validatedBody
  res.json({ drift_item: await applyDriftFix(req.scope, req.params.id, { fix, reason, actor_id: req.auth_context?.actor_id ?? null }) })
}
