import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf, serializeWebhookEvent } from "../serializers"
import type { ListWebhookEventsQueryType } from "../validators"

/** GET /admin/integrations/webhook-events?connection_id=&status=&event_type=&limit=&offset= — newest first. */
export async function GET(req: MedusaRequest<unknown, ListWebhookEventsQueryType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const { connection_id, status, event_type, limit, offset } = req.validatedQuery as ListWebhookEventsQueryType
  const filters = Object.fromEntries(Object.entries({ connection_id, status, event_type }).filter(([, v]) => v !== undefined))
  const [events, count] = await hub.listAndCountWebhookEvents(filters, { order: { created_at: "DESC" }, skip: offset, take: limit })
  res.json({ webhook_events: events.map(serializeWebhookEvent), count, limit, offset })
}
