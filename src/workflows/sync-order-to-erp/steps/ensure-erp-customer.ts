import type { ILockingModule, MedusaContainer } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { createSyncStep } from "../../sync-step"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import { createProviderStateStore } from "../../../modules/integration-hub/provider-state-store"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import { emailKey } from "../../../providers/text-match"
import type { ErpCustomerInput, ErpCustomerRef, ErpProvider, ProviderStateStore } from "../../../providers/types"

export const ensureErpCustomerStepId = "ensure-erp-customer"

/** How long a sync waits for another one finding or creating the same customer, and how long a lock may be held (s). */
const CUSTOMER_LOCK = { timeout: 60, expire: 120 }

/** What undoing needs: the customer this step created, and the e-mail whose lock guards it. */
type CreatedCustomer = { connection_id: string; external_id: string; email: string }

/** The mark (a provider_state row of the connection) on a customer this step created and no other order has been handed. */
const undoableKey = (externalId: string) => `hub:customer-undoable:${externalId}`

/** Runs `fn` holding the lock of this connection and e-mail (Medusa's Locking module: across instances). */
async function underCustomerLock<T>(container: MedusaContainer, connectionId: string, email: string, fn: () => Promise<T>): Promise<T> {
  const locking = container.resolve<ILockingModule>(Modules.LOCKING)
  return locking.execute(`integration-hub:customer:${connectionId}:${emailKey(email)}`, fn, CUSTOMER_LOCK).catch((err: unknown) => {
    if (err instanceof IntegrationError || !/timed.?out/i.test(String((err as Error)?.message))) throw err
    throw new IntegrationError(
      `Another sync has been finding or creating the same customer (same e-mail) on ${connectionId} for ${CUSTOMER_LOCK.timeout} s (will retry)`,
      { connectionId, code: "customer_locked", retryable: true }
    )
  })
}

function erpAndMarks(container: MedusaContainer, connectionId: string): { erp: ErpProvider; marks: ProviderStateStore } {
  const hub = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE)
  return { erp: hub.getProvider(connectionId, "erp"), marks: createProviderStateStore(connectionId, (sql, params) => hub.execute(sql, params)) }
}

/**
 * Finds or creates the order's customer in the ERP (by e-mail first, so a repeat after a lost answer finds it),
 * under a lock per connection and e-mail through Medusa's Locking module: two orders of one new customer placed
 * at the same moment, on any instance, make one customer, not two.
 * Compensation removes a customer this step created, unless another order has been handed it since: that order
 * may not have made its sale yet, and the ERP refuses to delete a customer only once a sale references it. So a
 * created customer is marked as undoable, every order that finds it takes the mark away, and the compensation
 * deletes only while the mark is there, all under the same lock: a finder either finds the customer before the
 * compensation looks (and the customer stays) or after it deleted it (and creates another). A customer kept that
 * way and whose other order fails too stays, unused, in the ERP, as one a lost answer leaves.
 */
export const ensureErpCustomerStep = createSyncStep(
  ensureErpCustomerStepId,
  async (input: { connection_id: string; customer: ErpCustomerInput }, { container }) => {
    const { erp, marks } = erpAndMarks(container, input.connection_id)
    const ref = await underCustomerLock(container, input.connection_id, input.customer.email, async () => {
      const ref = await erp.upsertCustomer(input.customer)
      if (ref.created) await marks.set(undoableKey(ref.externalId), { created_at: new Date().toISOString() })
      else await marks.delete(undoableKey(ref.externalId))
      return ref
    })
    return new StepResponse<ErpCustomerRef, CreatedCustomer | null>(
      ref,
      ref.created ? { connection_id: input.connection_id, external_id: ref.externalId, email: input.customer.email } : null
    )
  },
  async (created, { container }) => {
    if (!created) return
    const { erp, marks } = erpAndMarks(container, created.connection_id)
    await underCustomerLock(container, created.connection_id, created.email, async () => {
      if (await marks.get(undoableKey(created.external_id))) await erp.deleteCustomer(created.external_id)
      await marks.delete(undoableKey(created.external_id))
    })
  },
  { label: { does: "find or create the customer", undoes: "remove the customer created for this order" }, repeatOn: (input) => input.connection_id }
)
