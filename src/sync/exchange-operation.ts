/** The exchange effect: an ERP sale for what each exchange or claim sends out, cancelled with it. */
import type { MedusaContainer } from "@medusajs/framework/types"
import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createHash } from "node:crypto"
import { SyncSkipped } from "../lib/errors"
import { syncExchangesToErpWorkflow } from "../workflows/sync-exchanges-to-erp"
import type { SyncOperation } from "./operations"
import { oneOf } from "./revisions"

type ChangeRow = { id: string; order_id: string; canceled_at?: unknown; additional_items?: Array<{ item_id: string; quantity?: unknown } | null> | null }

/** The exchanges' and claims' content of each order: what each sends out, and whether it is cancelled. */
export async function exchangeRevisions(container: MedusaContainer, orderIds: string[]): Promise<Map<string, string>> {
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const fields = ["id", "order_id", "canceled_at", "additional_items.item_id", "additional_items.quantity"]
  const [exchanges, claims] = await Promise.all(["order_exchange", "order_claim"].map((entity) => query.graph({ entity, fields, filters: { order_id: orderIds } })))
  const byOrder = new Map<string, unknown[]>()
  for (const c of [...exchanges.data, ...claims.data] as unknown as ChangeRow[]) {
    const out = (c.additional_items ?? []).filter((a): a is NonNullable<typeof a> => !!a).map((a) => [a.item_id, Number(a.quantity ?? 0)] as const).sort()
    byOrder.set(c.order_id, [...(byOrder.get(c.order_id) ?? []), [c.id, !!c.canceled_at, out]])
  }
  const hash = (v: unknown) => createHash("sha256").update(JSON.stringify(v)).digest("hex")
  return new Map(orderIds.map((id) => [id, hash(((byOrder.get(id) ?? []) as Array<[string]>).sort(([a], [b]) => a.localeCompare(b)))]))
}

export const exchangesOperation: SyncOperation = {
  kind: "erp",
  effectKey: (id) => `order:${id}:exchanges`,
  externalRef: () => null,
  externalType: "sale",
  // An exchange or claim confirmed, or cancelled, is new content: the effect runs again and makes (or cancels) its sale.
  revision: oneOf(exchangeRevisions),
  revisions: exchangeRevisions,
  // One whose event was lost, and a cancelled one (Medusa emits no event for it): their confirmed order changes.
  sweep: {
    entity: "order_change",
    fields: ["exchange_id", "claim_id", "status", "order_id"],
    wants: (c) => (!!c.exchange_id || !!c.claim_id) && c.status === "confirmed" && typeof c.order_id === "string",
    entityId: (c) => String(c.order_id),
  },
  run: async (container, i) =>
    i.shadow
      ? { errors: [{ error: new SyncSkipped("shadow mode: the exchange was not sent", "shadow") }] }
      : syncExchangesToErpWorkflow(container).run({ input: { connection_id: i.connection_id, order_id: i.entity_id, sync_record_id: i.sync_record_id }, throwOnError: false }),
}
