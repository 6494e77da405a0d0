import type { MedusaContainer } from "@medusajs/framework/types"
import { INTEGRATION_HUB_MODULE } from "../../../modules/integration-hub"
import type IntegrationHubModuleService from "../../../modules/integration-hub/service"

type HubService = IntegrationHubModuleService
type SyncRecordRow = Awaited<ReturnType<HubService["retrieveSyncRecord"]>>
type LogRow = Awaited<ReturnType<HubService["listIntegrationLogs"]>>[number]

export const hubOf = (scope: MedusaContainer) => scope.resolve<HubService>(INTEGRATION_HUB_MODULE)

/** A sync record as the admin API shows it: what staff need, with a link into the external system when it has one. */
export function serializeSyncRecord(hub: HubService, r: SyncRecordRow) {
  const connection = hub.listConnections().find((c) => c.id === r.connection_id)
  const external_url =
    connection && r.external_id ? hub.getProvider(r.connection_id).externalUrl(r.entity_type, r.external_id) : null
  return {
    id: r.id,
    connection_id: r.connection_id,
    connection: connection ? { kind: connection.kind, provider: connection.provider, mode: connection.mode } : null,
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
