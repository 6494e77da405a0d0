import type { AuthenticatedMedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { startBackfill } from "../../../../sync/backfill"
import { hubOf } from "../serializers"
import type { StartBackfillBodyType } from "../validators"

/** GET /admin/integrations/backfills?connection_id= — the backfills, newest first, with their counts. */
export async function GET(req: AuthenticatedMedusaRequest, res: MedusaResponse) {
  const connectionId = typeof req.query.connection_id === "string" ? req.query.connection_id : undefined
  const runs = await hubOf(req.scope).listBackfillRuns(connectionId ? { connection_id: connectionId } : {}, { order: { created_at: "DESC" }, take: 20 })
  res.json({ backfills: runs })
}

/**
 * POST /admin/integrations/backfills — sends past orders (chosen by days, numbers, ids, or those held back in shadow
 * mode) to an ERP connection, or, as a dry run (the default), says what sending them would do. Answers at once with
 * the run (202); its counts move as it goes (GET /admin/integrations/backfills/:id).
 */
export async function POST(req: AuthenticatedMedusaRequest<StartBackfillBodyType>, res: MedusaResponse) {
  const { connection_id, dry_run, ...selection } = req.validatedBody
  const run = await startBackfill(req.scope, { connection_id, dry_run, selection, actor_id: req.auth_context?.actor_id ?? null })
  res.status(202).json({ backfill: run })
}
