import { IntegrationError } from "../../lib/errors"
import { validatePluginOptions } from "../../modules/integration-hub/connections"
import type { ErpProvider, ErpSalesOrder, LegacyMatchField } from "../../providers/types"
import { findLegacySale, legacyText, standsAlone } from "../legacy-match"

const connection = (legacyMatch?: { field: LegacyMatchField; pattern: string }) =>
  validatePluginOptions({ connections: [{ id: "erp", kind: "erp", provider: "sandbox", ...(legacyMatch ? { legacyMatch } : {}) }] }).connections[0]

/** An ERP whose only part is the text search, answering with these sales (and recording what it was asked). */
function erpWith(sales: Array<ErpSalesOrder & { matched: string }>) {
  const asked: Array<[LegacyMatchField, string]> = []
  const erp = { findSalesOrdersByText: async (field: LegacyMatchField, text: string) => (asked.push([field, text]), sales) } as unknown as ErpProvider
  return { erp, asked }
}
const sale = (id: string, matched: string): ErpSalesOrder & { matched: string } => ({ externalId: id, number: `SO${id}`, reference: matched, state: "processing", matched })

describe("legacy match", () => {
  it("puts the order number where the pattern says, as often as it says", () => {
    expect(legacyText({ field: "reference", pattern: "WEB-{display_id}" }, 1042)).toBe("WEB-1042")
    expect(legacyText({ field: "description", pattern: "Order {display_id} ({display_id})" }, "7")).toBe("Order 7 (7)")
  })

  it.each([
    ["WEB-12", "WEB-12", true],
    ["Order web-12 (paid)", "WEB-12", true],
    ["WEB-123", "WEB-12", false],
    ["XWEB-12", "WEB-12", false],
    ["WEB-120, WEB-12", "WEB-12", true],
    ["Shop order 5é", "Shop order 5", false],
  ])("%j contains %j standing alone: %s", (value, text, expected) => {
    expect(standsAlone(value, text)).toBe(expected)
  })

  it("finds nothing without a legacyMatch, and asks the ERP nothing", async () => {
    const { erp, asked } = erpWith([sale("1", "WEB-12")])
    expect(await findLegacySale(erp, connection(), "12")).toBeNull()
    expect(asked).toEqual([])
  })

  it("keeps only the sales where the number stands alone", async () => {
    const { erp, asked } = erpWith([sale("1", "WEB-120"), sale("2", "WEB-12 (phone order)")])
    expect(await findLegacySale(erp, connection({ field: "description", pattern: "WEB-{display_id}" }), "12")).toMatchObject({ externalId: "2" })
    expect(asked).toEqual([["description", "WEB-12"]])
  })

  it("refuses to choose between two sales, naming them", async () => {
    const { erp } = erpWith([sale("1", "WEB-12"), sale("2", "web-12")])
    const found = findLegacySale(erp, connection({ field: "reference", pattern: "WEB-{display_id}" }), "12")
    await expect(found).rejects.toThrow(IntegrationError)
    await expect(found).rejects.toThrow(`Order #12 matches 2 live sales in erp by legacyMatch (reference containing "WEB-12"): SO1, SO2. Cancel the duplicates in the ERP, then retry; the hub links one sale, it does not choose`)
  })

  it("says which option to remove when the provider cannot search", async () => {
    await expect(findLegacySale({} as ErpProvider, connection({ field: "reference", pattern: "WEB-{display_id}" }), "12")).rejects.toThrow(
      `The provider of connection "erp" cannot look up the sales another integration wrote (it has no findSalesOrdersByText): remove connections[].legacyMatch of "erp" or use a provider that has it`
    )
  })
})
