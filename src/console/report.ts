import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { readBuckets } from "../modules/integration-hub/health-history"
import { readHealthWindow } from "../modules/integration-hub/health-windows"
import { dayBounds } from "../lib/accounting-date"
import { incidentsOf } from "./history"
import { summarizeWindow } from "./overview"
import { causeSql } from "./work-queue"
import { trendOf, verdictOf } from "./verdict"

/** The longest window a report covers (its buckets are read whole). */
export const MAX_REPORT_DAYS = 92

/** A calendar month of the store's time zone ("2026-11") as UTC instants [start, end). */
export function monthBounds(month: string, timeZone: string): { from: Date; to: Date } {
  const [year, m] = month.split("-").map(Number)
  const next = m === 12 ? `${year + 1}-01` : `${year}-${String(m + 1).padStart(2, "0")}`
  return { from: dayBounds(`${month}-01`, timeZone).start, to: dayBounds(`${next}-01`, timeZone).start }
}

/** The month before the one `at` falls in, in the zone ("2026-11" on any day of December 2026). */
export function previousMonth(at: Date, timeZone: string): string {
  const [year, month] = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit" }).format(at).split("-").map(Number)
  return month === 1 ? `${year - 1}-12` : `${year}-${String(month - 1).padStart(2, "0")}`
}

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/**
 * Per connection over [from, to): runs that ended out of retries (dead letters), and the top causes of failed or
 * dead runs with their counts, through the failures' (created_at) index.
 */
async function failuresOf(execute: Execute, from: Date, to: Date) {
  const [dead, causes] = await Promise.all([
    execute<{ connection_id: string; n: string }>(
      `SELECT r.connection_id, count(*) AS n FROM sync_run f JOIN sync_record r ON r.id = f.sync_record_id
        WHERE f.status = 'dead' AND f.deleted_at IS NULL AND f.created_at >= ? AND f.created_at < ? GROUP BY 1`,
      [from, to]
    ),
    execute<{ connection_id: string; cause: string; code: string | null; n: string; records: string }>(
      `SELECT connection_id, cause, code, n, records FROM (
         SELECT r.connection_id, ${causeSql("f.error")} AS cause, f.error_code AS code, count(*) AS n, count(DISTINCT r.id) AS records,
                row_number() OVER (PARTITION BY r.connection_id ORDER BY count(*) DESC) AS rank
           FROM sync_run f JOIN sync_record r ON r.id = f.sync_record_id
          WHERE f.status IN ('failed', 'dead') AND f.deleted_at IS NULL AND f.created_at >= ? AND f.created_at < ?
          GROUP BY 1, 2, 3) ranked
        WHERE rank <= 5 ORDER BY connection_id, n DESC`,
      [from, to]
    ),
  ])
  return {
    dead: new Map(dead.map((d) => [d.connection_id, Number(d.n)])),
    causes: causes.reduce((m, c) => m.set(c.connection_id, [...(m.get(c.connection_id) ?? []), { cause: c.cause, code: c.code, failures: Number(c.n), records: Number(c.records) }]), new Map<string, Array<{ cause: string; code: string | null; failures: number; records: number }>>()),
  }
}

export type HealthReport = Awaited<ReturnType<typeof buildHealthReport>>

/**
 * The health report over [from, to) for every configured connection: availability, error rates, latency, 429s and
 * the rate limit's headroom, dead letters, the top causes of failure, the incidents, the trend against the period
 * just before of the same length, and a verdict in words. Reads buckets and failed runs only (indexed), never the log.
 */
export async function buildHealthReport(hub: IntegrationHubModuleService, from: Date, to: Date) {
  const execute: Execute = (sql, params) => hub.execute(sql, params)
  const before = { from: new Date(from.getTime() - (to.getTime() - from.getTime())), to: from }
  const failures = await failuresOf(execute, from, to)
  const connections = await Promise.all(
    hub.listConnections().map(async (c) => {
      const limit = hub.getGuard(c.id).limiter.limit ?? null
      const [now, then, buckets] = await Promise.all([
        readHealthWindow(execute, c.id, from, to),
        readHealthWindow(execute, c.id, before.from, before.to),
        readBuckets(execute, c.id, from, to),
      ])
      const period = summarizeWindow(now, limit)
      const previous = summarizeWindow(then, limit)
      const incidents = incidentsOf(buckets)
      const vendorRate = now.calls ? now.vendor_errors / now.calls : null
      const dead_letters = failures.dead.get(c.id) ?? 0
      return {
        id: c.id,
        kind: c.kind,
        provider: c.provider,
        ...period,
        vendor_error_rate: vendorRate === null ? null : Math.round(vendorRate * 10_000) / 10_000,
        dead_letters,
        top_causes: failures.causes.get(c.id) ?? [],
        incidents,
        previous: { availability: previous.availability, error_rate: previous.error_rate, p95_ms: previous.latency_ms.p95, calls: previous.calls },
        trend: {
          availability: trendOf(period.availability, previous.availability, "share"),
          error_rate: trendOf(period.error_rate, previous.error_rate, "share"),
          p95_ms: trendOf(period.latency_ms.p95, previous.latency_ms.p95, "ms"),
        },
        verdict: verdictOf({ calls: now.calls, vendor_error_rate: vendorRate, availability: period.availability, throttled: now.throttled, rate_limit_headroom: period.rate_limit_headroom, dead_letters, incidents }),
      }
    })
  )
  return { from, to, previous: before, generated_at: new Date(), connections }
}
