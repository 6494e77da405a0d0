import type { ILockingModule } from "@medusajs/framework/types"
import { Modules } from "@medusajs/framework/utils"
import { StepResponse } from "@medusajs/framework/workflows-sdk"
import { IntegrationError } from "../../../lib/errors"
import { createSyncStep } from "../../sync-step"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ErpCustomerInput, ErpCustomerRef } from "../../../providers/types"

export const ensureErpCustomerStepId = "ensure-erp-customer"

/** How long a sync waits for another one finding or creating the same customer, and how long a lock may be held (s). */
const CUSTOMER_LOCK = { timeout: 60, expire: 120 }

/**
 * Finds or creates the order's customer in the ERP (by e-mail first, so a repeat after a lost answer finds it),
 * under a lock per connection and e-mail through Medusa's Locking module: two orders of one new customer placed
 * at the same moment, on any instance, make one customer, not two. Compensation removes a customer this step created.
 */
export const ensureErpCustomerStep = createSyncStep(
  ensureErpCustomerStepId,
  async (input: { connection_id: string; customer: ErpCustomerInput }, { container }) => {
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(input.connection_id, "erp")
    const locking = container.resolve<ILockingModule>(Modules.LOCKING)
    const key = `integration-hub:customer:${input.connection_id}:${input.customer.email.trim().toLowerCase()}`
    const ref = await locking.execute(key, () => erp.upsertCustomer(input.customer), CUSTOMER_LOCK).catch((err: unknown) => {
      if (err instanceof IntegrationError || !/timed.?out/i.test(String((err as Error)?.message))) throw err
      throw new IntegrationError(
        `Another sync has been finding or creating the same customer (same e-mail) on ${input.connection_id} for ${CUSTOMER_LOCK.timeout} s (will retry)`,
        { connectionId: input.connection_id, code: "customer_locked", retryable: true }
      )
    })
    return new StepResponse<ErpCustomerRef, { connection_id: string; external_id: string } | null>(
      ref,
      ref.created ? { connection_id: input.connection_id, external_id: ref.externalId } : null
    )
  },
  async (created, { container }) => {
    if (!created) return
    const erp = container.resolve<IntegrationHubModuleService>(INTEGRATION_HUB_MODULE).getProvider(created.connection_id, "erp")
    await erp.deleteCustomer(created.external_id)
  },
  { label: { does: "find or create the customer", undoes: "remove the customer created for this order" }, repeatOn: (input) => input.connection_id }
)
