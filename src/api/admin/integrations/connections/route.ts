import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { hubOf, serializeConnectionHealth } from "../serializers"

/**
 * GET /admin/integrations/connections — every connection (never its options) with its health: calls and error
 * rate over the last hour and day, the queue by state, the circuit breaker, the rate limit and the alert state.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const health = await hub.connectionHealthRows()
  const connections = await Promise.all(hub.listConnections().map((c) => serializeConnectionHealth(hub, c, health.get(c.id))))
  res.json({ connections })
}
