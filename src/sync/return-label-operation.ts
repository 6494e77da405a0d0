/** The return-label effect: a carrier connection that shipped an order buys a label for each of its returns. */
import { SyncSkipped } from "../lib/errors"
import { createReturnLabelsWorkflow } from "../workflows/create-return-labels"
import type { SyncOperation } from "./operations"
import { hubFulfillmentsOf, isHubFulfillment, oneOf, returnLabelRevisions } from "./revisions"

type SweptReturn = { order?: { fulfillments?: Array<{ provider_id?: unknown; data?: unknown } | null> | null } | null }

/** The connections of the hub fulfillments of a swept return's order (read along with the return). */
const shippersOf = (row: Record<string, unknown>) =>
  [...new Set(((row as SweptReturn).order?.fulfillments ?? []).filter((f): f is NonNullable<typeof f> => !!f && isHubFulfillment(f)).map((f) => String((f.data as { connection_id: string }).connection_id)))]

export const returnLabelsOperation: SyncOperation = {
  kind: "shipping",
  effectKey: (id) => `order:${id}:return-labels`,
  externalRef: () => null,
  externalType: "label",
  // A return requested, received or cancelled is new content: the effect runs again and buys (or voids) its label.
  revision: oneOf(returnLabelRevisions),
  revisions: returnLabelRevisions,
  // The carriers that shipped the order; an order shipped otherwise concerns none.
  connectionsFor: async (container, orderId) => [...new Set((await hubFulfillmentsOf(container, orderId)).map((f) => f.connection_id))],
  // A return whose event was lost (and a cancelled one: Medusa emits no event for it) still gets its label, or its void.
  sweep: {
    entity: "return",
    fields: ["status", "order_id", "order.fulfillments.provider_id", "order.fulfillments.data"],
    wants: (r) => ["requested", "received", "partially_received", "canceled"].includes(String(r.status)) && typeof r.order_id === "string",
    entityId: (r) => String(r.order_id),
    connections: shippersOf,
  },
  run: async (container, i) =>
    i.shadow
      ? { errors: [{ error: new SyncSkipped("shadow mode: no return label was bought", "shadow") }] }
      : createReturnLabelsWorkflow(container).run({ input: { connection_id: i.connection_id, order_id: i.entity_id }, throwOnError: false }),
}
