import { generateEntityId } from "@medusajs/framework/utils"
import type { ProviderStateStore } from "../../providers/types"

type Execute = <T>(sql: string, params: unknown[]) => Promise<T[]>

/** A connection's durable key/value state (`provider_state` rows), with the atomic counters providers need. */
export function createProviderStateStore(connectionId: string, execute: Execute): ProviderStateStore {
  const value = async <T>(sql: string, params: unknown[]) =>
    ((await execute<{ value: unknown }>(sql, params))[0]?.value ?? null) as T | null
  return {
    get: <T>(key: string) =>
      value<T>(`SELECT value FROM provider_state WHERE connection_id = ? AND key = ? AND deleted_at IS NULL`, [connectionId, key]),
    set: async (key, v) => {
      await execute(
        `INSERT INTO provider_state (id, connection_id, key, value) VALUES (?, ?, ?, ?::jsonb)
         ON CONFLICT (connection_id, key) WHERE deleted_at IS NULL DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
        [generateEntityId(undefined, "ipst"), connectionId, key, JSON.stringify(v)]
      )
    },
    delete: async (key) => {
      await execute(`DELETE FROM provider_state WHERE connection_id = ? AND key = ?`, [connectionId, key])
    },
    next: async (key) => {
      const counter = await value<{ count: number }>(
        `INSERT INTO provider_state (id, connection_id, key, value) VALUES (?, ?, ?, '{"count": 1}'::jsonb)
         ON CONFLICT (connection_id, key) WHERE deleted_at IS NULL
         DO UPDATE SET value = jsonb_build_object('count', (provider_state.value->>'count')::int + 1), updated_at = now()
         RETURNING value`,
        [generateEntityId(undefined, "ipst"), connectionId, key]
      )
      return Number(counter!.count)
    },
    consume: <T extends { count: number }>(key: string) =>
      value<T>(
        `UPDATE provider_state SET value = jsonb_set(value, '{count}', to_jsonb((value->>'count')::int - 1)), updated_at = now()
          WHERE connection_id = ? AND key = ? AND deleted_at IS NULL AND (value->>'count')::int > 0
          RETURNING value`,
        [connectionId, key]
      ),
  }
}
