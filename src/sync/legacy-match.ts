import { IntegrationError } from "../lib/errors"
import type { ConnectionConfig, LegacyMatch } from "../modules/integration-hub/options"
import type { ErpProvider, ErpSalesOrder, LegacyMatchField } from "../providers/types"

/** How the ERP is searched for one order's legacy sale: sales read per page, and at most per search. */
export const LEGACY_SEARCH = { page: 100, max: 1_000 }

/** What the legacy integration wrote for this order number: the pattern with the number in it. */
export const legacyText = (match: LegacyMatch, orderNumber: string | number) => match.pattern.split("{display_id}").join(String(orderNumber))

/**
 * Whether `text` occurs in `value` (any case) with no letter or digit right before or after it: "WEB-12" stands
 * alone in "Order WEB-12 (paid)" but not in "WEB-123" or "XWEB-12".
 */
export function standsAlone(value: string, text: string): boolean {
  const haystack = value.toLowerCase()
  const needle = text.toLowerCase()
  const wordy = (c: string | undefined) => c !== undefined && /[\p{L}\p{N}]/u.test(c)
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + 1)) {
    if (!wordy(haystack[at - 1]) && !wordy(haystack[at + needle.length])) return true
  }
  return false
}

/**
 * The live sale the integration being replaced wrote for this order (connections[].legacyMatch), if any; null when
 * the connection has no legacyMatch. The ERP is asked twice, so near matches ("WEB-120" for "WEB-12") cannot hide
 * the sale: for the sales whose field is the text itself (any case), then for those containing it, page by page up
 * to LEGACY_SEARCH.max. More than one candidate is refused in words: the hub does not guess. When more sales contain
 * the text than it reads and none of those read is the order's, it is refused too (the hub cannot rule out that the
 * legacy integration wrote it, and a second sale would be a duplicate); when one is found it is linked, though a
 * duplicate of it past the bound would go unseen.
 */
export async function findLegacySale(erp: ErpProvider, connection: ConnectionConfig, orderNumber: string): Promise<ErpSalesOrder | null> {
  const match = connection.legacyMatch
  if (!match) return null
  if (!erp.findSalesOrdersByText) {
    throw new IntegrationError(
      `The provider of connection "${connection.id}" cannot look up the sales another integration wrote (it has no findSalesOrdersByText): remove connections[].legacyMatch of "${connection.id}" or use a provider that has it`,
      { connectionId: connection.id, code: "legacy_match_unsupported", retryable: false }
    )
  }
  const text = legacyText(match, orderNumber)
  const find = erp.findSalesOrdersByText.bind(erp)
  const exact = await searchAll(find, match.field, text, true)
  const containing = await searchAll(find, match.field, text, false)
  const candidates = [...new Map([...exact.sales, ...containing.sales].filter((s) => standsAlone(s.matched, text)).map((s) => [s.externalId, s])).values()]
  if (candidates.length > 1) {
    throw new IntegrationError(
      `Order #${orderNumber} matches ${candidates.length} live sales in ${connection.id} by legacyMatch (${match.field} containing "${text}"): ${candidates.map((s) => s.number ?? `id ${s.externalId}`).join(", ")}. Cancel the duplicates in the ERP, then retry; the hub links one sale, it does not choose`,
      { connectionId: connection.id, code: "legacy_match_ambiguous", retryable: false }
    )
  }
  if (!candidates.length && !containing.complete) {
    throw new IntegrationError(
      `Order #${orderNumber} cannot be matched by legacyMatch in ${connection.id}: ${LEGACY_SEARCH.max} or more live sales have a ${match.field} containing "${text}", and neither the first ${LEGACY_SEARCH.max} of them nor one whose ${match.field} is "${text}" has it standing alone, so the hub cannot rule out that the legacy integration wrote this order. Give the order's sale in the ERP the order's reference (medusa:<order id>, on its sync record), or create the sale there with it, then retry`,
      { connectionId: connection.id, code: "legacy_match_too_broad", retryable: false }
    )
  }
  return candidates[0] ?? null
}

/** Every page of one search, up to LEGACY_SEARCH.max sales read; `complete` when none was left unread. */
async function searchAll(
  find: NonNullable<ErpProvider["findSalesOrdersByText"]>,
  field: LegacyMatchField,
  text: string,
  exact: boolean
): Promise<{ sales: Array<ErpSalesOrder & { matched: string }>; complete: boolean }> {
  const sales: Array<ErpSalesOrder & { matched: string }> = []
  let after: string | null = null
  for (let read = 0; read < LEGACY_SEARCH.max; read += LEGACY_SEARCH.page) {
    const page = await find(field, text, { exact, after, limit: LEGACY_SEARCH.page })
    sales.push(...page.sales)
    if (page.next === null) return { sales, complete: true }
    after = page.next
  }
  return { sales, complete: false }
}
