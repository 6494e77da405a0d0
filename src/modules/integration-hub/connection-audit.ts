import { generateEntityId } from "@medusajs/framework/utils"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

export type ConnectionAuditAction =
  | "create" | "update" | "test" | "enable" | "disable" | "mode" | "pause" | "resume" | "delete" | "oauth_connect" | "oauth_revoked" | "rotate_key"

export type ConnectionAuditEntry = {
  connection_id: string
  action: ConnectionAuditAction
  actor_id: string | null
  /** Option paths that changed: names, never values. */
  changed: string[] | null
  note: string | null
}

export type ConnectionAuditRow = ConnectionAuditEntry & { id: string; created_at: Date }

/** Writes who did what to a connection (connection_audit). */
export async function recordConnectionAudit(execute: Execute, entry: ConnectionAuditEntry): Promise<void> {
  await execute(
    `INSERT INTO connection_audit (id, connection_id, action, actor_id, changed, note) VALUES (?, ?, ?, ?, ?::jsonb, ?)`,
    [generateEntityId(undefined, "icau"), entry.connection_id, entry.action, entry.actor_id, entry.changed ? JSON.stringify(entry.changed) : null, entry.note]
  )
}

/** A connection's audit, newest first. */
export function listConnectionAudit(execute: Execute, connectionId: string, limit = 50): Promise<ConnectionAuditRow[]> {
  return execute<ConnectionAuditRow>(
    `SELECT id, connection_id, action, actor_id, changed, note, created_at FROM connection_audit
      WHERE deleted_at IS NULL AND connection_id = ? ORDER BY created_at DESC, id DESC LIMIT ?`,
    [connectionId, limit]
  )
}
