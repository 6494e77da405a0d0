import type { AuthenticatedMedusaRequest, MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { connectionDetail } from "../../../../console/connection-admin"
import { connectionRefusal } from "../../../../modules/integration-hub/stored-connections"
import { hubOf, serializeConnectionHealth } from "../serializers"
import type { CreateConnectionBodyType } from "../validators"

/**
 * GET /admin/integrations/connections — every connection (never its options) with its health: calls and error
 * rate over the last hour and day, the queue by state, the circuit breaker, the rate limit and the alert state.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const health = await hub.connectionHealthRows()
  const connections = await Promise.all(
    hub.listConnections().map(async (c) => ({ ...(await serializeConnectionHealth(hub, c, health.get(c.id))), source: hub.catalog.sourceOf(c.id) }))
  )
  // Stored connections that cannot run (a clash with medusa-config, a secret that does not open): listed with why.
  const not_running = [...hub.catalog.problems].map(([id, problem]) => ({ id, problem }))
  res.json({ connections, not_running })
}

/**
 * POST /admin/integrations/connections { connection_id, provider, kind?, enabled?, mode?, options } — creates a
 * connection from the admin: its options checked as the boot checks medusa-config's (400 with every problem, each
 * naming its field), its secrets encrypted under the plugin's encryptionKey (refused in words without one). It
 * runs on this instance at once and on every other within seconds.
 */
export async function POST(req: AuthenticatedMedusaRequest<CreateConnectionBodyType>, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  try {
    await hub.catalog.stored.create(req.validatedBody, req.auth_context?.actor_id ?? null)
  } catch (err) {
    const refusal = connectionRefusal(err)
    if (refusal) return res.status(refusal.status).json(refusal.body)
    throw err
  }
  await hub.catalog.refresh()
  res.status(201).json({ connection: await connectionDetail(hub, req.validatedBody.connection_id) })
}

