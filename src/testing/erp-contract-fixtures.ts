import type { ErpCustomerInput, ErpProvider, ErpSalesOrderInput } from "../providers/types"

/**
 * The contract every ERP adapter passes, whatever the ERP: run it from a Jest spec of the adapter against the
 * real ERP (or a protocol-faithful one). It checks what the hub relies on: idempotency by our references, exact
 * totals, typed permanent errors that name what to fix, and retryable failures for timeouts and 5xx.
 *
 *   describeErpContract("Acme ERP", { provider: () => buildProvider(AcmeErpProvider, options).provider, ... })
 */
export type ErpContractSubject = {
  /** The adapter on the ERP under test (built with `buildProvider`, exactly as the hub builds it). */
  provider: () => ErpProvider
  /** The same adapter pointed at `url` instead (a server of the suite's that hangs or answers 503). */
  providerAt: (url: string, timeoutMs: number) => ErpProvider
  /** The adapter with credentials the ERP refuses, and the option its error must name (e.g. "options.password"). */
  withBadCredentials: () => { provider: ErpProvider; option: string }
  /** A product the ERP sells: its SKU, title, list price (excluding tax) and the currency sales are made in. */
  product: { sku: string; title: string; unitPrice: string; currencyCode: string }
  /** What the ERP itself holds for a sale, read without the adapter: its total (taxes included) and state. */
  readSale: (externalId: string) => Promise<{ total: string; state: string }>
  /**
   * For an adapter that records payments (`recordPayment`): the adapter configured so that its sales are
   * invoiced when confirmed. Without it the payment cases are not registered (and the hub skips payments).
   */
  payments?: { provider: () => ErpProvider }
  /** What the ERP holds for a credit note (`recordRefund`), read without the adapter: its total, negative. */
  readCreditNote?: (externalId: string) => Promise<{ total: string }>
  /**
   * What the ERP holds on hand of a SKU in the warehouse its sales ship from, read without the adapter: the return
   * cases check that a received return counts its units. Without it they check the return's state only.
   */
  readStock?: (sku: string) => Promise<{ onHand: number }>
  /**
   * Ships a sale's delivery in the ERP, without the adapter: the return cases call it on each sale before its return,
   * as goods come back after they left (an ERP may take goods back only against a done delivery).
   */
  deliver?: (saleExternalId: string) => Promise<void>
}

export const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`

/** The error a call fails with; a call that succeeds fails the test. */
export const failure = (p: Promise<unknown>) =>
  p.then(
    () => {
      throw new Error("expected the call to fail")
    },
    (err: unknown) => err
  )

/** Inputs the contract's cases send: a new customer each time, and a sale of two units of the subject's product. */
export function contractInputs(subject: ErpContractSubject) {
  const { product } = subject
  const address = { name: "Contract Tester", street: "1 Contract Way", city: "Lisbon", postalCode: "1000-001", countryCode: "PT" }
  const customerInput = (): ErpCustomerInput => ({ email: `contract-${unique()}@example.com`, name: "Contract Tester", phone: null, shippingAddress: address, billingAddress: address })
  const saleInput = async (erp: ErpProvider, overrides: Partial<ErpSalesOrderInput> = {}): Promise<ErpSalesOrderInput> => {
    const customer = await erp.upsertCustomer(customerInput())
    // Two units with 10 % off: the discount must reach the ERP's total.
    const net = (Number(product.unitPrice) * 2 * 0.9).toFixed(2)
    return {
      reference: `medusa:contract-${unique()}`,
      orderNumber: "9001",
      customer,
      currencyCode: product.currencyCode,
      orderDate: new Date().toISOString().slice(0, 10),
      lines: [{ sku: product.sku, title: product.title, quantity: 2, unitPrice: product.unitPrice, netAmount: net, taxes: [] }],
      shipping: [],
      total: net,
      checks: { stock: false, priceTolerancePercent: null },
      ...overrides,
    }
  }
  return { customerInput, saleInput }
}
