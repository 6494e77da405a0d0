import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf } from "../serializers"
import type { ListDriftItemsQueryType } from "../validators"

/** GET /admin/integrations/drift-items?connection_id=&run_id=&status=open — differences reconciliations found, newest first. */
export async function GET(req: MedusaRequest<unknown, ListDriftItemsQueryType>, res: MedusaResponse) {
  const { connection_id, run_id, status, limit, offset } = req.validatedQuery as ListDriftItemsQueryType
  const filters = { ...(connection_id ? { connection_id } : {}), ...(run_id ? { run_id } : {}), ...(status ? { status } : {}) }
  const [drift_items, count] = await hubOf(req.scope).listAndCountDriftItems(filters, { order: { created_at: "DESC", id: "ASC" }, skip: offset, take: limit })
  res.json({ drift_items, count, limit, offset })
}
