import { oauthStatusOf } from "./oauth"
import type IntegrationHubModuleService from "../modules/integration-hub/service"
import type { ConnectionConfig } from "../modules/integration-hub/options"
import type { ConnectionHealthRow } from "../modules/integration-hub/connection-health"
import { emptyQueue } from "../modules/integration-hub/health-rollup"
import { HealthWindow, readHealthWindow } from "../modules/integration-hub/health-windows"
import { availability, connectionStatus, errorRate, latencyPercentile, rateLimitHeadroom, StatusInput } from "./health"

const DAY_MS = 24 * 3600_000
/** The windows the console shows a connection over. */
export const WINDOWS = { "24h": DAY_MS, "7d": 7 * DAY_MS, "30d": 30 * DAY_MS } as const
export type WindowName = keyof typeof WINDOWS

/** A window's figures as the console shows them: shares and percentiles worked out, counts as they are. */
export function summarizeWindow(w: HealthWindow, limit: { requests: number; perSeconds: number } | null) {
  const round = (v: number | null, places = 4) => (v === null ? null : Math.round(v * 10 ** places) / 10 ** places)
  return {
    from: w.from,
    to: w.to,
    availability: round(availability(w)),
    buckets: w.buckets,
    down_buckets: w.down_buckets,
    calls: w.calls,
    errors: w.errors,
    vendor_errors: w.vendor_errors,
    error_rate: round(errorRate(w)),
    throttled: w.throttled,
    auth_errors: w.auth_errors,
    latency_ms: { p50: latencyPercentile(w.latency_bins, 0.5, w.duration_ms_max), p95: latencyPercentile(w.latency_bins, 0.95, w.duration_ms_max), max: w.duration_ms_max || null },
    rate_limit_headroom: round(rateLimitHeadroom(w.peak_calls_per_bucket, limit), 3),
  }
}

/**
 * One connection as the console's overview shows it: its status in words, its figures over 24 h, 7 d and 30 d
 * (from the health buckets), the queue with the oldest record's age, the circuit and the rate limit. Never its options.
 */
export async function connectionOverview(
  hub: IntegrationHubModuleService,
  c: ConnectionConfig,
  health: ConnectionHealthRow | undefined,
  circuit: StatusInput["circuit"],
  now = new Date()
) {
  const execute = <T>(sql: string, params: unknown[]) => hub.execute<T>(sql, params)
  const guard = hub.getGuard(c.id)
  const [pause, windows] = await Promise.all([
    hub.switches.pauseOf(c.id),
    Promise.all(Object.entries(WINDOWS).map(async ([name, ms]) => [name, await readHealthWindow(execute, c.id, new Date(now.getTime() - ms), now)] as const)),
  ])
  const limit = guard.limiter.limit ?? null
  const queue = health?.queue ?? emptyQueue()
  const { status, words } = connectionStatus({
    disabled: !c.enabled,
    pause,
    circuit,
    recent: health?.recent ?? { calls: 0, successes: 0, vendor_errors: 0, auth_errors: 0, throttled: 0 },
    hour: { calls: health?.calls.last_hour ?? 0, vendor_errors: health?.vendor_errors_last_hour ?? 0 },
    oldestInFlightAt: queue.oldest_in_flight_at,
    now,
    credentialOptions: hub.catalog.credentialOptionsOf(c.id),
    oauth: await oauthStatusOf(hub, c.id),
  })
  return {
    status,
    status_words: words,
    pause: pause ? { paused_at: pause.paused_at, paused_by: pause.paused_by, reason: pause.reason } : null,
    windows: Object.fromEntries(windows.map(([name, w]) => [name, summarizeWindow(w, limit)])) as Record<WindowName, ReturnType<typeof summarizeWindow>>,
    queue: { ...queue, oldest_waiting_ms: queue.oldest_waiting_at ? Math.max(0, now.getTime() - queue.oldest_waiting_at.getTime()) : null },
  }
}
