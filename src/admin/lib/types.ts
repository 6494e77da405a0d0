/** Shapes of the integration hub's admin API responses (see src/api/admin/integrations). */
export type SyncStatus = "pending" | "running" | "synced" | "linked" | "failed" | "dead" | "skipped"

export type IntegrationLogEntry = {
  id: string
  connection_id: string
  created_at: string
  direction: "in" | "out"
  operation: string
  /** The call in words ("find the customer by e-mail"), when the provider describes it. */
  description: string | null
  step: string | null
  /** The step in words; "undo: …" for a compensation. */
  step_label: string | null
  compensation: boolean
  status: "success" | "error"
  http_status: number | null
  duration_ms: number
  attempt: number | null
  external_id: string | null
  error: string | null
  request: unknown
  response: unknown
}

export type SyncRun = {
  id: string
  attempt: number
  trigger: string
  status: "running" | "synced" | "skipped" | "failed" | "dead" | "fenced" | "deferred"
  revision: string | null
  external_id: string | null
  summary: string | null
  error: string | null
  error_code: string | null
  started_at: string
  finished_at: string | null
  resolved_at: string | null
}

export type SyncAudit = {
  id: string
  action: "edit" | "retry" | "bulk_retry" | "ignore"
  actor_id: string | null
  changes: Array<{ field: string; from: string | null; to: string | null }>
  note: string | null
  created_at: string
}

export type EditableField = { field: string; label: string; value: string | null; corrected: boolean }

export type SyncRecord = {
  id: string
  connection_id: string
  connection: { kind: string; provider: string; mode: string } | null
  /** Its connection is disabled, paused or gone: not run until it runs again. */
  paused: boolean
  /** "in": an event from the external system applied to this order. */
  direction: "in" | "out"
  effect_key: string
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
  skip_code: string | null
  next_attempt_at: string | null
  failing_since: string | null
  corrections: Record<string, string> | null
  synced_at: string | null
  updated_at: string
  logs: IntegrationLogEntry[]
  runs: SyncRun[]
  audits: SyncAudit[]
  /** Set when the record failed and its data can be corrected before a retry (edit-and-retry). */
  editable_fields: EditableField[] | null
}

export type Connection = { id: string; kind: string; provider: string; enabled: boolean; mode: string }

/** What a payment gateway said about the order's payment since (src/sync/payment-issues.ts), as it stands now. */
export type PaymentIssue =
  | { kind: "dispute"; state: "open" | "won" | "lost" | "closed"; dispute: string; payment_id: string; amount: string; currency_code: string; reason: string; status: string; due_by: string | null; occurred_at: string }
  | { kind: "failed" | "canceled"; payment_id: string; reason: string; occurred_at: string }

export type OrderSyncsResponse = { sync_records: SyncRecord[]; payment_issues: PaymentIssue[]; connections: Connection[] }
/** GET /admin/integrations/customers/:id: the customer's effects, and the CRM connections only. */
export type CustomerSyncsResponse = { sync_records: SyncRecord[]; connections: Connection[] }
export type RetryResponse = { sync_record: SyncRecord; retried: boolean; message: string }
export type EditRequest = { id: string; corrections: Record<string, string | null>; note?: string }

/** One disagreement between Medusa and a payment gateway (GET /admin/integrations/payments/drift). */
export type PaymentDrift = {
  id: string
  connection_id: string
  payment_id: string
  gateway_payment_id: string
  order_id: string | null
  order_display_id: number | null
  field: "status" | "captured_amount" | "refunded_amount" | "currency" | "missing_at_gateway"
  medusa_value: string
  gateway_value: string | null
  /** The disagreement in words: "Medusa has 40.00 refunded, the gateway 43.00". */
  description: string
  status: "open" | "resolved"
  detected_at: string
  last_seen_at: string
  resolved_at: string | null
  note: string | null
}
export type PaymentDriftResponse = { payment_drift: PaymentDrift[]; count: number; limit: number; offset: number }
export type PaymentDriftCheckResponse = { checked: number; drifted: number; resolved: number; errors: Array<{ payment_id: string; message: string }>; since: string; until: string }

/** A write not applied because another system owns the data (GET /admin/integrations/conflicts). */
export type Conflict = {
  id: string
  entity: string
  entity_id: string
  field: string
  connection_id: string
  attempted_by: string
  winner: string
  rule: string
  /** As text; a customer field's are fingerprints ("sha256:…"), never the personal data. */
  winning_value: string | null
  losing_value: string | null
  winning_at: string | null
  losing_at: string
  actor_id: string | null
  created_at: string
}
export type ConflictsResponse = { conflicts: Conflict[]; count: number; limit: number; offset: number }

export type BackfillOutcome = "already" | "existing" | "linked" | "created" | "invalid" | "failed"
export type BackfillRun = {
  id: string
  connection_id: string
  dry_run: boolean
  selection: { from?: string; to?: string; order_numbers?: number[]; order_ids?: string[]; shadow_skipped?: boolean }
  status: "running" | "stopping" | "stopped" | "done" | "failed"
  total: number
  processed: number
  counts: Record<BackfillOutcome, number>
  items: Array<{ order_id: string; display_id: number | null; outcome: BackfillOutcome; message: string }>
  error: string | null
  created_at: string
  finished_at: string | null
}

export type ReconciliationRun = {
  id: string
  connection_id: string
  trigger: "schedule" | "manual"
  window_from: string
  window_to: string
  status: "running" | "done" | "failed"
  checked: number
  drift_count: number
  error: string | null
  created_at: string
  finished_at: string | null
}

export type DriftFix = "resend" | "accept" | "ignore"
export type DriftItem = {
  id: string
  run_id: string
  connection_id: string
  entity_type: string
  entity_id: string
  kind: string
  message: string
  fixes: DriftFix[]
  status: "open" | "fixed" | "ignored" | "superseded"
  resolution: DriftFix | null
  note: string | null
  actor_id: string | null
  resolved_at: string | null
  created_at: string
}

export type CutoverConnection = {
  id: string
  kind: string
  provider: string
  enabled: boolean
  mode: "live" | "shadow"
  configured_mode: "live" | "shadow"
  mode_changed_at: string | null
  mode_changed_by: string | null
  legacy_match: { field: string; pattern: string } | null
  reconciliation: { everyHours: number; windowDays: number; cleanDaysToGoLive: number; clean_days: number; ready: boolean }
  runs: ReconciliationRun[]
  open_drift: number
  held_back: Record<string, number>
  backfills: BackfillRun[]
}
export type CutoverResponse = { connections: CutoverConnection[] }
