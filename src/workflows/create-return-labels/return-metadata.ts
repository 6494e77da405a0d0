import type { IOrderModuleService } from "@medusajs/framework/types"
import type { ReturnLabel } from "./plan"

/** What the hub keeps under a return's `metadata.integration_hub` before a change: what undoing it writes back. */
export type HubMetadataBefore = { return_id: string; integration_hub: Record<string, unknown> | null }

/**
 * Keeps the label under the return's `metadata.integration_hub.return_label`, next to the hub's other keys there
 * and staff's own metadata (Medusa merges metadata by top-level key). Returns what was there. (The Order Module's
 * `updateReturns` takes one argument, despite its typed `(id, data)` overload: the selector form is the one it reads.)
 */
export async function keepReturnLabel(order: IOrderModuleService, returnId: string, label: ReturnLabel): Promise<HubMetadataBefore> {
  const [current] = await order.listReturns({ id: returnId }, { select: ["id", "metadata"] })
  const hub = (current?.metadata?.integration_hub as Record<string, unknown> | null | undefined) ?? null
  await order.updateReturns([{ selector: { id: returnId }, data: { metadata: { integration_hub: { ...(hub ?? {}), return_label: label } } } }])
  return { return_id: returnId, integration_hub: hub }
}

/** Puts the hub's metadata of each return back as it was (an empty string is Medusa's way to remove a key). */
export async function restoreHubMetadata(order: IOrderModuleService, before: HubMetadataBefore[]): Promise<void> {
  for (const b of before) await order.updateReturns([{ selector: { id: b.return_id }, data: { metadata: { integration_hub: b.integration_hub ?? "" } } }])
}
