import { IntegrationError } from "../../lib/errors"
import { validatePluginOptions } from "../../modules/integration-hub/connections"
import type { ErpProvider, ErpSalesOrder, ErpTextSearch, LegacyMatchField } from "../../providers/types"
import { findLegacySale, LEGACY_SEARCH, legacyText, standsAlone } from "../legacy-match"

const connection = (legacyMatch?: { field: LegacyMatchField; pattern: string }) =>
  validatePluginOptions({ connections: [{ id: "erp", kind: "erp", provider: "sandbox", ...(legacyMatch ? { legacyMatch } : {}) }] }).connections[0]

/**
 * An ERP whose only part is the text search, over these sales (ids ascending) as an ERP pages them: those whose
 * field is the text (any case) or contains it, `limit` at a time after `after`. It records what it was asked.
 */
function erpWith(sales: Array<ErpSalesOrder & { matched: string }>) {
  const asked: Array<[LegacyMatchField, string, ErpTextSearch]> = []
  const erp = {
    findSalesOrdersByText: async (field: LegacyMatchField, text: string, page: ErpTextSearch) => {
      asked.push([field, text, page])
      const hits = sales.filter((s) => (page.exact ? s.matched.toLowerCase() === text.toLowerCase() : s.matched.toLowerCase().includes(text.toLowerCase())))
      const from = page.after === null ? 0 : hits.findIndex((s) => s.externalId === page.after) + 1
      const rows = hits.slice(from, from + page.limit)
      return { sales: rows, next: rows.length === page.limit ? rows[rows.length - 1].externalId : null }
    },
  } as unknown as ErpProvider
  return { erp, asked }
}
/** `count` sales whose field only contains "WEB-12" ("WEB-120", "WEB-121", …), ids from 1. */
const nearMatches = (count: number) => Array.from({ length: count }, (_, i) => sale(String(i + 1), `WEB-12${i}`))
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
    expect(asked.map(([field, text, page]) => [field, text, page.exact])).toEqual([["description", "WEB-12", true], ["description", "WEB-12", false]])
  })

  it("finds the sale whose field is the text, however many near matches come first", async () => {
    const { erp } = erpWith([...nearMatches(LEGACY_SEARCH.max + 5), sale("exact", "web-12")])
    expect(await findLegacySale(erp, connection({ field: "reference", pattern: "WEB-{display_id}" }), "12")).toMatchObject({ externalId: "exact" })
  })

  it("reads every page of the sales containing the text, up to the bound: the one where it stands alone is found", async () => {
    const { erp, asked } = erpWith([...nearMatches(LEGACY_SEARCH.page * 3 + 7), sale("alone", "Shop order WEB-12 (paid)")])
    expect(await findLegacySale(erp, connection({ field: "description", pattern: "WEB-{display_id}" }), "12")).toMatchObject({ externalId: "alone" })
    expect(asked.filter(([, , page]) => !page.exact).map(([, , page]) => page.after)).toEqual([null, "100", "200", "300"])
  })

  it("refuses to choose between the exact sale and another where the text stands alone", async () => {
    const { erp } = erpWith([sale("1", "Order WEB-12 (phone)"), ...nearMatches(30).map((s) => ({ ...s, externalId: `n${s.externalId}` })), sale("2", "WEB-12")])
    await expect(findLegacySale(erp, connection({ field: "reference", pattern: "WEB-{display_id}" }), "12")).rejects.toMatchObject({ code: "legacy_match_ambiguous" })
  })

  it("refuses, in words, an order it cannot rule out: more sales contain the text than it reads, and none read is the order's", async () => {
    const { erp, asked } = erpWith([...nearMatches(LEGACY_SEARCH.max + 1), sale("late", "Order WEB-12")])
    const found = findLegacySale(erp, connection({ field: "reference", pattern: "WEB-{display_id}" }), "12")
    await expect(found).rejects.toMatchObject({ code: "legacy_match_too_broad", retryable: false })
    await expect(found).rejects.toThrow(
      `Order #12 cannot be matched by legacyMatch in erp: 1000 or more live sales have a reference containing "WEB-12", and neither the first 1000 of them nor one whose reference is "WEB-12" has it standing alone, so the hub cannot rule out that the legacy integration wrote this order. Give the order's sale in the ERP the order's reference (medusa:<order id>, on its sync record), or create the sale there with it, then retry`
    )
    expect(asked.filter(([, , page]) => !page.exact)).toHaveLength(LEGACY_SEARCH.max / LEGACY_SEARCH.page)
  })

  it("finds nothing, and says so, when every sale containing the text is read and none is the order's", async () => {
    const { erp } = erpWith(nearMatches(LEGACY_SEARCH.max - 1))
    expect(await findLegacySale(erp, connection({ field: "reference", pattern: "WEB-{display_id}" }), "12")).toBeNull()
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
