import { ContainerRegistrationKeys } from "@medusajs/framework/utils"
import { createStep, StepResponse } from "@medusajs/framework/workflows-sdk"
import { takeSharedRead } from "../lib/shared-reads"

/** The key under which a one-entity query.graph read is shared (lib/shared-reads): entity, fields and id. */
export const graphReadKey = (entity: string, fields: readonly string[], id: string) => `${entity}|${fields.join(",")}|${id}`

export const readOrderStepId = "read-order"

/**
 * Reads the order a sync sends, with these fields: the read its revision made a moment ago when the event asked for
 * the sync (the same content the revision hashed), else a read of its own. An order that no longer exists fails the
 * step as Query's own `throwIfKeyNotFound` does. Nothing to undo.
 */
export const readOrderStep = createStep(readOrderStepId, async (input: { order_id: string; fields: string[] }, { container }) => {
  const shared = await takeSharedRead<Array<Record<string, unknown>>>(graphReadKey("order", input.fields, input.order_id))
  if (shared?.length) return new StepResponse(shared[0])
  const query = container.resolve(ContainerRegistrationKeys.QUERY)
  const { data } = await query.graph({ entity: "order", fields: input.fields, filters: { id: input.order_id } }, { throwIfKeyNotFound: true })
  return new StepResponse(data[0] as Record<string, unknown>)
})
