import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf } from "../serializers"
import type { ListConflictsQueryType } from "../validators"

/**
 * GET /admin/integrations/conflicts?entity=&entity_id=&connection_id=&since=&limit=&offset= — writes that were not
 * applied because another system owns the data (newest first): the entity and field, both values and when each
 * was true, who tried, who won and by which rule.
 */
export async function GET(req: MedusaRequest<unknown, ListConflictsQueryType>, res: MedusaResponse) {
  const { entity, entity_id, connection_id, since, limit, offset } = req.validatedQuery as ListConflictsQueryType
  const filters = {
    ...(entity ? { entity } : {}),
    ...(entity_id ? { entity_id } : {}),
    ...(connection_id ? { connection_id } : {}),
    ...(since ? { created_at: { $gte: since } } : {}),
  }
  const [rows, count] = await hubOf(req.scope).listAndCountConflictRecords(filters, { order: { created_at: "DESC", id: "ASC" }, skip: offset, take: limit })
  res.json({
    conflicts: rows.map((r) => ({
      id: r.id, entity: r.entity, entity_id: r.entity_id, field: r.field, connection_id: r.connection_id, attempted_by: r.attempted_by,
      winner: r.winner, rule: r.rule, winning_value: r.winning_value, losing_value: r.losing_value, winning_at: r.winning_at, losing_at: r.losing_at,
      actor_id: r.actor_id, created_at: r.created_at,
    })),
    count, limit, offset,
  })
}
