import { validatePluginOptions } from "../../src/modules/integration-hub/connections"
import { TrytonErpProvider } from "../../src/providers/erp-tryton/service"
import type { LegacyMatchField } from "../../src/providers/types"
import { findLegacySale } from "../../src/sync/legacy-match"
import { buildProvider } from "../../src/testing/erp-contract"
import { describeWithTryton, trytonPeer } from "../helpers/tryton-env"

jest.setTimeout(60_000)

const connection = (field: LegacyMatchField, pattern: string) =>
  validatePluginOptions({ connections: [{ id: "erp", kind: "erp", provider: "sandbox", legacyMatch: { field, pattern } }] }).connections[0]

// The sale a legacy integration wrote, found in the real trytond however many sales merely contain its text.
describeWithTryton()("Tryton: the legacy integration's sale among near matches", () => {
  const state = trytonPeer.readState()!
  const provider = () =>
    buildProvider(TrytonErpProvider, { url: state.url, database: state.database, username: state.username, password: state.password, invoiceMethod: "manual" }).provider
  const address = { name: "Uma Roy", street: "Rua Alta 5", city: "Braga", postalCode: "4700-001", countryCode: "PT" }

  /** Draft sales as the legacy integration left them, created in this order (ids ascending), one field set to each value. */
  async function legacySales(field: LegacyMatchField, values: string[]): Promise<number[]> {
    const erp = provider()
    const customer = await erp.upsertCustomer({ email: `uma-${Date.now()}-${Math.random()}@example.com`, name: "Uma Roy", phone: null, shippingAddress: address, billingAddress: address })
    const tryton = await trytonPeer.session()
    const [currency] = await tryton.model<number[]>("currency.currency", "search", [["code", "=", "USD"]], 0, 1, null)
    return tryton.model<number[]>("sale.sale", "create", values.map((value) => ({ party: Number(customer.externalId), currency, [field]: value })))
  }

  it.each<[LegacyMatchField, (prefix: string) => string]>([
    ["reference", (prefix) => `${prefix}-12`],
    ["description", (prefix) => `Shop order ${prefix}-12 (paid)`],
  ])("links the %s's sale written after 25 sales whose field only contains the text (\"…-120\" to \"…-1224\")", async (field, written) => {
    const prefix = `LEG${Date.now().toString(36).toUpperCase()}`
    const near = Array.from({ length: 25 }, (_, i) => (field === "reference" ? `${prefix}-12${i}` : `Shop order ${prefix}-12${i} (paid)`))
    const ids = await legacySales(field, [...near, written(prefix)])
    const sale = await findLegacySale(provider(), connection(field, `${prefix}-{display_id}`), "12")
    expect(sale).toMatchObject({ externalId: String(ids[25]) })
  })
})
