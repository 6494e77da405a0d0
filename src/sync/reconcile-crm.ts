import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { isDone } from "../modules/integration-hub/models/sync-record"
import type { ConnectionConfig } from "../modules/integration-hub/options"
import { CHECK_PAGE, Drift, Found } from "./drift"
import { hubOf } from "./hub"

/**
 * CRM: the window's customers each have their contact, its orders each their deal: synced by the hub, and still in
 * the CRM (when its provider can tell).
 */
export async function reconcileCrm(container: MedusaContainer, connection: ConnectionConfig, from: Date, to: Date): Promise<Found> {
  const hub = hubOf(container)
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const shadow = (await hub.modeOf(connection.id)) === "shadow"
  const drifts: Drift[] = []
  let checked = 0
  for (const [entity, operation, what] of [["customer", "contact", "contact"], ["order", "deal", "deal"]] as const) {
    for (let skip = 0; ; skip += CHECK_PAGE) {
      const filters = entity === "order" ? { status: { $ne: "draft" }, created_at: { $gte: from, $lte: to } } : { created_at: { $gte: from, $lte: to } }
      const { data } = await query.graph({ entity, fields: ["id", ...(entity === "order" ? ["display_id"] : [])], filters, pagination: { skip, take: CHECK_PAGE, order: { created_at: "ASC", id: "ASC" } } })
      const rows = data as unknown as Array<{ id: string; display_id?: number }>
      if (!rows.length) break
      const records = new Map((await hub.listSyncRecords({ connection_id: connection.id, entity_type: entity, operation, entity_id: rows.map((r) => r.id) })).map((r) => [r.entity_id, r]))
      const crm = hub.getProvider(connection.id, "crm")
      const ids = [...records.values()].flatMap((r) => (isDone(r.status) && r.external_id ? [r.external_id] : []))
      const present = crm.existingRecords && ids.length ? await crm.existingRecords(what, ids) : null
      for (const row of rows) {
        checked += 1
        const record = records.get(row.id)
        const label = entity === "order" ? `Order #${row.display_id ?? row.id}` : `Customer ${row.id}`
        if (record && isDone(record.status)) {
          if (present && record.external_id && !present.has(record.external_id)) {
            drifts.push({ entity_type: entity, entity_id: row.id, kind: what, message: `${label}: its ${what} ${record.external_id} is no longer in ${connection.id} (deleted there)`, details: { external_id: record.external_id }, fixes: shadow ? ["ignore"] : ["resend", "ignore"] })
          }
          continue
        }
        const why = record ? `its ${what} sync is ${record.status}${record.last_error ? `: ${record.last_error}` : record.result_summary ? ` (${record.result_summary})` : ""}` : `it has no ${what} sync`
        drifts.push({ entity_type: entity, entity_id: row.id, kind: what, message: `${label} has no ${what} in ${connection.id}: ${why}`, details: { status: record?.status ?? null }, fixes: shadow ? ["ignore"] : ["resend", "ignore"] })
      }
    }
  }
  return { checked, drifts }
}
