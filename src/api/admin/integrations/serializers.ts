import type IntegrationHubModuleService from "../../../modules/integration-hub/service"

export { hubOf } from "../../../sync/hub"

type HubService = IntegrationHubModuleService
type SyncRecordRow = Awaited<ReturnType<HubService["retrieveSyncRecord"]>>
type LogRow = Awaited<ReturnType<HubService["listIntegrationLogs"]>>[number]
type RunRow = Awaited<ReturnType<HubService["listSyncRuns"]>>[number]
type WebhookRow = Awaited<ReturnType<HubService["listWebhookEvents"]>>[number]

/** A sync record as the admin API shows it: what staff need, with a link into the external system when it has one. */
export function serializeSyncRecord(hub: HubService, r: SyncRecordRow) {
  const connection = hub.listConnections().find((c) => c.id === r.connection_id)
  const external_url =
    connection && r.external_id ? hub.getProvider(r.connection_id).externalUrl(r.entity_type, r.external_id) : null
  return {
    id: r.id,
    connection_id: r.connection_id,
    connection: connection ? { kind: connection.kind, provider: connection.provider, mode: connection.mode } : null,
    /** Not run while its connection is disabled (or no longer configured); resumes when it is enabled again. */
    paused: !connection || !connection.enabled,
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
    synced_at: r.synced_at,
    created_at: r.created_at,
    updated_at: r.updated_at,
  }
}

/** A log row as the admin API shows it (bodies were redacted before they were stored). */
export function serializeLog(l: LogRow) {
  return {
    id: l.id,
    created_at: l.created_at,
    direction: l.direction,
    operation: l.operation,
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
  return hub.listConnections().map((c) => ({ id: c.id, kind: c.kind, provider: c.provider, enabled: c.enabled, mode: c.mode }))
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
  }
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
