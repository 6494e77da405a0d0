import type { MedusaContainer } from "@medusajs/framework/types"
import { sendAlert } from "../sync/alerts"
import { hubOf } from "../sync/hub"

/** How far ahead a known expiry is announced. */
export const EXPIRY_WARNING_DAYS = 14
const DAY_MS = 86_400_000

/** The credentials of a connection ending within EXPIRY_WARNING_DAYS of `now` (or ended), soonest first. */
export function expiringCredentials(expire: Record<string, string> | undefined, now: Date): Array<{ option: string; date: string; days: number }> {
  return Object.entries(expire ?? {})
    .map(([option, date]) => ({ option, date, days: Math.ceil((Date.parse(`${date}T00:00:00Z`) - now.getTime()) / DAY_MS) }))
    .filter((e) => e.days <= EXPIRY_WARNING_DAYS)
    .sort((a, b) => a.days - b.days)
}

/**
 * Warns of credentials about to expire: the dates a connection's `credentialsExpire` gives, and the OAuth grants
 * the hub cannot renew (none today: HubSpot's refresh tokens do not expire). One alert per connection, option and
 * date, by any instance (its idempotency key).
 */
export async function warnOfExpiringCredentials(container: MedusaContainer, now = new Date()): Promise<number> {
  const hub = hubOf(container)
  let sent = 0
  for (const c of hub.listConnections({ enabledOnly: true })) {
    for (const e of expiringCredentials(c.credentialsExpire, now)) {
      const when = e.days < 0 ? `expired on ${e.date}` : e.days === 0 ? `expires today (${e.date})` : `expires in ${e.days} day${e.days === 1 ? "" : "s"} (${e.date})`
      await sendAlert(container, c.id, {
        state: "credentials_expiring",
        title: `Integration "${c.id}": ${e.option} ${e.days < 0 ? "expired" : "expires soon"}`,
        description: `The option ${e.option} of connection "${c.id}" ${when}: make a new one with the vendor, enter it (${hub.catalog.sourceOf(c.id) === "stored" ? `Integrations → ${c.id} → Settings` : "medusa-config and its environment variables"}) and set its new date in credentialsExpire.`,
        idempotencyKey: `credentials-expiring:${c.id}:${e.option}:${e.date}`,
      })
      sent++
    }
  }
  return sent
}
