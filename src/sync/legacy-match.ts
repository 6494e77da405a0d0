import { IntegrationError } from "../lib/errors"
import type { ConnectionConfig, LegacyMatch } from "../modules/integration-hub/options"
import type { ErpProvider, ErpSalesOrder } from "../providers/types"

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
 * the connection has no legacyMatch. More than one candidate is refused in words: the hub does not guess.
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
  const candidates = (await erp.findSalesOrdersByText(match.field, text)).filter((s) => standsAlone(s.matched, text))
  if (candidates.length > 1) {
    throw new IntegrationError(
      `Order #${orderNumber} matches ${candidates.length} live sales in ${connection.id} by legacyMatch (${match.field} containing "${text}"): ${candidates.map((s) => s.number ?? `id ${s.externalId}`).join(", ")}. Cancel the duplicates in the ERP, then retry; the hub links one sale, it does not choose`,
      { connectionId: connection.id, code: "legacy_match_ambiguous", retryable: false }
    )
  }
  return candidates[0] ?? null
}
