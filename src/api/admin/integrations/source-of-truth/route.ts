import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { inventoryOwner } from "../../../../modules/integration-hub/options"
import { hubOf } from "../serializers"

/** What the hub does with each entity of the matrix today, so staff read more than an owner's name. */
const ENFORCED: Record<string, string> = {
  inventory: "imported from the owning ERP; staff edits of its levels in the admin are refused and recorded as conflicts",
  customer: "sent to the CRM; a field the CRM owns is never overwritten once it holds a value",
  payment: "the gateway's refunds and disputes recorded in Medusa; disagreements shown as payment drift",
}

/**
 * GET /admin/integrations/source-of-truth — the `sourceOfTruth` option as configured: each entity (or
 * "entity.field") with its owner, the connections that owner names, and what the hub enforces for it.
 */
export async function GET(req: MedusaRequest, res: MedusaResponse) {
  const options = hubOf(req.scope).pluginOptions
  const owners = Object.entries(options.sourceOfTruth).map(([key, owner]) => {
    const [entity, field] = key.split(".")
    const connections = key === "inventory"
      ? [inventoryOwner(options)?.id].filter((id): id is string => !!id)
      : options.connections.filter((c) => c.id === owner || c.kind === owner).map((c) => c.id)
    return { entity, field: field ?? null, owner, connections: owner === "medusa" ? [] : connections, enforced: ENFORCED[entity] ?? null }
  })
  res.json({ source_of_truth: owners })
}
