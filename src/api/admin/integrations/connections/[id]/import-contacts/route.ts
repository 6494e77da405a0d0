import type { MedusaRequest, MedusaResponse } from "@medusajs/framework/http"
import { MedusaError } from "@medusajs/framework/utils"
import { importContactsNow } from "../../../../../../sync/contact-import"
import { hubOf, serializeSyncRecord } from "../../../serializers"

/**
 * POST /admin/integrations/connections/:id/import-contacts — takes the contacts changed in the CRM since the last
 * look into Medusa now, and returns the import's sync record (its summary says what was updated, recognised as the
 * hub's own writes, or recorded as a conflict). 404 when the connection's changes do not come into Medusa: not an
 * enabled CRM connection, or no customer field it owns or shares (sourceOfTruth).
 */
export async function POST(req: MedusaRequest, res: MedusaResponse) {
  const hub = hubOf(req.scope)
  const connection = hub.getConnection(req.params.id)
  const record = await importContactsNow(req.scope, connection.id)
  if (!record) {
    throw new MedusaError(
      MedusaError.Types.NOT_FOUND,
      `Connection "${connection.id}" takes no changes into Medusa: it must be an enabled CRM connection that owns or shares a customer field (sourceOfTruth "customer" or "customer.<field>" = "crm", "${connection.id}" or "latest")`
    )
  }
  res.json({ sync_record: serializeSyncRecord(hub, record) })
}
