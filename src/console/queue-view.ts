import type IntegrationHubModuleService from "../modules/integration-hub/service"
import { OPEN_STATES, QueueFilter, QueueRow, QueueState } from "./work-queue"

type Filter = { view: "open" | "in_flight" | "resolved"; state?: QueueState[] } & Omit<QueueFilter, "states">

/** The queue filter an admin request gives: the open view's states (all of them by default), or the retries in flight. */
export function queueFilterOf(f: Filter): QueueFilter {
  const states = f.view === "in_flight" ? (["retrying"] as const) : (f.state?.filter((s) => OPEN_STATES.includes(s)) ?? OPEN_STATES)
  return { states, connection_id: f.connection_id, entity_type: f.entity_type, error_code: f.error_code, older_than_minutes: f.older_than_minutes, cause: f.cause }
}

export const executeOf = (hub: IntegrationHubModuleService) => <T>(sql: string, params: unknown[]) => hub.execute<T>(sql, params)

/** Where the record's entity is in Medusa's admin (relative to /app), when it has a page there. */
export function adminPathOf(entityType: string, entityId: string): string | null {
  const paths: Record<string, string> = { order: `/orders/${entityId}`, customer: `/customers/${entityId}`, inventory: `/inventory/${entityId}` }
  return paths[entityType] ?? null
}

/** What each state means, for staff. */
export const STATE_WORDS: Record<QueueState, string> = {
  needs_attention: "needs attention",
  dead: "out of retries",
  paused: "connection paused",
  retrying: "retry planned",
}

export function serializeQueueRow(r: QueueRow) {
  return {
    id: r.id,
    connection_id: r.connection_id,
    entity_type: r.entity_type,
    entity_id: r.entity_id,
    operation: r.operation,
    state: r.state,
    state_words: STATE_WORDS[r.state],
    status: r.status,
    attempts: r.attempts,
    last_error: r.last_error,
    last_error_code: r.last_error_code,
    next_attempt_at: r.next_attempt_at,
    waiting_since: r.waiting_since,
    admin_path: adminPathOf(r.entity_type, r.entity_id),
  }
}
