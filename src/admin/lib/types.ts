/** Shapes of the integration hub's admin API responses (see src/api/admin/integrations). */
export type SyncStatus = "pending" | "running" | "synced" | "failed" | "dead" | "skipped"

export type IntegrationLogEntry = {
  id: string
  created_at: string
  direction: "in" | "out"
  operation: string
  status: "success" | "error"
  http_status: number | null
  duration_ms: number
  attempt: number | null
  external_id: string | null
  error: string | null
  request: unknown
  response: unknown
}

export type SyncRecord = {
  id: string
  connection_id: string
  connection: { kind: string; provider: string; mode: string } | null
  entity_type: string
  entity_id: string
  operation: string
  status: SyncStatus
  external_id: string | null
  external_number: string | null
  external_ref: string | null
  external_url: string | null
  attempts: number
  max_attempts: number | null
  last_error: string | null
  last_error_code: string | null
  result_summary: string | null
  next_attempt_at: string | null
  synced_at: string | null
  updated_at: string
  logs: IntegrationLogEntry[]
}

export type Connection = { id: string; kind: string; provider: string; enabled: boolean; mode: string }

export type OrderSyncsResponse = { sync_records: SyncRecord[]; connections: Connection[] }
export type RetryResponse = { sync_record: SyncRecord; retried: boolean; message: string }
