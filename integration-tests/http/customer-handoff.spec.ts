import { medusaIntegrationTestRunner } from "@medusajs/test-utils"
import { createWorkflow, StepResponse, WorkflowResponse } from "@medusajs/framework/workflows-sdk"
import type { ErpCustomerInput, ErpCustomerRef } from "../../src/providers/types"
import { ensureErpCustomerStep } from "../../src/workflows/sync-order-to-erp/steps/ensure-erp-customer"
import { createSyncStep } from "../../src/workflows/sync-step"
import { hub } from "../helpers/sync"

jest.setTimeout(120_000)

for (const key of ["TRYTON_URL", "TRYTON_PASSWORD"]) delete process.env[key]
process.env.INTEGRATION_SANDBOX_ERP = "true"

/** The customer step alone, as a second order's sync runs it. */
const otherOrderWorkflow = createWorkflow(
  "test-other-order-customer",
  (input: { connection_id: string; customer: ErpCustomerInput }) => new WorkflowResponse(ensureErpCustomerStep(input))
)
/** What the second order was handed. */
const handed: { ref: ErpCustomerRef | null } = { ref: null }
/** A second order of the same customer (its e-mail in another case) runs its customer step now, between this order's customer step and its failure. */
const anotherOrderOfTheCustomer = createSyncStep(
  "test-another-order-of-the-customer",
  async (input: { customer: ErpCustomerInput }, { container }) => {
    const { result } = await otherOrderWorkflow(container).run({ input: { connection_id: "erp", customer: { ...input.customer, email: input.customer.email.toLowerCase() } } })
    handed.ref = result
    return new StepResponse(null)
  },
  undefined,
  { label: { does: "sync another order of the same customer" } }
)
const failPermanently = createSyncStep("test-fail-permanently", async () => {
  throw new Error("amount 12.345 has more decimals than USD allows")
}, undefined, { label: { does: "fail on bad data" } })

/** This order's customer step, then (when asked) another order of the customer, then a permanent failure: the customer step compensates. */
const customerThenFailure = (concurrent: boolean) =>
  createWorkflow(`test-customer-then-failure${concurrent ? "-after-another-order" : ""}`, (input: { customer: ErpCustomerInput }) => {
    const customer = ensureErpCustomerStep({ connection_id: "erp", customer: input.customer })
    if (concurrent) anotherOrderOfTheCustomer(input)
    failPermanently()
    return new WorkflowResponse(customer)
  })
const alone = customerThenFailure(false)
const afterAnotherOrder = customerThenFailure(true)

medusaIntegrationTestRunner({
  testSuite: ({ getContainer }) => {
    const address = { name: "Rita Sousa", street: "Rua Direita 8", city: "Faro", postalCode: "8000-001", countryCode: "PT" }
    const customer = (name: string): ErpCustomerInput => ({ email: `${name}-${Date.now()}@Example.com`, name: "Rita Sousa", phone: null, shippingAddress: address, billingAddress: address })
    const sandbox = () => hub(getContainer()).getProvider("erp", "erp")

    it("a later step's permanent failure removes the customer this order's step created", async () => {
      const input = customer("alone")
      const run = await alone(getContainer()).run({ input: { customer: input }, throwOnError: false })
      expect(run.errors[0].error.message).toContain("more decimals")
      // Gone: finding it again creates it.
      expect(await sandbox().upsertCustomer(input)).toMatchObject({ created: true })
    })

    it("keeps the customer it created when another order was handed it meanwhile (that order's sale needs it)", async () => {
      handed.ref = null
      const input = customer("handed")
      const run = await afterAnotherOrder(getContainer()).run({ input: { customer: input }, throwOnError: false })
      expect(run.errors[0].error.message).toContain("more decimals")
      const ref = handed.ref
      expect(ref).toMatchObject({ created: false })
      // Still there, as the other order was handed it.
      expect(await sandbox().upsertCustomer(input)).toEqual(ref)
    })
  },
})
