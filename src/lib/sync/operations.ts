import type { MedusaContainer } from "@medusajs/framework/types"
import type { ConnectionKind } from "../../modules/integration-hub/options"
import { SyncSkipped } from "../errors"
import { cancelOrderInErpWorkflow } from "../../workflows/cancel-order-in-erp"
import { orderReference } from "../../workflows/sync-order-to-erp/order-mapper"
import { syncOrderToErpWorkflow } from "../../workflows/sync-order-to-erp"

export type OperationRun = {
  sync_record_id: string
  connection_id: string
  entity_id: string
  shadow: boolean
}

/** A kind of sync: which connections get it and which workflow carries it out. */
export type SyncOperation = {
  kind: ConnectionKind
  externalRef: (entityId: string) => string | null
  run: (container: MedusaContainer, input: OperationRun) => Promise<{ errors: Array<{ error: unknown }> }>
}

/** Every sync the hub knows, by "<entity_type>.<operation>". */
export const SYNC_OPERATIONS: Record<string, SyncOperation> = {
  "order.create": {
    kind: "erp",
    externalRef: orderReference,
    run: (container, i) =>
      syncOrderToErpWorkflow(container).run({
        input: { sync_record_id: i.sync_record_id, connection_id: i.connection_id, order_id: i.entity_id, shadow: i.shadow },
        throwOnError: false,
      }),
  },
  "order.cancel": {
    kind: "erp",
    externalRef: orderReference,
    run: (container, i) =>
      i.shadow
        ? Promise.resolve({ errors: [{ error: new SyncSkipped("shadow mode: the cancel was not sent") }] })
        : cancelOrderInErpWorkflow(container).run({
            input: { sync_record_id: i.sync_record_id, connection_id: i.connection_id, order_id: i.entity_id },
            throwOnError: false,
          }),
  },
}

export function syncOperation(entityType: string, operation: string): SyncOperation {
  const op = SYNC_OPERATIONS[`${entityType}.${operation}`]
  if (!op) throw new Error(`No sync operation "${entityType}.${operation}" is defined`)
  return op
}
