/** Shapes of the console's admin API responses (connections overview, work queue). */
import type { SyncRecord } from "./types"

export type ConnectionStatus = "healthy" | "degraded" | "down" | "circuit_open" | "credentials_refused" | "reconnect_needed" | "paused"

export type HealthWindow = {
  from: string
  to: string
  /** Share of 5-minute buckets in which calls succeeded or none were needed; null before the first roll-up. */
  availability: number | null
  buckets: number
  down_buckets: number
  calls: number
  errors: number
  vendor_errors: number
  error_rate: number | null
  throttled: number
  auth_errors: number
  latency_ms: { p50: number | null; p95: number | null; max: number | null }
  rate_limit_headroom: number | null
}

export type ConnectionHealth = {
  id: string
  kind: string
  provider: string
  enabled: boolean
  mode: "live" | "shadow"
  health: {
    status: ConnectionStatus
    status_words: string
    pause: { paused_at: string; paused_by: string | null; reason: string | null } | null
    circuit: { state: "closed" | "open" | "half_open"; retry_at: string | null }
    rate_limit: { requests: number | null; perSeconds: number | null; paused_for_ms: number }
    calls: { last_hour: number; errors_last_hour: number; last_call_at: string | null; last_success_at: string | null }
    queue: { pending: number; running: number; retrying: number; needs_attention: number; dead: number; oldest_waiting_at: string | null; oldest_in_flight_at: string | null; oldest_waiting_ms: number | null }
    windows: Record<"24h" | "7d" | "30d", HealthWindow>
  }
}
export type ConnectionsResponse = { connections: Array<ConnectionHealth & { source: "config" | "stored" }>; not_running: Array<{ id: string; problem: string }> }
export type TestConnectionResponse = { connection_id: string; ok: boolean; duration_ms: number; message: string; code?: string }
export type PauseResponse = { connection_id: string; paused: boolean; message: string }

export type QueueView = "open" | "in_flight" | "resolved"
export type QueueState = "needs_attention" | "dead" | "paused" | "retrying"
export type QueueFilter = { view: QueueView; connection_id?: string; entity_type?: string; state?: QueueState; error_code?: string; older_than_minutes?: number; cause?: string }

export type QueueGroup = {
  cause: string
  connection_id: string
  entity_type: string
  operation: string
  error_code: string | null
  cause_text: string
  count: number
  waiting_since: string
  sample_id: string
}
export type QueueRecord = {
  id: string
  connection_id: string
  entity_type: string
  entity_id: string
  operation: string
  state: QueueState
  state_words: string
  status: string
  attempts: number
  last_error: string | null
  last_error_code: string | null
  next_attempt_at: string | null
  waiting_since: string
  admin_path: string | null
}
export type ResolvedRecord = {
  sync_record_id: string
  connection_id: string
  entity_type: string
  entity_id: string
  operation: string
  status: string
  resolved_at: string
  resolved_by: "person" | "auto"
  actor_id: string | null
  last_failure: string | null
  admin_path: string | null
}
export type QueueResponse = { view: QueueView; groups: QueueGroup[]; records: QueueRecord[]; count: number; limit: number; offset: number }
export type ResolvedResponse = { view: "resolved"; resolved: ResolvedRecord[]; limit: number; offset: number }
export type BulkRetryResponse = { results: Array<{ id: string; retried: boolean; status: string | null; message: string }>; count: number; synced: number; failed: number }
export type SyncRecordResponse = { sync_record: SyncRecord }

export type HistoryWindow = "24h" | "7d" | "30d"
export type HistoryPoint = { t: string; calls: number; errors: number; throttled: number; p95_ms: number | null; waiting: number | null; down: boolean }
export type Incident = { kind: "outage" | "circuit_open"; start: string; end: string; duration_ms: number; buckets: number }
export type ConnectionHistoryResponse = { connection: ConnectionHealth; window: HistoryWindow; step_ms: number; points: HistoryPoint[]; incidents: Incident[] }

export type WebhookEventRow = {
  id: string
  connection_id: string
  provider_event_id: string | null
  event_type: string | null
  status: "received" | "processed" | "failed" | "dead" | "ignored" | "rejected"
  signature_valid: boolean
  rejection_reason: string | null
  payload_hash: string
  payload_size: number
  entity_type: string | null
  entity_id: string | null
  sync_record_id: string | null
  error: string | null
  processed_at: string | null
  created_at: string
}
export type WebhookEventsResponse = { webhook_events: WebhookEventRow[]; count: number; limit: number; offset: number }
export type CallLogResponse = { logs: import("./types").IntegrationLogEntry[]; count: number; count_capped: boolean; limit: number; offset: number }

export type AlertRow = {
  id: string
  connection_id: string
  state: string
  title: string
  description: string
  recipients: Array<{ channel: string; to: string | null }>
  reached: string[]
  resource_type: string | null
  resource_id: string | null
  created_at: string
}
export type AlertsResponse = {
  alerts: AlertRow[]
  count: number
  limit: number
  offset: number
  thresholds: { after_consecutive_failures: number; recover_after_consecutive_successes: number; notify: string[] }
  open: Array<{ connection_id: string; since: string; consecutive_failures: number }>
}

export type ReportConnection = {
  id: string
  kind: string
  provider: string
  availability: number | null
  calls: number
  errors: number
  error_rate: number | null
  vendor_error_rate: number | null
  throttled: number
  rate_limit_headroom: number | null
  latency_ms: { p50: number | null; p95: number | null; max: number | null }
  dead_letters: number
  top_causes: Array<{ cause: string; code: string | null; failures: number; records: number }>
  incidents: Incident[]
  previous: { availability: number | null; error_rate: number | null; p95_ms: number | null; calls: number }
  trend: { availability: string | null; error_rate: string | null; p95_ms: string | null }
  verdict: { grade: "idle" | "healthy" | "flaky" | "unreliable"; words: string }
}
export type HealthReportResponse = { report: { from: string; to: string; previous: { from: string; to: string }; generated_at: string; connections: ReportConnection[] } }

/** One field of a provider's options form (from the provider's zod schema). */
export type FormField = {
  path: string
  type: "string" | "number" | "integer" | "boolean" | "enum" | "list" | "json"
  label: string
  help: string | null
  required: boolean
  secret: boolean
  default: unknown
  options?: string[]
  format?: string
}
export type ProviderInfo = { name: string; kind: string; built_in: boolean; form: FormField[] | null }
export type ProvidersResponse = { providers: ProviderInfo[] }
export type ConnectionProblem = { path: string; message: string }
export type ConnectionAuditEntry = { id: string; action: string; actor_id: string | null; changed: string[] | null; note: string | null; created_at: string }
/** A connection as its settings page edits it: secrets only as set or not, with their last four characters. */
export type ConnectionSettings = {
  id: string
  kind: string
  provider: string
  enabled: boolean
  mode: "live" | "shadow"
  source: "config" | "stored"
  read_only: boolean
  version: number | null
  form: FormField[] | null
  options: Record<string, unknown> | null
  secrets: Record<string, { set: boolean; mask: string | null }> | null
  credentials_expire: Record<string, string>
  oauth: { connected: boolean; expires_at: string | null; callback_path: string } | null
  problem: string | null
  audit: ConnectionAuditEntry[]
}
export type ConnectionSettingsResponse = { connection: ConnectionSettings }
