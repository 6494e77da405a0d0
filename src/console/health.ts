import { BUCKET_MS, LATENCY_BINS_MS } from "../modules/integration-hub/health-rollup"
import type { HealthWindow } from "../modules/integration-hub/health-windows"

/**
 * The latency below which a share `p` of the calls finished, estimated from the bins (linear within the bin it
 * falls in; the open last bin ends at the longest call seen). Null without calls.
 */
export function latencyPercentile(bins: number[], p: number, longestMs: number): number | null {
  const total = bins.reduce((a, b) => a + b, 0)
  if (!total) return null
  const rank = p * total
  let below = 0
  for (const [i, n] of bins.entries()) {
    if (n > 0 && below + n >= rank) {
      const lower = i === 0 ? 0 : LATENCY_BINS_MS[i - 1]
      const upper = i < LATENCY_BINS_MS.length ? Math.min(LATENCY_BINS_MS[i], Math.max(longestMs, lower)) : Math.max(longestMs, lower)
      return Math.round(lower + ((rank - below) / n) * (upper - lower))
    }
    below += n
  }
  return longestMs
}

/** Share of the window's 5-minute buckets in which calls succeeded or none were needed (null: no bucket yet). */
export const availability = (w: Pick<HealthWindow, "buckets" | "down_buckets">): number | null =>
  w.buckets > 0 ? Math.max(0, 1 - Math.min(w.down_buckets, w.buckets) / w.buckets) : null

/** Share of the calls that failed (null without calls). */
export const errorRate = (w: Pick<HealthWindow, "calls" | "errors">): number | null => (w.calls ? w.errors / w.calls : null)

/**
 * How much of the connection's rate limit its busiest 5 minutes left unused (1: idle, 0: at the limit); null when
 * the connection has no limit configured.
 */
export function rateLimitHeadroom(peakCallsPerBucket: number, limit: { requests: number; perSeconds: number } | null): number | null {
  if (!limit) return null
  const allowed = (limit.requests * (BUCKET_MS / 1000)) / limit.perSeconds
  return Math.max(0, 1 - peakCallsPerBucket / allowed)
}

export type ConnectionStatus = "healthy" | "degraded" | "down" | "circuit_open" | "credentials_refused" | "reconnect_needed" | "paused"

export type StatusInput = {
  /** Disabled (connections[].enabled false in medusa-config, or unticked in its Settings). */
  disabled: boolean
  pause: { paused_at: Date; paused_by: string | null; reason: string | null } | null
  circuit: { state: "closed" | "open" | "half_open"; retry_at?: string | null }
  /** Outbound calls of the last 15 minutes. */
  recent: { calls: number; successes: number; vendor_errors: number; auth_errors: number; throttled: number }
  /** Outbound calls of the last hour. */
  hour: { calls: number; vendor_errors: number }
  /** Since when the oldest record the hub will still run by itself (pending, retrying) has waited. */
  oldestInFlightAt: Date | null
  now: Date
  /** The options that hold the connection's credentials (its provider's secret fields), named when they are refused. */
  credentialOptions?: string[]
  /** A connection that authenticates over OAuth: whether it holds a grant (none yet, or the vendor revoked it). */
  oauth?: { connected: boolean } | null
}

/** Vendor errors over an hour at or above this share make a connection "degraded". */
export const DEGRADED_ERROR_RATE = 0.05
/** A record the hub will still run, waiting longer than this, makes a connection "degraded": its queue is not draining. */
export const DEGRADED_WAIT_MS = 15 * 60_000

const minutes = (ms: number) => (ms < 90 * 60_000 ? `${Math.max(1, Math.round(ms / 60_000))} min` : `${Math.round(ms / 3600_000)} h`)
const percent = (share: number) => `${(Math.round(share * 1000) / 10).toString()} %`

/** A connection's status in one word and in a sentence staff can act on, first match wins (paused before all). */
export function connectionStatus(s: StatusInput): { status: ConnectionStatus; words: string } {
  if (s.disabled) return { status: "paused", words: "Disabled (connections[].enabled in medusa-config, or Enabled in its Settings): its records wait until it is enabled." }
  if (s.pause) {
    const by = s.pause.paused_by ? ` by ${s.pause.paused_by}` : ""
    return { status: "paused", words: `Paused${by} since ${s.pause.paused_at.toISOString()}${s.pause.reason ? ` (${s.pause.reason})` : ""}: its records wait until it is resumed.` }
  }
  if (s.circuit.state === "open") {
    return { status: "circuit_open", words: `Calls are held back after repeated failures${s.circuit.retry_at ? `; the next try is at ${s.circuit.retry_at}` : ""}. Records wait, none is lost.` }
  }
  if (s.oauth && !s.oauth.connected) {
    return { status: "reconnect_needed", words: "Not connected: it holds no OAuth grant (never connected, or the vendor revoked it). Connect it again from its Settings; its records wait." }
  }
  const r = s.recent
  if (r.auth_errors > 0 && r.successes === 0) {
    const options = s.credentialOptions?.length ? `the option${s.credentialOptions.length === 1 ? "" : "s"} ${s.credentialOptions.join(", ")}` : "the connection's key or token"
    return { status: "credentials_refused", words: `The vendor refused the credentials (401/403) on ${r.auth_errors} call${r.auth_errors === 1 ? "" : "s"} in the last 15 min: check ${options}.` }
  }
  if (r.calls > 0 && r.successes === 0 && r.vendor_errors > 0) {
    return { status: "down", words: `No call succeeded in the last 15 min (${r.vendor_errors} of ${r.calls} failed on the vendor's side). Records are retried with backoff.` }
  }
  const reasons: string[] = []
  const rate = s.hour.calls ? s.hour.vendor_errors / s.hour.calls : 0
  if (rate >= DEGRADED_ERROR_RATE) reasons.push(`${percent(rate)} of the last hour's calls failed on the vendor's side`)
  if (r.throttled > 0) reasons.push(`rate limited ${r.throttled} time${r.throttled === 1 ? "" : "s"} in the last 15 min`)
  const waited = s.oldestInFlightAt ? s.now.getTime() - s.oldestInFlightAt.getTime() : 0
  if (waited > DEGRADED_WAIT_MS) reasons.push(`the queue is not draining: a record has waited ${minutes(waited)} for its turn`)
  if (reasons.length) return { status: "degraded", words: `Degraded: ${reasons.join("; ")}.` }
  return { status: "healthy", words: r.calls ? "Healthy: calls succeed and nothing waits long." : "Healthy: no failures, nothing waits long." }
}
