import type { MedusaContainer } from "@medusajs/framework/types"
import { findSyncOperation, syncOperation } from "../../../sync/operations"
import type { ConnectionConfig } from "../../../modules/integration-hub/options"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"
import type { ConnectionHealthRow } from "../../../modules/integration-hub/connection-health"
import { stepLabel } from "../../../workflows/sync-step"
import { connectionOverview } from "../../../console/overview"
// The workflows' steps register their words when loaded.
import "../../../workflows"

export { hubOf } from "../../../sync/hub"

type HubService = IntegrationHubModuleService
type SyncRecordRow = Awaited<ReturnType<HubService["retrieveSyncRecord"]>>
type LogRow = Awaited<ReturnType<HubService["listIntegrationLogs"]>>[number]
type RunRow = Awaited<ReturnType<HubService["listSyncRuns"]>>[number]
type WebhookRow = Awaited<ReturnType<HubService["listWebhookEvents"]>>[number]
type AuditRow = Awaited<ReturnType<HubService["listSyncAudits"]>>[number]

/** A sync record as the admin API shows it: what staff need, with a link into the external system when it has one. */
export function serializeSyncRecord(hub: HubService, r: SyncRecordRow) {
  const connection = hub.listConnections().find((c) => c.id === r.connection_id)
  // What the external id names: the effect's own kind of record (an invoice for payments), else the entity's.
  const externalType = (r.direction === "out" && findSyncOperation(`${r.entity_type}.${r.operation}`)?.externalType) || r.entity_type
  const external_url =
    connection && r.external_id ? hub.getProvider(r.connection_id).externalUrl(externalType, r.external_id) : null
  return {
    id: r.id,
    connection_id: r.connection_id,
    connection: connection ? { kind: connection.kind, provider: connection.provider, mode: hub.modeNow(connection.id) } : null,
    /** Not run while its connection is disabled, paused from the admin or no longer configured; resumes with it. */
    paused: hub.isPaused(r.connection_id),
    direction: r.direction,
    effect_key: r.effect_key,
    revision: r.revision,
    synced_revision: r.synced_revision,
    entity_type: r.entity_type,
    entity_id: r.entity_id,
    operation: r.operation,
    status: r.status,
    external_id: r.external_id,
    external_number: r.external_number,
    external_ref: r.external_ref,
    external_url,
    attempts: r.attempts,
    max_attempts: connection?.retry.maxAttempts ?? null,
    last_error: r.last_error,
    last_error_code: r.last_error_code,
    result_summary: r.result_summary,
    skip_code: r.skip_code,
    next_attempt_at: r.next_attempt_at,
    /** Since when it has been failing: the retry budget in time (retry.maxAgeMs) counts from here. */
    failing_since: r.failing_since,
    /** Staff's corrections this record sends on top of Medusa's data (edit-and-retry). */
    corrections: r.corrections,
    synced_at: r.synced_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}

/**
 * A log row as the admin API shows it (bodies were redacted before they were stored), with words for staff:
 * the step that made the call ("find or create the customer", "undo: remove the customer …") and the call itself.
 */
export function serializeLog(hub: HubService, l: LogRow) {
  const provider = hub.findConnection(l.connection_id) ? hub.getProvider(l.connection_id) : null
  return {
    id: l.id,
    connection_id: l.connection_id,
    created_at: l.created_at,
    direction: l.direction,
    operation: l.operation,
    description: provider?.describeCall?.(l.operation) ?? null,
    step: l.step,
    step_label: stepLabel(l.step, l.compensation),
    compensation: l.compensation,
    status: l.status,
    http_status: l.http_status,
    duration_ms: l.duration_ms,
    attempt: l.attempt,
    external_id: l.external_id,
    error: l.error,
    request: l.request,
    response: l.response,
  }
}

/** Connections without their options: options hold credentials and never leave the server. */
export function serializeConnections(hub: HubService) {
  return hub.listConnections().map((c) => ({ id: c.id, kind: c.kind, provider: c.provider, enabled: c.enabled, mode: hub.modeNow(c.id) }))
}

/**
 * A connection with its health, never its options. `circuit` and `rate_limit` come from the connection's guard
 * (shared through Redis when configured, so every instance tells the same).
 */
export async function serializeConnectionHealth(hub: HubService, c: ConnectionConfig, health: ConnectionHealthRow | undefined) {
  const guard = hub.getGuard(c.id)
  const [circuit, paused_for_ms] = await Promise.all([guard.breaker.snapshot(), guard.limiter.pausedForMs()])
  const calls = health?.calls ?? { last_hour: 0, errors_last_hour: 0, last_day: 0, errors_last_day: 0, last_call_at: null, last_success_at: null }
  const rate = (errors: number, total: number) => (total ? Math.round((errors / total) * 1000) / 1000 : null)
  return {
    id: c.id,
    kind: c.kind,
    provider: c.provider,
    enabled: c.enabled,
    mode: hub.modeNow(c.id),
    health: {
      circuit: { ...circuit, failure_rate_to_open: c.circuitBreaker.failureRate, min_requests: c.circuitBreaker.minRequests },
      rate_limit: guard.limiter.limit ? { ...guard.limiter.limit, paused_for_ms } : { requests: null, perSeconds: null, paused_for_ms },
      calls: {
        ...calls,
        error_rate_last_hour: rate(calls.errors_last_hour, calls.last_hour),
        /** Share of calls that succeeded over the last day: the connection's uptime as the hub saw it. */
        success_rate_last_day: calls.last_day ? 1 - rate(calls.errors_last_day, calls.last_day)! : null,
      },
      syncs: health?.syncs ?? { consecutive_failures: 0, last_success_at: null, last_failure_at: null, alert_open_since: null },
      ...(await connectionOverview(hub, c, health, circuit)),
    },
  }
}

/** One run of a sync record (its history). */
export function serializeRun(r: RunRow) {
  return {
    id: r.id,
    attempt: r.attempt,
    trigger: r.trigger,
    status: r.status,
    revision: r.revision,
    external_id: r.external_id,
    summary: r.summary,
    error: r.error,
    error_code: r.error_code,
    started_at: r.created_at,
    finished_at: r.finished_at,
    /** A failed run that a later run of the same record made good. */
    resolved_at: r.resolved_at,
  }
}

/** What a person did to a sync record: retry, bulk retry, or an edit with its fields (personal values redacted). */
export function serializeAudit(a: AuditRow) {
  const fields = (a.changes as { fields?: unknown } | null)?.fields
  return { id: a.id, action: a.action, actor_id: a.actor_id, changes: Array.isArray(fields) ? fields : [], note: a.note, created_at: a.created_at }
}

/** A webhook delivery as staff see it: what arrived, whether it was trusted, what became of it. */
export function serializeWebhookEvent(w: WebhookRow) {
  return {
    id: w.id,
    connection_id: w.connection_id,
    provider_event_id: w.provider_event_id,
    event_type: w.event_type,
    status: w.status,
    signature_valid: w.signature_valid,
    rejection_reason: w.rejection_reason,
    payload_hash: w.payload_hash,
    payload_size: w.payload_size,
    entity_type: w.entity_type,
    entity_id: w.entity_id,
    sync_record_id: w.sync_record_id,
    occurred_at: w.occurred_at,
    error: w.error,
    processed_at: w.processed_at,
    created_at: w.created_at,
  }
}

/** Enough for several attempts of a flow of ten calls; older ones stay in GET /admin/integrations/logs. */
const LOGS_PER_RECORD = 60
const RUNS_PER_RECORD = 10
const AUDITS_PER_RECORD = 10

/** A record as the order and customer pages show it: with its latest runs, its calls and what staff did to it. */
export async function serializeRecordWithHistory<E>(hub: HubService, r: SyncRecordRow, editable_fields: E) {
  const [logs, runs, audits] = await Promise.all([
    hub.listIntegrationLogs({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: LOGS_PER_RECORD }),
    hub.listSyncRuns({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: RUNS_PER_RECORD }),
    hub.listSyncAudits({ sync_record_id: r.id }, { order: { created_at: "DESC" }, take: AUDITS_PER_RECORD }),
  ])
  return { ...serializeSyncRecord(hub, r), runs: runs.map(serializeRun), logs: logs.map((l) => serializeLog(hub, l)), audits: audits.map(serializeAudit), editable_fields }
}

/** The fields staff may correct before a retry (edit-and-retry), for a failed or dead outbound record whose operation allows it; else null. */
export async function editableFieldsOf(scope: MedusaContainer, r: SyncRecordRow) {
  const editing = r.direction === "out" && (r.status === "failed" || r.status === "dead") ? syncOperation(r.entity_type, r.operation).corrections : undefined
  return editing ? editing.fields(scope, r.entity_id, r.corrections as Record<string, string | null> | null) : null
}
